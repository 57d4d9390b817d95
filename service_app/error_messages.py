"""The one table from an error's code to its HTTP status and its message in the user's language.

Templates are English source strings (translated in the zh_CN catalog) filled with the error's parameters by name:
`"Only %(on_hand)s of %(part_number)s in bin %(location)s"`. A code whose situations differ enough to need different
sentences maps to a dict of templates keyed by the error's `reason` parameter (None: the code's general sentence).
Every DomainError code raised anywhere has a row here, and every `reason` its raise sites pass has a template
(tests/test_error_messages.py checks both, over the raise sites in the code). The HTTP-level codes the shell answers
(malformed_json, payload_too_large, …) have rows too, so every message a user reads comes from this table.

Parameter values that are words (a store, a role, a field name) are shown in the reader's language; everything else
(part numbers, bin codes, quantities) is shown as it is. The `code` itself never changes with the language.
"""
from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

ERRORS: dict[str, tuple[int, object]] = {
    # --- bad input -------------------------------------------------------------------------------------------
    "invalid_input": (400, {
        None: _l("The input is not valid."),
        "bad_serial": _l("A serial number has 1 to 40 capital letters, digits or -."),
        "bad_model": _l("A model has 1 to 40 letters, digits, spaces or . _ / -."),
        "bad_date": _l("%(field)s must be a date (YYYY-MM-DD)."),
        "in_future": _l("%(field)s lies in the future."),
        "ahead_of_clock": _l("%(field)s is in the future (more than %(tolerance_minutes)s minutes ahead of the "
                             "server's clock)."),
        "before_sale": _l("The date asked about lies before the unit was sold."),
        "before_start": _l("%(field)s lies before the start of the period."),
        "more_than_claimed": _l("%(field)s is more than the claim's %(max)s."),
        "missing_columns": _l("The file lacks the columns: %(columns)s."),
        "not_a_spreadsheet": _l("The file is not a readable XLSX workbook."),
        "too_many_rows": _l("The file has more than %(max)s rows; split it."),
        "required": _l("%(field)s is required."),
        "not_text": _l("%(field)s must be text."),
        "too_long": _l("%(field)s is longer than %(max)s characters."),
        "too_short": _l("%(field)s needs at least %(min)s characters."),
        "not_integer": _l("%(field)s must be a whole number."),
        "not_positive": _l("%(field)s must be greater than zero."),
        "too_small": _l("%(field)s must be at least %(min)s."),
        "too_large": _l("%(field)s must not be more than %(max)s."),
        "out_of_range": _l("%(field)s must be between %(min)s and %(max)s."),
        "not_decimal": _l("%(field)s must be a decimal string such as \"12.50\"."),
        "too_many_decimals": _l("%(field)s has more than %(places)s decimal places."),
        "one_of": _l("%(field)s must be one of: %(allowed)s."),
        "nul_character": _l("%(field)s contains a NUL character."),
        "bad_character": _l("%(field)s contains a character that is not valid text."),
        "part_number_format": _l("A part number holds letters, digits and . _ / - only (at most %(max)s)."),
        "looks_like_code": _l("This part number reads like a bin, card, mode or document code."),
        "bin_code_format": _l("A bin code looks like N-A01-03 (store letter, zone and aisle, level)."),
        "bin_prefix": _l("A bin code of the %(store)s starts with %(prefix)s-."),
        "username_format": _l("A username has 2 to 64 letters, digits or _ . -"),
        "same_location": _l("From and to are the same location (%(location)s)."),
        "use_transfer": _l("Use a transfer to move parts between bins."),
        "stocktake_store": _l("Stocktake %(doc_no)s counts the %(store)s."),
        "no_bins_in_scope": _l("No bin matches this stocktake's scope."),
        "empty_job": _l("A print job needs at least one label."),
        "too_many_labels": _l("%(labels)s labels in one job; split it into jobs of at most %(max)s."),
        "data_or_items": _l("Send either one label (data) or several (items), not both or neither."),
        "card_unprintable": _l("This bin card cannot be printed: %(field)s does not fit on it."),
        "idempotency_key": _l("Idempotency-Key must be 1 to 100 printable characters."),
        "frame_too_large": _l("A camera frame may be at most %(max_mb)s MB."),
        "no_camera": _l("No station camera is configured (CAMERA_SOURCE)."),
        "camera_unavailable": _l("The station camera cannot be opened."),
        "empty": _l("%(field)s is empty."),
        "unreadable": _l("The scanned code cannot be read."),
        "scan_claim_tag": _l("Taking in returned parts: scan the claim tag on the part, then the bin."),
        "number_too_large": _l("The request holds a number beyond what the database can store."),
        "schema": _l("Some fields are not valid: %(fields)s."),
        "bad_dealer_code": _l("A dealer or price list code holds capital letters, digits, _ and - only."),
        "not_an_office": _l("%(dealer)s is not a regional office."),
        "succession_loop": _l("%(part_number)s already leads back to this part: a part cannot replace itself."),
        "not_zero": _l("%(field)s must not be zero."),
        "month_format": _l("%(field)s is a month such as 2026-11."),
        "no_words": _l("%(field)s holds no letters, digits or Chinese characters to search for."),
        "month_not_ended": _l("The month %(month)s has not ended yet."),
        "written_copy_missing": _l("Give the fax or chat reference, or attach an image of the written order first."),
        "scan_order_first": _l("Scan the order's pick list code first."),
        "other_dealers_order": _l("Order %(order_no)s is not an order of dealer %(dealer)s."),
        "not_with_reject": _l("A rejected return carries no restocking charge."),
        "not_with_confirmed": _l("A confirmed statement has no disputed amount."),
        # field service
        "before_previous": _l("%(field)s is earlier than the step it follows (%(not_before)s)."),
        "in_past": _l("%(field)s must be in the future."),
        "one_assignee": _l("Dispatch to one technician or one station."),
        "clock_kept": _l("A reassignment keeps the job's due time; %(field)s cannot be changed with it."),
        "no_unit": _l("This ticket names no unit: failed parts cannot be claimed for it."),
        "service_dealer_code": _l("A station code holds letters, digits, _ and - (at most 32)."),
        "not_a_period": _l("%(field)s is not a valid period; write it like %(example)s."),
        "period_in_future": _l("The period %(period)s has not begun yet."),
        "one_period": _l("Give one period only: a month, a week or a day."),
        "period_kind": _l("This report covers one of these periods: %(allowed)s."),
        "option_not_taken": _l("The report %(report)s does not take %(field)s."),
        # warranty and dealers
        "password_common": _l("This password is too common; choose another."),
        "password_has_username": _l("The password must not contain the username."),
        "wrong_current_password": _l("The current password is wrong."),
        "barcode_is_bin": _l("Barcode %(code)s is the code of bin %(location)s: a scan must mean one thing."),
        "barcode_is_part_number": _l("Barcode %(code)s is the number of part %(part_number)s: a scan must mean one "
                                     "thing."),
        "part_number_is_barcode": _l("%(part_number)s is already a barcode of part %(other)s."),
        "printer_host": _l("Printers may only be at the hosts or networks this site allows (%(allowed)s)."),
        "printer_port": _l("Printers may only listen on the ports this site allows (%(allowed)s)."),
        "printer_folder": _l("Folder printers must write under %(root)s."),
        "printer_queue": _l("A print queue name has letters, digits, _ and - only; other print servers must be "
                            "allowed by the site (%(allowed)s)."),
        "printer_timeout": _l("A printer timeout must be between %(min)s and %(max)s seconds."),
    }),
    "malformed_json": (400, {
        None: _l("The request body is not valid JSON."),
        "too_deep": _l("The request body is nested more than %(max)s levels deep."),
    }),
    "bad_request": (400, _l("The request cannot be understood.")),
    "csrf_failed": (400, _l("The form has expired or lacks its security token; reload the page and try again.")),
    "bad_image": (400, {
        None: _l("The image cannot be decoded."),
        "empty": _l("The request carries no image."),
    }),
    "bad_printer_url": (400, {
        None: _l("The printer address %(url)s is not valid."),
        "not_registered": _l("That printer is not registered; pick one from the printer list."),
    }),
    # Label data that cannot make a scannable label (codes are the labels package's, stable for APIs).
    "unknown_template": (400, _l("There is no label template %(template)s.")),
    "missing_field": (400, _l("Label %(label)s: the field %(field)s is missing.")),
    "too_long": (400, _l("Label %(label)s: %(field)s does not fit on the label (%(detail)s).")),
    "unencodable": (400, _l("Label %(label)s: %(field)s has characters the label cannot print (%(detail)s).")),
    "bad_value": (400, _l("Label %(label)s: %(field)s has a value the label cannot use (%(detail)s).")),
    # --- who you are and what you may do -------------------------------------------------------------------------
    "unauthorized": (401, {
        None: _l("Sign in, or send Authorization: Bearer <token>."),
        "wrong_password": _l("Wrong username or password."),
        "token_expired": _l("The token has expired; ask for a new one."),
        "token_invalid": _l("The token is not valid."),
        "bad_scheme": _l("Use Authorization: Bearer <token>."),
    }),
    "forbidden": (403, {
        None: _l("Your role (%(role)s) may not do this (%(permission)s)."),
        "store": _l("Your role (%(role)s) does not work in the %(store)s."),
        "http": _l("Your role may not do this."),
        "not_assignee": _l("Ticket %(ticket_no)s is not assigned to you."),
        "record": _l("The attachments of %(owner_key)s are only for the people working on it."),
        "card_restart": _l("The card of %(part_number)s in %(location)s disagrees with the account: only a manager "
                           "may restart it."),
    }),
    "login_locked": (429, _l("Too many failed sign-ins for this name or from this address. Try again in "
                             "%(retry_after)s seconds, or ask an administrator to unlock it.")),
    "own_count": (403, _l("You counted lines of stocktake %(doc_no)s: another manager must approve it.")),
    "same_counter": (403, _l("Your count of %(part_number)s in %(location)s was rejected: someone else must "
                             "recount it.")),
    # --- what does not exist ---------------------------------------------------------------------------------------
    "not_found": (404, {
        None: _l("Not found."),
        "supplier": _l("There is no supplier %(supplier)s."),
        "move": _l("There is no move %(move_id)s."),
        "document": _l("There is no open document %(document)s."),
        "print_job": _l("There is no print job %(job_id)s."),
        "incident": _l("There is no quality incident %(incident_no)s."),
        "return_batch": _l("There is no supplier return batch %(batch_no)s."),
        "return_line": _l("Claim %(claim_no)s is not in this return batch."),
        "settled_return_line": _l("Claim %(claim_no)s has no supplier answer in this batch yet."),
        "customer": _l("There is no customer %(customer)s."),
        "handoff": _l("There is no hand-off %(handoff)s on this ticket."),
        "responsible": _l("%(username)s is not an active user who handles complaints."),
        "complaint": _l("Ticket %(ticket_no)s is not a complaint."),
        "dispute": _l("There is no intake dispute %(dispute_no)s."),
        "intake_receipt": _l("There is no intake receipt %(doc_no)s."),
    }),
    "unknown_user": (404, _l("There is no user %(username)s.")),
    "unknown_part": (404, _l("Unknown part %(part_number)s.")),
    "unknown_location": (404, _l("Unknown bin or location %(location)s.")),
    "unknown_unit": (404, _l("Unknown unit %(serial)s.")),
    "unknown_code": (404, {
        None: _l("%(code)s is not a known part, bin or document."),
        "bin": _l("There is no bin %(code)s."),
        "receipt": _l("There is no receipt note %(code)s."),
        "gtin": _l("No part carries the GTIN %(gtin)s."),
    }),
    "unknown_stocktake": (404, _l("There is no stocktake %(stocktake)s.")),
    "method_not_allowed": (405, _l("This address does not take that method.")),
    # --- the state of things ----------------------------------------------------------------------------------------
    "insufficient_stock": (409, {
        None: _l("Only %(on_hand)s of %(part_number)s in bin %(location)s; cannot take %(requested)s."),
        "valuation": _l("The %(store)s holds less than %(requested)s of %(part_number)s in its valuation."),
    }),
    "wrong_store": (409, {
        None: _l("%(location)s is in the wrong store."),
        "not_a_bin": _l("%(location)s is not a bin."),
        "returned_store": _l("%(location)s is in the returned-parts store: it takes parts only through an assessed "
                             "return."),
        "different_stores": _l("%(from_location)s and %(location)s are in different stores."),
        "outside_store": _l("%(location)s is not a bin of the %(store)s."),
    }),
    "conflict": (409, {
        None: _l("The request conflicts with the current state; reload and retry."),
        "concurrent_change": _l("A concurrent change conflicted with this request; retry it."),
        "idempotency_key_reused": _l("This Idempotency-Key was already used for a different request."),
        "duplicate_posting": _l("This movement was already posted."),
        "reversal_of_reversal": _l("Move %(move_id)s is a reversal and cannot itself be reversed; post the movement "
                                   "again instead."),
        "job_not_finished": _l("Print job %(job_id)s has not printed yet; it will print without a reprint."),
        "job_printed": _l("Print job %(job_id)s has already printed; reprint it instead."),
        "job_sending": _l("Print job %(job_id)s is being sent right now."),
        "not_taken_in": _l("The part of claim %(claim_no)s has not been taken into the returned-parts store."),
        "already_in_batch": _l("Claim %(claim_no)s is already in a return batch."),
        "intake_confirmed": _l("Intake receipt %(doc_no)s was already confirmed by %(confirmed_by)s."),
        "nothing_to_scrap": _l("Nothing of claim %(claim_no)s is left to scrap."),
        "call_not_due": _l("No call for unit %(serial)s is due on %(due_on)s today."),
        "call_done": _l("The call for unit %(serial)s due on %(due_on)s was already made."),
    }),
    "already_exists": (409, {
        None: _l("%(code)s already exists."),
        "part": _l("Part %(part_number)s already exists."),
        "bin": _l("Bin %(code)s already exists."),
        "supplier": _l("Supplier %(code)s already exists."),
        "barcode": _l("Barcode %(code)s already belongs to a part."),
        "user": _l("User %(username)s already exists."),
        "official_no": _l("The official invoice number %(code)s is already recorded."),
    }),
    "already_reversed": (409, _l("Move %(move_id)s has already been reversed.")),
    "not_assessed": (409, _l("Claim %(claim_no)s has not been assessed yet.")),
    "wrong_part": (409, {
        None: _l("%(part_number)s is not on order %(order_no)s."),
        "return": _l("%(part_number)s is not on return %(return_no)s."),
    }),
    "stocktake_closed": (409, _l("Stocktake %(doc_no)s is already closed.")),
    "not_in_stocktake": (409, {
        None: _l("Bin %(location)s is not in stocktake %(doc_no)s."),
        "category": _l("%(part_number)s is not in the part category %(category)s counted by stocktake "
                       "%(doc_no)s."),
    }),
    "no_open_stocktake": (409, _l("No open stocktake covers bin %(location)s.")),
    "already_approved": (409, _l("The count of %(part_number)s in %(location)s is already approved.")),
    "not_counted": (409, _l("%(part_number)s in %(location)s has not been counted.")),
    # --- the request as a whole -------------------------------------------------------------------------------------
    "payload_too_large": (413, _l("Request bodies are limited to 1 MB.")),
    "unsupported_media_type": (415, _l("This content type is not accepted here.")),
    "rate_limited": (429, _l("Too many requests; slow down and retry.")),
    "database_unavailable": (503, _l("The database is busy or unreachable; retry shortly.")),
    "unavailable": (503, _l("The service is unavailable; retry shortly.")),
    "http_error": (400, _l("The request cannot be served.")),
    # warranty and dealers
    "unknown_dealer": (404, _l("No dealer %(dealer)s")),
    "unknown_claim": (404, _l("No warranty claim %(claim_no)s")),
    "claim_state": (409, _l("Claim %(claim_no)s is %(status)s: this step is not possible now")),
    "already_taken_in": (409, _l("The part of claim %(claim_no)s has already been taken in")),
    "claim_rejected": (409, _l("Claim %(claim_no)s was rejected: its part does not enter the returned-parts store")),
    "own_assessment": (403, _l("Whoever assessed claim %(claim_no)s cannot also confirm it")),
    "batch_state": (409, _l("Return batch %(batch_no)s is %(status)s: this step is not possible now")),
    "wrong_supplier": (409, _l("Part %(part_number)s of claim %(claim_no)s is not this batch's supplier's")),
    "incident_state": (409, _l("Quality incident %(incident_no)s is %(status)s: this step is not possible now")),
    # dealer orders and accounts (warehouse/orders, warehouse/dealers)
    "dealer_blocked": (409, _l("Finance has blocked the account of dealer %(dealer)s: no new orders")),
    "unknown_order": (404, _l("No order %(order_no)s")),
    "unknown_invoice": (404, _l("No invoice %(invoice_no)s")),
    "unknown_price_list": (404, _l("No price list %(price_list)s")),
    "order_state": (409, {
        None: _l("Order %(order_no)s is %(status)s: this step is not possible now"),
        "not_picked": _l("Order %(order_no)s has nothing picked yet: pick it before shipping"),
        "shipped": _l("Order %(order_no)s has already been shipped"),
        "not_released": _l("Order %(order_no)s is %(status)s: it is not released to picking"),
        "not_held": _l("Order %(order_no)s is not on credit hold"),
        "already_written": _l("The written copy of order %(order_no)s is already recorded"),
        "not_shipped": _l("Order %(order_no)s has not been shipped: nothing on it can be returned"),
    }),
    "statement_not_issued": (409, _l("The statement of dealer %(dealer)s for %(month)s has not been issued yet")),
    "unknown_return": (404, _l("No dealer return %(return_no)s")),
    "return_state": (409, {
        None: _l("Return %(return_no)s is %(status)s: this step is not possible now"),
        "not_negotiating": _l("Return %(return_no)s is %(status)s: only a return under negotiation is decided"),
        "not_receivable": _l("Return %(return_no)s is %(status)s: it is not waiting to be received"),
    }),
    "over_receive": (409, _l("Return %(return_no)s holds %(qty)s of %(part_number)s, %(received)s already received: "
                             "%(requested)s more is too many")),
    "over_pick": (409, _l("Order %(order_no)s needs %(ordered)s of %(part_number)s, %(picked)s already picked: "
                          "%(requested)s more is too many")),
    "period_closed": (409, _l("The month %(month)s is closed: book the correction in the next month")),
    "over_allocated": (409, _l("Allocating %(amount)s to invoice %(invoice_no)s is more than is open on it or "
                               "left of the payment")),
    # field service (warehouse/service/errors.py)
    "unknown_ticket": (404, _l("No service ticket %(ticket_no)s")),
    "unknown_technician": (404, _l("No technician %(technician)s")),
    "unknown_station": (404, _l("No authorised repair station %(station)s")),
    "ticket_state": (409, {
        None: _l("Ticket %(ticket_no)s is %(status)s: the step %(step)s is not possible now"),
        "same_assignee": _l("Ticket %(ticket_no)s is already with %(assignee)s: choose someone else to reassign it"),
    }),
    "not_dispatched": (409, _l("Ticket %(ticket_no)s has not been dispatched yet")),
    "not_reached": (409, _l("Nobody has arrived at the site of ticket %(ticket_no)s yet: it cannot be completed")),
    "job_open": (409, _l("Ticket %(ticket_no)s is not completed yet (%(status)s): call back after completion")),
    "warranty_job": (409, _l("Ticket %(ticket_no)s is covered by the warranty: nothing is charged")),
    "no_quote": (409, _l("Ticket %(ticket_no)s has no accepted quote")),
    "not_completed": (409, _l("Ticket %(ticket_no)s is not completed yet (%(status)s): the completion notice is printed once the job is completed")),
    "unknown_refill": (404, _l("No van refill request %(request_no)s")),
    "refill_state": (409, _l("Van refill request %(request_no)s is already %(status)s")),
    "complaint_state": (409, _l("Complaint %(ticket_no)s is closed: the step %(step)s is not possible now")),
    "complaint_no_result": (409, _l("Complaint %(ticket_no)s has no result yet: record the result before closing it")),
    # customer care (warehouse/care/errors.py)
    "unknown_kb_entry": (404, _l("No knowledge-base entry %(entry)s")),
    "kb_state": (409, {
        None: _l("Knowledge-base entry %(entry)s cannot take this step now"),
        "edit": _l("Knowledge-base entry %(entry)s is waiting for review and cannot be changed now"),
        "submit": _l("Knowledge-base entry %(entry)s is not a draft: only a draft is submitted for review"),
        "review": _l("Knowledge-base entry %(entry)s is not waiting for review"),
    }),
    "own_kb_entry": (403, _l("You wrote knowledge-base entry %(entry)s: someone else must review it")),
    "unknown_checklist": (404, _l("No checklist %(checklist)s")),
    "checklist_target": (409, _l("Checklist %(checklist)s is for another kind of inspection or check")),
    "score_out_of_range": (400, _l("Item %(item)s is scored from 0 to %(max)s: %(score)s is outside that range")),
    "checklist_scores": (400, {
        None: _l("The scores do not match checklist %(checklist)s"),
        "missing": _l("Items %(items)s of checklist %(checklist)s have no score"),
        "unknown_item": _l("Checklist %(checklist)s has no item %(item)s"),
        "duplicate": _l("Item %(item)s of checklist %(checklist)s is scored twice"),
    }),
    "unknown_inspection": (404, _l("No inspection %(inspection)s")),
    "unknown_corrective_action": (404, _l("No corrective action %(action)s")),
    "action_closed": (409, _l("Corrective action %(action)s is already closed")),
    "unknown_repairman": (404, _l("No repairman %(repairman)s")),
    "unknown_service_check": (404, _l("No service check %(check)s")),
    # statements and purchasing
    "unknown_report": (404, _l("There is no report %(report)s; the reports are: %(known)s.")),
    "unknown_purchase_request": (404, _l("There is no purchase request %(request_no)s.")),
    "purchase_request_not_open": (409, _l("Purchase request %(request_no)s is %(status)s and can no longer be "
                                          "cancelled.")),
    "dispute_state": (409, _l("Intake dispute %(dispute_no)s is %(status)s: this step is not possible now")),
    # background jobs (warehouse.jobs)
    "unknown_job": (404, _l("No background job %(job)s")),
    "unknown_job_kind": (400, _l("No background job of kind %(kind)s")),
    "bad_job_params": (400, _l("The parameters of a %(kind)s job are not valid")),
    "job_not_cancellable": (409, _l("Job %(job)s is %(state)s and can no longer be cancelled")),
    "job_no_result": (404, _l("Job %(job)s has no file to download")),
    "job_result_too_large": (409, _l("The result is %(size)s bytes, more than the %(limit)s a job may keep")),
    "job_worker_lost": (500, _l("The worker stopped while running this job, %(attempts)s times")),
    "job_error": (500, _l("The job failed: %(error)s")),
    # attachments (warehouse/attachments/errors.py)
    "attachment_too_large": (413, _l("The file is %(size)s bytes; the limit is %(limit)s")),
    "attachment_too_many_pixels": (413, _l("The image has %(pixels)s pixels; the limit is %(limit)s")),
    "attachment_type_refused": (415, _l("Files of type %(detected)s cannot be attached here; accepted: %(accepted)s")),
    "attachment_type_mismatch": (400, _l("The file is named as %(claimed)s but its content is %(detected)s")),
    "attachment_unreadable": (400, _l("The file looks like %(detected)s but cannot be read: damaged or incomplete")),
    "unknown_owner": (404, _l("There is no %(owner_kind)s %(owner_key)s to attach to")),
    "attachment_not_found": (404, _l("No attachment %(id)s")),
}

