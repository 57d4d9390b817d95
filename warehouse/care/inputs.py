"""Checks of the values a care use case receives, whichever edge they came through (API, page, CLI)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from warehouse.db import utcnow
from warehouse.errors import ValidationError


def text(value, field: str, max_len: int, *, required: bool = False) -> str | None:
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


def whole(value, field: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field=field, reason="not_integer")
    if not low <= value <= high:
        raise ValidationError(field=field, reason="out_of_range", min=low, max=high)
    return value


def day(value, field: str, *, not_after_today: bool = False) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(field=field, reason="bad_date")
    if not_after_today and value > utcnow().date():
        raise ValidationError(field=field, reason="in_future")
    return value


def moment(value, field: str) -> datetime:
    """A time, UTC when it carries no offset; not in the future."""
    if not isinstance(value, datetime):
        raise ValidationError(field=field, reason="required")
    value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if value > utcnow():
        raise ValidationError(field=field, reason="in_future")
    return value
