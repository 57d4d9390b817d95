"""The one table from a domain error's code to its HTTP status and its message in the user's language.

Templates are English source strings (translated in the zh_CN catalog) filled with the error's parameters by name:
`"Only %(on_hand)s on hand"`. Every DomainError code raised anywhere has a row here (a test checks it).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS: dict[str, tuple[int, object]] = {
    # code: (status, message template)
    # warranty and dealers
    "unknown_dealer": (404, _l("No dealer %(dealer)s")),
    "unknown_claim": (404, _l("No warranty claim %(claim_no)s")),
    "claim_state": (409, _l("Claim %(claim_no)s is %(status)s: this step is not possible now")),
    "already_taken_in": (409, _l("The part of claim %(claim_no)s has already been taken in")),
    "claim_rejected": (409, _l("Claim %(claim_no)s was rejected: its part does not enter the returned-parts store")),
    "own_assessment": (403, _l("Whoever assessed claim %(claim_no)s cannot also confirm it")),
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
    "unknown_code": (404, _l("No part, bin or document here has the code %(code)s")),
}


def describe(code: str, params: dict, *, fallback_status: int = 400, fallback_message: str | None = None):
    """(status, message) for a code, the message rendered in the current locale; unknown codes keep the fallback."""
    row = ERRORS.get(code)
    if row is None:
        return fallback_status, fallback_message or code
    status, template = row
    try:
        return status, str(template) % params if params else str(template)
    except (KeyError, TypeError, ValueError):
        return status, str(template)


def render(exc) -> tuple[int, str]:
    """(status, message in the current locale) for a DomainError: what every frame (API, web, CLI) shows."""
    return describe(exc.code, exc.params, fallback_status=exc.status, fallback_message=exc.message)