# Parameter values that are words of the domain, shown in the reader's language.
STORES = {"NEW": _l("new-parts store"), "RETURNED": _l("returned-parts store")}
ROLES = {"admin": _l("administrator"), "manager": _l("manager"), "new_store_clerk": _l("new-parts store clerk"),
         "returned_store_clerk": _l("returned-parts store clerk"), "shipper": _l("shipper"),
         "technician": _l("technician"), "order_clerk": _l("order clerk"), "finance": _l("finance"),
         "service_agent": _l("service agent")}
FIELDS = {"qty": _l("quantity"), "part_number": _l("part number"), "location": _l("bin"), "store": _l("store"),
          "name": _l("name"), "unit_cost": _l("unit cost"), "standard_cost": _l("standard cost"),
          "dealer_price": _l("dealer price"), "reorder_point": _l("reorder point"), "physical": _l("counted quantity"),
          "card": _l("card balance"), "copies": _l("copies"), "username": _l("username"), "password": _l("password"),
          "role": _l("role"), "code": _l("code"), "to": _l("destination"), "to_location": _l("destination bin"),
          "from_location": _l("source bin"), "plan": _l("plan"), "status": _l("status"), "stocktake": _l("stocktake"),
          "barcode": _l("barcode"), "items": _l("labels"), "category": _l("part category"), "unit": _l("unit"),
          "reference": _l("reference"), "order_no": _l("order number"),
          "restocking_charge": _l("restocking charge"), "condition": _l("condition"), "decision": _l("decision"),
          "month": _l("month"), "week": _l("week"), "day": _l("day"),
          "period": _l("period"), "format": _l("format"), "dealer": _l("dealer"), "lines": _l("lines"),
          "expected_on": _l("expected date"), "note": _l("note"), "lead_time_days": _l("lead time"),
          "score": _l("score"), "notes": _l("notes"), "satisfied": _l("satisfied"), "reached": _l("reached"),
          "purpose": _l("call kind"), "due_on": _l("due date"), "season": _l("season"),
          "start_month": _l("start month"), "start_day": _l("start day"), "serial": _l("serial"),
          "ticket_no": _l("ticket number"), "responsible": _l("person responsible"), "severity": _l("severity"),
          "problem": _l("problem"), "result": _l("result"), "result_due": _l("result deadline"),
          "opinion": _l("handling opinion"), "customer_answer": _l("customer's answer"),
          "customer_accepts": _l("customer accepts"), "starts_on": _l("start date"), "ends_on": _l("end date")}
