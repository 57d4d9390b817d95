"""Domain errors: a stable snake_case `code` and keyword parameters, nothing else.

No HTTP status and no finished sentence live here: the shell (`service_app/error_messages.py`) maps each code to a
status and a translated message template filled from the parameters, so a Chinese clerk reads the error in Chinese
and an API client keeps a code that never changes.

New errors: `class WrongThing(DomainError): code = "wrong_thing"`, raised as `WrongThing(part_number=…, qty=…)`, and
one row in `service_app/error_messages.ERRORS`.
"""
from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    status = 400  # legacy: read only while error_messages.ERRORS lacks the code (being removed)

    def __init__(self, message: str | None = None, /, **params):
        # `message` is the legacy English sentence, still passed by old raise sites while they are converted.
        super().__init__(message or self.code)
        self.message = message or self.code
        self.params = params


def _error(name: str, code: str, status: int) -> type[DomainError]:
    return type(name, (DomainError,), {"code": code, "status": status})


ValidationError = _error("ValidationError", "invalid_input", 400)
NotFound = _error("NotFound", "not_found", 404)
UnknownPart = _error("UnknownPart", "unknown_part", 404)
UnknownLocation = _error("UnknownLocation", "unknown_location", 404)
UnknownUnit = _error("UnknownUnit", "unknown_unit", 404)
UnknownCode = _error("UnknownCode", "unknown_code", 404)
WrongStore = _error("WrongStore", "wrong_store", 409)
InsufficientStock = _error("InsufficientStock", "insufficient_stock", 409)
Conflict = _error("Conflict", "conflict", 409)
AlreadyExists = _error("AlreadyExists", "already_exists", 409)
AlreadyReversed = _error("AlreadyReversed", "already_reversed", 409)
NotAssessed = _error("NotAssessed", "not_assessed", 409)
WrongPart = _error("WrongPart", "wrong_part", 409)
Forbidden = _error("Forbidden", "forbidden", 403)
