"""Checks of the values a care use case receives, whichever edge they came through (API, page, CLI), beside the
shared ones in `warehouse.checks` (text, one_of)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from warehouse.db import utcnow
from warehouse.errors import ValidationError


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
