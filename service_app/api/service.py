"""Field service: tickets, dispatch, the visit, callbacks, hand-offs, charged repairs, vans, KPIs (CONTRACT §4
shapes for tickets, dispatch, arrive, complete, callback and kpis)."""
from __future__ import annotations

from decimal import Decimal

from flask import Response, current_app
from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError as SchemaError, fields, validate, validates_schema

from service_app.api.common import read, write
from service_app.api.fields import Money, PartNumber, Qty, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from service_app.report_labels import report_labels
from warehouse import limits
from warehouse.service import kpi_registry, papers, queries, rules, services as service, targets, vans

blp = Blueprint("api_service", __name__, description="Field service: tickets, dispatch, visits, callbacks, KPIs")

TicketNo = Str(metadata={"example": "TK-20250105-0001"})


def _time(**kw):
    return fields.DateTime(**kw, metadata={"description": "ISO 8601; UTC when it carries no offset",
                                           "example": "2025-01-05T09:30:00Z"})


class CustomerIn(Schema):
    name = Str(required=True, validate=validate.Length(min=1, max=200))
    phone = Text(40)
    address = Text(300)
    key_account = fields.Boolean(load_default=False)
    owner = Text(64)


class CustomerRef(fields.Field):
    """A customer id (integer) or a new/known customer {name, phone?, address?}."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= 2**31 - 1:
                raise SchemaError("out of range")
            return value
        if isinstance(value, dict):
            return CustomerIn().load(value)
        raise SchemaError("a customer id or {name, phone?, address?}")


class TicketCreate(Schema):
    serial = Str(allow_none=True, validate=validate.Length(max=40),
                 metadata={"description": "required for category device"})
    category = Str(required=True, validate=validate.OneOf(rules.CATEGORIES))
    description = Str(required=True, validate=validate.Length(min=1, max=service.DESCRIPTION_LEN))
    customer = CustomerRef(allow_none=True, metadata={"description": "a customer id, or {name, phone?, address?, "
                                                                     "key_account?, owner?}"})
    kind = Str(allow_none=True, validate=validate.OneOf(rules.KINDS))
    channel = Str(load_default="phone", validate=validate.OneOf(rules.CHANNELS))
    priority = Str(allow_none=True, validate=validate.OneOf(rules.PRIORITIES))
    region = Text(64)


class TicketCreated(Schema):
    ticket_no = TicketNo
    warranty_status = Str(allow_none=True, metadata={"description": "in_warranty | expired | no_policy | null"})
    kind = Str()
    status = Str()
    priority = Str()


class TicketSummary(Schema):
    ticket_no = TicketNo
    kind = Str()
    category = Str()
    channel = Str()
    priority = Str()
    region = Str(allow_none=True)
    status = Str(metadata={"description": " | ".join(rules.STATUSES)})
    warranty_status = Str(allow_none=True)
    assignee_kind = Str(allow_none=True)
    assignee = Str(allow_none=True)
    created_at = Str()
    dispatched_at = Str(allow_none=True)
    contact_by = Str(allow_none=True)
    due_at = Str(allow_none=True)
    contacted_at = Str(allow_none=True)
    arrived_at = Str(allow_none=True)
    completed_at = Str(allow_none=True)
    closed_at = Str(allow_none=True)
    answered_at = Str(allow_none=True)
    flag = Str(allow_none=True, metadata={"description": "late | due_soon | contact_late | null"})
    description = Str()


class TicketDetail(TicketSummary):
    serial = Str(allow_none=True)
    model = Str(allow_none=True)
    customer = fields.Dict(allow_none=True, metadata={"description": "roles with customers.read and the job's own "
                                                                     "technician only"})
    diagnosis = Str(allow_none=True)
    cause = Str(allow_none=True)
    answer = Str(allow_none=True)
    labour_hours = Str()
    reopened = fields.Integer()
    chargeable = fields.Boolean()
    quote = fields.Dict(allow_none=True)
    paid = Money()
    parts_used = fields.List(fields.Dict())
    history = fields.List(fields.Dict())
    callbacks = fields.List(fields.Dict())
    handoffs = fields.List(fields.Dict())
    payments = fields.List(fields.Dict())


class TicketList(Schema):
    tickets = fields.List(fields.Nested(TicketSummary))


class TicketQuery(Schema):
    status = Str(validate=validate.OneOf(rules.STATUSES))
    assignee = Str(validate=validate.Length(max=64))
    kind = Str(validate=validate.OneOf(rules.KINDS))
    open = fields.Boolean()
    late = fields.Boolean()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    before_id = fields.Integer(validate=validate.Range(min=1))


class Dispatch(Schema):
    technician = Str(validate=validate.Length(min=1, max=64), metadata={"description": "a technician's username"})
    station = Str(validate=validate.Length(min=1, max=32), metadata={"description": "a repair station's code"})
    due_at = _time(allow_none=True)

    @validates_schema
    def one_of_them(self, data, **kwargs):
        if ("technician" in data) == ("station" in data):
            raise SchemaError("give technician or station", "technician")


class Contact(Schema):
    at = _time(allow_none=True)
    visit_at = _time(allow_none=True)


class Arrive(Schema):
    at = _time(required=True)


class PartLine(Schema):
    part_number = PartNumber()
    qty = Qty()
    lot = Text(limits.LOT_LEN, metadata={"description": "the supplier's lot on the part's label (GS1 AI 10), "
                                                       "carried to claims on the unit later"})


class FailedPart(Schema):
    part_number = PartNumber()
    qty = Qty(load_default=1, required=False)
    failure = Text(2000)
    lot = Text(limits.LOT_LEN, metadata={"description": "the lot read off the failed part; default: the lot "
                                                       "recorded when it was fitted"})


class Complete(Schema):
    at = _time(required=True)
    parts_used = fields.List(fields.Nested(PartLine), load_default=list, validate=validate.Length(max=50))
    diagnosis = Text(service.TEXT_LEN)
    cause = Str(allow_none=True, validate=validate.OneOf(rules.CAUSES))
    labour_hours = Money(allow_none=True)
    failed_parts = fields.List(fields.Nested(FailedPart), load_default=list, validate=validate.Length(max=20))
    device = Text(limits.DEVICE_LEN)
    print_tags = fields.Boolean(load_default=True, metadata={"description": "queue the returned-part tags"})


class CallbackIn(Schema):
    satisfied = fields.Boolean(required=True)
    score = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=5))
    notes = Text(service.TEXT_LEN)


class CallbackOut(Schema):
    ticket_no = TicketNo
    status = Str()
    satisfied = fields.Boolean()
    score = fields.Integer(allow_none=True)


class HandOffAnswerIn(Schema):
    answer = Str(required=True, validate=validate.Length(min=1, max=service.TEXT_LEN))


class HandoffIn(Schema):
    department = Str(required=True, validate=validate.Length(min=1, max=64))
    question = Str(required=True, validate=validate.Length(min=1, max=service.TEXT_LEN))
    due_at = _time(required=True)


class HandoffOut(Schema):
    id = fields.Integer()
    department = Str()
    question = Str()
    due_at = Str()
    answer = Str(allow_none=True)
    answered_at = Str(allow_none=True)


class QuoteIn(Schema):
    parts = fields.List(fields.Nested(PartLine), load_default=list, validate=validate.Length(max=50))
    labour_hours = Money(load_default="0")
    cause = Str(allow_none=True, validate=validate.OneOf(rules.CAUSES))


class TicketPaymentIn(Schema):
    amount = Money(required=True)
    method = Str(required=True, validate=validate.OneOf(rules.PAYMENT_METHODS))
    reference = Text(100, metadata={"description": "the transfer's or QR payment's reference; cash needs none"})


class PaymentOut(Schema):
    receipt_no = Str()
    ticket_no = TicketNo
    amount = Money()
    method = Str()
    reference = Str(allow_none=True)
    paid = Money()
    owed = Money()


MONTH_FIELD = dict(validate=validate.Regexp(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"), metadata={"example": "2025-01"})


class KpiQuery(Schema):
    month = Str(required=True, **MONTH_FIELD)
    by = Str(validate=validate.OneOf(kpi_registry.DIMENSIONS),
             metadata={"description": "adds `breakdown`: each KPI by agent, technician, station or region"})


class KpiKeyed(Schema):
    key = Str(allow_none=True)
    value = fields.Float(allow_none=True)
    numerator = fields.Float(allow_none=True)
    denominator = fields.Integer(allow_none=True)


class KpiEntry(Schema):
    name = Str()
    kind = Str(metadata={"description": "ratio | average | median | count"})
    unit = Str()
    section = Str()
    available = fields.Boolean(metadata={"description": "false until the KPI's records exist (customer care)"})
    higher_is_better = fields.Boolean()
    value = fields.Float(allow_none=True)
    numerator = fields.Float(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    target = fields.Float(allow_none=True)
    met = fields.Boolean(allow_none=True)
    by = fields.List(fields.Nested(KpiKeyed))


class KpiBreakdown(Schema):
    dimension = Str()
    kpis = fields.List(fields.Nested(KpiEntry))


class TargetsIn(Schema):
    month = Str(required=True, metadata={"example": "2025-01"})
    targets = fields.Dict(keys=Str(validate=validate.Length(max=40)), values=fields.Raw(allow_none=True),
                          required=True, metadata={"description": "KPI name → target (a rate as a fraction 0–1, "
                                                                  "minutes, a score), null removes it",
                                                   "example": {"repair_timeliness_rate": 0.9}})


class TargetsQuery(Schema):
    month = Str(required=True, **MONTH_FIELD)


class TargetsOut(Schema):
    month = Str()
    targets = fields.Dict(keys=Str(), values=fields.Float())


class KpiOut(Schema):
    month = Str()
    repair_timeliness_rate = fields.Float(allow_none=True)
    satisfaction = fields.Float(allow_none=True)
    complaint_rate = fields.Float(allow_none=True)
    satisfaction_score = fields.Float(allow_none=True)
    jobs_due = fields.Integer()
    jobs_in_time = fields.Integer()
    callbacks = fields.Integer()
    satisfied_callbacks = fields.Integer()
    customers_complaining = fields.Integer()
    customers_served = fields.Integer()
    first_response_minutes = fields.Float(allow_none=True)
    callback_completion_rate = fields.Float(allow_none=True)
    complaint_response_rate = fields.Float(allow_none=True)
    repeat_repair_rate = fields.Float(allow_none=True)
    compliance_rate = fields.Float(allow_none=True)
    station_inspection_score = fields.Float(allow_none=True)
    claim_approval_rate = fields.Float(allow_none=True)
    stock_accuracy = fields.Float(allow_none=True)
    kpis = fields.List(fields.Nested(KpiEntry), metadata={"description": "every KPI with its basis and target"})
    breakdown = fields.Nested(KpiBreakdown)
    inquiry_response_hours = fields.Float(allow_none=True)


class SearchQuery(Schema):
    q = Str(required=True, validate=validate.Length(min=1, max=64))


class CustomerList(Schema):
    customers = fields.List(fields.Dict())


class BoardQuery(Schema):
    technician = Str(validate=validate.Length(max=64))


class BoardOut(Schema):
    now = Str()
    jobs = fields.List(fields.Nested(TicketSummary))
    counts = fields.Dict()
    load = fields.List(fields.Dict())


class StationIn(Schema):
    code = Str(required=True, validate=validate.Length(min=1, max=32))
    name = Str(required=True, validate=validate.Length(min=1, max=200))
    region = Text(64)
    phone = Text(40)
    dealer = Text(32, metadata={"description": "the dealer code when the station is also a dealer"})


class StationOut(Schema):
    code = Str()
    name = Str()
    region = Str(allow_none=True)
    dealer = Str(allow_none=True)


class ProfileIn(Schema):
    region = Text(64)
    skills = Text(200)


class ProfileOut(Schema):
    username = Str()
    region = Str(allow_none=True)
    skills = Str(allow_none=True)
    van = Str()


class DueRuleIn(Schema):
    kind = Str(load_default="*", validate=validate.OneOf(("*",) + rules.FIELD_KINDS))
    priority = Str(load_default="*", validate=validate.OneOf(("*",) + rules.PRIORITIES))
    region = Text(64)
    contact_hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=24 * 90))
    reach_hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=24 * 90))


class DueRuleOut(Schema):
    kind = Str()
    priority = Str()
    region = Str()
    contact_hours = fields.Integer()
    reach_hours = fields.Integer()


class VanStock(Schema):
    technician = Str()
    van = Str()
    parts = fields.List(fields.Dict())


class RefillLineIn(Schema):
    part_number = PartNumber()
    qty = Qty()
    from_location = Str(required=True, validate=validate.Length(min=1, max=limits.LOCATION_CODE_LEN))


class RefillIn(Schema):
    technician = Str(validate=validate.Length(min=1, max=64), metadata={"description": "default: yourself"})
    lines = fields.List(fields.Nested(RefillLineIn), required=True, validate=validate.Length(min=1, max=100))
    note = Text(limits.NOTE_LEN)


class ReviewIn(Schema):
    approve = fields.Boolean(required=True)
    note = Text(limits.NOTE_LEN)


class RefillOut(Schema):
    request_no = Str()
    technician = Str()
    van = Str()
    status = Str()
    lines = fields.List(fields.Dict())


# --- helpers --------------------------------------------------------------------------------------------------------

def _view(ticket_no: str) -> dict:
    actor = api_actor()
    return queries.ticket_view(db.session, ticket_no, username=actor.username,
                               can_read_customers=actor.can("customers.read"))


def _work_step(fn, ticket_no: str, **body):
    """A technician's step on their own job, or the back office's on any (stations report by phone)."""
    actor = api_actor()
    return write(lambda key: (fn(db.session, ticket_no=ticket_no, actor=actor.username,
                                 may_any=actor.can("tickets.write"), **body), _view(ticket_no))[1])


def _refill(req) -> dict:
    return queries.refill_view(db.session, req.request_no)


def _work_or_write() -> None:
    actor = api_actor()
    if not (actor.can("tickets.work") or actor.can("tickets.write")):
        from warehouse.errors import Forbidden
        raise Forbidden(role=actor.role, permission="tickets.work")


# --- tickets --------------------------------------------------------------------------------------------------------

@blp.route("/tickets", methods=["POST"])
@blp.arguments(TicketCreate())
@blp.response(201, TicketCreated)
@require("tickets.write")
def create_ticket(body):
    """Log a call: a problem, an installation, a maintenance visit, a complaint, an inquiry or a suggestion. The
    warranty status is read from the serial at once (null without one; a serial is required for category device)."""
    def run(_key):
        t = service.create_ticket(db.session, **body, actor=api_actor().username)
        return {"ticket_no": t.ticket_no, "warranty_status": t.warranty_status, "kind": t.kind, "status": t.status,
                "priority": t.priority}
    return write(run, status=201)


@blp.route("/tickets", methods=["GET"])
@blp.arguments(TicketQuery(), location="query")
@blp.response(200, TicketList)
@require("tickets.read")
def list_tickets(args):
    """Tickets newest first (the register of calls and visits, 来电、来访登记, is this list by channel)."""
    return read({"tickets": queries.list_tickets(db.session, status=args.get("status"),
                                                 assignee=args.get("assignee"), kind=args.get("kind"),
                                                 open_only=args.get("open", False), late_only=args.get("late", False),
                                                 limit=args["limit"], before_id=args.get("before_id"))})


@blp.route("/tickets/<ticket_no>", methods=["GET"])
@blp.response(200, TicketDetail)
@require("tickets.read")
def show_ticket(ticket_no):
    return read(_view(ticket_no))


@blp.route("/tickets/<ticket_no>/dispatch", methods=["POST"])
@blp.arguments(Dispatch())
@blp.response(200, TicketDetail)
@require("tickets.write")
def dispatch(body, ticket_no):
    """Assign to a technician (username) or a station (code). The first dispatch sets the contact and reach
    clocks (due rules per kind, priority and region; `due_at` overrides); a later call reassigns and keeps them."""
    return write(lambda _key: (service.dispatch(db.session, ticket_no=ticket_no, actor=api_actor().username,
                                                **body), _view(ticket_no))[1])


@blp.route("/tickets/<ticket_no>/contact", methods=["POST"])
@blp.arguments(Contact())
@blp.response(200, TicketDetail)
@require("tickets.write")
def contact(body, ticket_no):
    """The customer was called and the visit booked (stops the contact clock)."""
    return write(lambda _key: (service.record_contact(db.session, ticket_no=ticket_no, actor=api_actor().username,
                                                      **body), _view(ticket_no))[1])


@blp.route("/tickets/<ticket_no>/arrive", methods=["POST"])
@blp.arguments(Arrive())
@blp.response(200, TicketDetail)
@require("tickets.read")
def arrive(body, ticket_no):
    """Arrival on site at `at` (the tablet's time: not before the dispatch, at most 5 minutes ahead of the
    server's clock)."""
    _work_or_write()
    return _work_step(service.arrive, ticket_no, **body)


@blp.route("/tickets/<ticket_no>/complete", methods=["POST"])
@blp.arguments(Complete())
@blp.response(200, TicketDetail)
@require("tickets.read")
def complete(body, ticket_no):
    """Completion: diagnosis, parts used (issued from the technician's van: a part it does not hold → 409
    insufficient_stock, nothing written), failed parts collected (a warranty claim each, its tag queued)."""
    _work_or_write()
    printer = current_app.config["PRINTER_URL"] if body.pop("print_tags") else None
    actor = api_actor()
    return write(lambda key: (service.complete(db.session, ticket_no=ticket_no, actor=actor.username,
                                               may_any=actor.can("tickets.write"), idempotency_key=key,
                                               label_printer=printer, **body), _view(ticket_no))[1])


@blp.route("/tickets/<ticket_no>/callback", methods=["POST"])
@blp.arguments(CallbackIn())
@blp.response(200, CallbackOut)
@require("tickets.write")
def callback(body, ticket_no):
    """回访 after completion: satisfied closes the job, not satisfied reopens it with the notes as the reason."""
    def run(_key):
        cb = service.callback(db.session, ticket_no=ticket_no, actor=api_actor().username, **body)
        t = service.get_ticket(db.session, ticket_no)
        return {"ticket_no": t.ticket_no, "status": t.status, "satisfied": cb.satisfied, "score": cb.score}
    return write(run)


@blp.route("/tickets/<ticket_no>/answer", methods=["POST"])
@blp.arguments(HandOffAnswerIn())
@blp.response(200, TicketDetail)
@require("tickets.write")
def answer(body, ticket_no):
    """The answer to an inquiry or suggestion (closes it) or the first response to a complaint."""
    return write(lambda _key: (service.answer(db.session, ticket_no=ticket_no, text=body["answer"],
                                              actor=api_actor().username), _view(ticket_no))[1])


@blp.route("/tickets/<ticket_no>/handoffs", methods=["POST"])
@blp.arguments(HandoffIn())
@blp.response(201, HandoffOut)
@require("tickets.write")
def hand_off(body, ticket_no):
    """Hand a problem the field cannot solve to a department, with a due date."""
    def run(_key):
        h = service.hand_off(db.session, ticket_no=ticket_no, actor=api_actor().username, **body)
        return {"id": h.id, "department": h.department, "question": h.question, "due_at": h.due_at.isoformat(),
                "answer": None, "answered_at": None}
    return write(run, status=201)


@blp.route("/tickets/<ticket_no>/handoffs/<int:handoff_id>/answer", methods=["POST"])
@blp.arguments(HandOffAnswerIn())
@blp.response(200, HandoffOut)
@require("tickets.write")
def handoff_answer(body, ticket_no, handoff_id):
    """The department's answer, recorded on the ticket."""
    def run(_key):
        h = service.answer_handoff(db.session, ticket_no=ticket_no, handoff_id=handoff_id, text=body["answer"],
                                   actor=api_actor().username)
        return {"id": h.id, "department": h.department, "question": h.question, "due_at": h.due_at.isoformat(),
                "answer": h.answer, "answered_at": h.answered_at.isoformat()}
    return write(run)


@blp.route("/tickets/<ticket_no>/quote", methods=["POST"])
@blp.arguments(QuoteIn())
@blp.response(200, TicketDetail)
@require("tickets.read")
def quote(body, ticket_no):
    """A charged repair's quote (out of warranty or human damage): parts at the customer price, labour by the
    hour. A warranty job → 409 warranty_job."""
    _work_or_write()
    factor = Decimal(str(current_app.config.get("SERVICE_RETAIL_FACTOR", rules.RETAIL_FACTOR)))
    return _work_step(service.make_quote, ticket_no, retail_factor=factor, **body)


@blp.route("/tickets/<ticket_no>/quote/accept", methods=["POST"])
@blp.response(200, TicketDetail)
@require("tickets.read")
def accept_quote(ticket_no):
    """The customer accepted the quote (their signature is attached to the ticket)."""
    _work_or_write()
    return _work_step(service.accept_quote, ticket_no)


@blp.route("/tickets/<ticket_no>/payments", methods=["POST"])
@blp.arguments(TicketPaymentIn())
@blp.response(201, PaymentOut)
@require("tickets.read")
def payment(body, ticket_no):
    """Money received for an accepted quote (cash, transfer, QR reference); a warranty job → 409 warranty_job."""
    _work_or_write()
    actor = api_actor()

    def run(_key):
        p = service.record_payment(db.session, ticket_no=ticket_no, actor=actor.username,
                                   may_any=actor.can("tickets.write"), **body)
        t = service.get_ticket(db.session, ticket_no)
        return {"receipt_no": p.receipt_no, "ticket_no": t.ticket_no, "amount": f"{p.amount:.2f}",
                "method": p.method, "reference": p.reference, "paid": f"{t.paid:.2f}",
                "owed": f"{t.quote_total - t.paid:.2f}"}
    return write(run, status=201)


@blp.route("/tickets/<ticket_no>/receipt.pdf", methods=["GET"])
@blp.doc(responses={"200": {"description": "the charged-repair receipt (收费维修单（收据）), A4, Chinese",
                            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
@require("tickets.read")
def receipt(ticket_no):
    """The receipt of a charged repair: customer, unit, work, parts at the customer price, labour, total, payments,
    signature lines. Needs a quote (409 no_quote); for the technician holding the job and the roles that read
    customers."""
    return _ticket_paper(papers.receipt_pdf, ticket_no, "receipt")


def _ticket_paper(render, ticket_no: str, name: str) -> Response:
    """A ticket's paper as the reader may see it (customer fields only for those who read customers), printed in
    Chinese as the paper forms are, shown inline."""
    actor = api_actor()
    with force_locale("zh_CN"):
        labels = report_labels()
    data = render(db.session, ticket_no=ticket_no, printed_by=actor.username, labels=labels,
                  can_read_customers=actor.can("customers.read"))
    db.session.rollback()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}-{ticket_no.strip().upper()}.pdf"'})


@blp.route("/tickets/<ticket_no>/completion-notice.pdf", methods=["GET"])
@blp.doc(responses={"200": {"description": "the completion notice (完工通知单), A4, Chinese",
                            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
@require("tickets.read")
def completion_notice(ticket_no):
    """The completion notice of a finished job: customer, unit and warranty status, problem, diagnosis, parts used,
    failed parts collected, labour, arrival and completion times, the customer's signature. Once the job is
    completed (409 not_completed before); for the technician holding the job and the roles that read customers."""
    return _ticket_paper(papers.completion_pdf, ticket_no, "completion")


# --- the board, my jobs, customers, KPIs ------------------------------------------------------------------------------

@blp.route("/service/board", methods=["GET"])
@blp.arguments(BoardQuery(), location="query")
@blp.response(200, BoardOut)
@require("tickets.write")
def board(args):
    """Jobs not reached yet, the most urgent first, flagged late / due_soon / contact_late; load per assignee."""
    return read(queries.board(db.session, technician=args.get("technician")))


@blp.route("/service/my-jobs", methods=["GET"])
@blp.response(200, BoardOut)
@require("tickets.work")
def my_jobs():
    """The signed-in technician's open jobs."""
    return read(queries.board(db.session, technician=api_actor().username))


@blp.route("/customers/search", methods=["GET"])
@blp.arguments(SearchQuery(), location="query")
@blp.response(200, CustomerList)
@require("customers.read")
def search_customers(args):
    """Customers whose phone, name or unit serial starts with `q` (at least 2 characters), with their units."""
    return read({"customers": queries.search_customers(db.session, args["q"])})


@blp.route("/kpis", methods=["GET"])
@blp.arguments(KpiQuery(), location="query")
@blp.response(200, KpiOut)
@require("kpis.read")
def kpis(args):
    """The month's service KPIs as fractions 0–1 (null when nothing was counted); see docs/service.md."""
    return read(queries.kpis(db.session, month=args["month"], by=args.get("by")))


@blp.route("/kpis/targets", methods=["GET"])
@blp.arguments(TargetsQuery(), location="query")
@blp.response(200, TargetsOut)
@require("kpis.read")
def kpi_targets(args):
    """The month's KPI targets."""
    return read({"month": args["month"], "targets": targets.month_targets(db.session, month=args["month"])})


@blp.route("/kpis/targets", methods=["POST"])
@blp.arguments(TargetsIn())
@blp.response(200, TargetsOut)
@require("kpis.targets")
def set_kpi_targets(body):
    """Set a month's targets (a manager): a month that does not exist, an unknown KPI or a target out of its range
    is a 400 and nothing is written."""
    return write(lambda _key: targets.set_targets(db.session, actor=api_actor().username, **body))


# --- configuration: stations, technicians, due rules ---------------------------------------------------------------

@blp.route("/stations", methods=["POST"])
@blp.arguments(StationIn())
@blp.response(201, StationOut)
@require("service.configure")
def create_station(body):
    def run(_key):
        s = service.create_station(db.session, **body)
        return {"code": s.code, "name": s.name, "region": s.region, "dealer": s.dealer_code}
    return write(run, status=201)


@blp.route("/technicians/<username>/profile", methods=["POST"])
@blp.arguments(ProfileIn())
@blp.response(200, ProfileOut)
@require("service.configure")
def set_profile(body, username):
    """A technician's region and skills (dispatch suggestions); creates their van on first use."""
    def run(_key):
        p = service.set_profile(db.session, username=username, **body)
        return {"username": p.username, "region": p.region, "skills": p.skills,
                "van": vans.van_of(db.session, p.username).code}
    return write(run)


@blp.route("/service/due-rules", methods=["POST"])
@blp.arguments(DueRuleIn())
@blp.response(200, DueRuleOut)
@require("service.configure")
def set_due_rule(body):
    """Hours to contact the customer and to reach the site, per kind, priority and region ('*': any)."""
    def run(_key):
        r = service.set_due_rule(db.session, **body)
        return {"kind": r.kind, "priority": r.priority, "region": r.region, "contact_hours": r.contact_hours,
                "reach_hours": r.reach_hours}
    return write(run)


# --- vans -------------------------------------------------------------------------------------------------------

@blp.route("/vans/<username>", methods=["GET"])
@blp.response(200, VanStock)
@require("tickets.read")
def van(username):
    """What a technician's van holds (`V-<USERNAME>`)."""
    return read(queries.van_stock(db.session, username))


@blp.route("/vans/refills", methods=["POST"])
@blp.arguments(RefillIn())
@blp.response(201, RefillOut)
@require("tickets.work")
def request_refill(body):
    """Ask for parts from NEW bins onto a van; a manager reviews it."""
    actor = api_actor()
    technician = body.pop("technician", None) or actor.username
    if technician != actor.username and not actor.can("vans.review"):
        from warehouse.errors import Forbidden
        raise Forbidden(role=actor.role, permission="vans.review")
    return write(lambda _key: _refill(vans.request_refill(db.session, technician=technician, actor=actor.username,
                                                          **body)), status=201)


@blp.route("/vans/refills/<request_no>/review", methods=["POST"])
@blp.arguments(ReviewIn())
@blp.response(200, RefillOut)
@require("vans.review")
def review_refill(body, request_no):
    """Approve (the parts move from their bins to the van, all or none) or reject a refill request."""
    return write(lambda _key: _refill(vans.review_refill(db.session, request_no=request_no,
                                                         actor=api_actor().username, **body)))