# customer care's fields (warehouse/care)
FIELDS.update({"title": _l("title"), "symptom": _l("symptom"), "solution": _l("solution"), "cause": _l("cause"),
               "scores": _l("scores"), "pass_score": _l("pass score"), "max_score": _l("maximum score"),
               "inspected_on": _l("inspection date"), "due_on": _l("due date"), "trained_on": _l("training date"),
               "course": _l("course"), "checked_at": _l("time checked"), "comments": _l("comments"),
               "q": _l("search words"), "qualification": _l("qualification"), "joined_on": _l("date joined"),
               "target_kind": _l("kind of target"), "text": _l("item text"), "actions": _l("corrective actions"),
               "checklist_items": _l("checklist items"), "description": _l("description"), "model": _l("model"),
               "notes": _l("notes"), "target": _l("target"), "kind": _l("kind"), "phone": _l("phone"),
               "comment": _l("comment"), "certificate_no": _l("certificate number"), "ticket_no": _l("ticket number")})
FIELDS.update({"lot": _l("lot number"), "accepted_qty": _l("accepted quantity"), "recovered": _l("amount credited"),
          "supplier": _l("supplier"), "title": _l("title"),
          "failure": _l("failure description"), "resolution": _l("outcome agreed"),
          "confirmed_by": _l("who confirmed at the dealer")})
