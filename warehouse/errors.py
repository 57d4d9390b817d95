"""Domain errors with stable snake_case codes; the API maps them to HTTP in one place (service_app/api/errors.py)."""
from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    status = 400  # the HTTP status the API answers with; kept here so the mapping is defined once, beside the code

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
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
