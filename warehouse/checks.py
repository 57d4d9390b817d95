"""Small input checks every area uses on values that did not come through a form or schema (CLI, imports,
services called from tests and jobs). Each raises ValidationError with the field and a reason the error table
speaks (service_app/error_messages.py). Money has its own check: `warehouse.catalog.services.money`."""
from __future__ import annotations

from warehouse.errors import ValidationError


def text(value, field: str, max_len: int, *, required: bool = False) -> str | None:
    """Trimmed text of at most `max_len` characters; None for nothing or blanks (unless `required`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field=field, reason="required")
        return None
    if not isinstance(value, str):
        raise ValidationError(field=field, reason="not_text")
    value = value.strip()
    if len(value) > max_len:
        raise ValidationError(field=field, reason="too_long", max=max_len)
    return value


def one_of(value, field: str, choices: tuple) -> str:
    if value not in choices:
        raise ValidationError(field=field, reason="one_of", allowed=", ".join(choices))
    return value
