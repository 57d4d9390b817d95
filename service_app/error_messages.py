"""The one table from a domain error's code to its HTTP status and its message in the user's language.

Templates are English source strings (translated in the zh_CN catalog) filled with the error's parameters by name:
`"Only %(on_hand)s on hand"`. Every DomainError code raised anywhere has a row here (a test checks it).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS: dict[str, tuple[int, object]] = {
    # code: (status, message template)
    # attachments (warehouse/attachments/errors.py)
    "attachment_too_large": (413, _l("The file is %(size)s bytes; the limit is %(limit)s")),
    "attachment_too_many_pixels": (413, _l("The image has %(pixels)s pixels; the limit is %(limit)s")),
    "attachment_type_refused": (415, _l("Files of type %(detected)s cannot be attached here; accepted: %(accepted)s")),
    "attachment_type_mismatch": (400, _l("The file is named as %(claimed)s but its content is %(detected)s")),
    "attachment_unreadable": (400, _l("The file looks like %(detected)s but cannot be read: damaged or incomplete")),
    "unknown_owner": (404, _l("There is no %(owner_kind)s %(owner_key)s to attach to")),
    "attachment_not_found": (404, _l("No attachment %(id)s")),
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