# Order and dealer-return states (warehouse/orders/rules.py) as a sentence names them.
STATUSES = {"held": _l("on credit hold"), "awaiting_written": _l("waiting for its written copy"),
            "released": _l("released"), "picking": _l("being picked"), "picked": _l("picked"),
            "shipped": _l("shipped"), "backorder": _l("a backorder"), "cancelled": _l("cancelled"),
            "awaiting_receipt": _l("waiting to be received"), "negotiating": _l("under negotiation"),
            "received": _l("received"), "scrapped": _l("scrapped"),
            # supplier return batches and quality incidents (warehouse/warranty)
            "open": _l("open"), "closed": _l("closed"), "empty": _l("empty"), "undecided": _l("without a decision"),
            # service tickets (warehouse/service/rules.py)
            "dispatched": _l("dispatched"), "arrived": _l("on site"), "completed": _l("completed"),
            "reopened": _l("reopened"), "answered": _l("answered"),  # (a hand-off already answered)
            "quote_accepted": _l("with its quote accepted")}
# The steps of a ticket and of a complaint that a refusal names (warehouse/service/rules.ALLOWED, complaints).
STEPS = {"dispatch": _l("dispatch"), "arrive": _l("arrival"), "complete": _l("completion"),
         "callback": _l("follow-up call"), "answer": _l("answer"), "quote": _l("quote"), "payment": _l("payment"),
         "hand_off": _l("hand-off"), "handoff_answer": _l("hand-off answer"), "respond": _l("first response"),
         "assign": _l("reassignment"), "opinion": _l("handling opinion"), "result": _l("handling result"),
         "close": _l("closing")}
