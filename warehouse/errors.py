"""Domain errors: a stable snake_case `code` and keyword parameters, nothing else.

No HTTP status and no finished sentence live here: the shell (`service_app/error_messages.py`) maps each code to a
status and a translated message template filled from the parameters, so a Chinese clerk reads the error in Chinese
and an API client keeps a code that never changes.

New errors: `class WrongThing(DomainError): code = "wrong_thing"`, raised as `WrongThing(part_number=…, qty=…)`, and
one row in `service_app/error_messages.ERRORS`. Situations of one code that a reader must tell apart carry a
`reason` sub-code (`ValidationError(field="qty", reason="not_positive")`), each with its own template there.
"""
from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, **params):
        super().__init__(self.code, params)
        self.params = params

    def __str__(self) -> str:  # logs and tracebacks: the code and its parameters, never a sentence
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}({args})"


def _error(name: str, code: str) -> type[DomainError]:
    return type(name, (DomainError,), {"code": code, "__module__": __name__})


ValidationError = _error("ValidationError", "invalid_input")
NotFound = _error("NotFound", "not_found")
UnknownPart = _error("UnknownPart", "unknown_part")
UnknownLocation = _error("UnknownLocation", "unknown_location")
UnknownUnit = _error("UnknownUnit", "unknown_unit")
UnknownCode = _error("UnknownCode", "unknown_code")
WrongStore = _error("WrongStore", "wrong_store")
InsufficientStock = _error("InsufficientStock", "insufficient_stock")
Conflict = _error("Conflict", "conflict")
AlreadyExists = _error("AlreadyExists", "already_exists")
AlreadyReversed = _error("AlreadyReversed", "already_reversed")
NotAssessed = _error("NotAssessed", "not_assessed")
WrongPart = _error("WrongPart", "wrong_part")
Forbidden = _error("Forbidden", "forbidden")
