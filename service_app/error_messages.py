"""The one table from a domain error's code to its HTTP status and its message in the user's language.

Templates are English source strings (translated in the zh_CN catalog) filled with the error's parameters by name:
`"Only %(on_hand)s on hand"`. Every DomainError code raised anywhere has a row here (a test checks it).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS: dict[str, tuple[int, object]] = {
    # code: (status, message template)
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