_WORDS = {"store": STORES, "role": ROLES, "field": FIELDS, "fields": FIELDS, "status": STATUSES, "step": STEPS}


class _Params(dict):
    """Template parameters; one a template names but the error lacks shows as … instead of failing the answer."""

    def __missing__(self, key):
        return "…"


def template_for(code: str, reason: str | None = None):
    """The (status, lazy template) of a code and reason, or None if the table lacks the code."""
    row = ERRORS.get(code)
    if row is None:
        return None
    status, template = row
    if isinstance(template, dict):
        template = template.get(reason) or template[None]
    return status, template


def describe(code: str, params: dict | None = None) -> tuple[int, str]:
    """(status, message) for a code and its parameters, the message rendered in the current locale."""
    params = params or {}
    found = template_for(code, params.get("reason"))
    if found is None:  # tests keep this from happening; answer a 400 that names the code rather than fail
        log.error("error code %r has no row in service_app.error_messages.ERRORS", code)
        return 400, code
    status, template = found
    shown = _Params({k: _word(k, v) for k, v in params.items()})
    message = str(template) % shown
    if str(template).startswith("%(field)s") and params.get("field") in FIELDS:
        message = message[:1].upper() + message[1:]  # a field's word opens the sentence; API names stay as sent
    return status, message


def _word(name: str, value):
    words = _WORDS.get(name)
    if words is not None and isinstance(value, str) and value in words:
        return str(words[value])
    return value


def render(exc) -> tuple[int, str]:
    """(status, message in the current locale) for a DomainError: what every frame (API, web, CLI) shows."""
    return describe(exc.code, exc.params)
