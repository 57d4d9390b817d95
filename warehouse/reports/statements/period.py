"""The period a statement covers: a month (`2024-05`), an ISO week (`2024-W21`) or a day (`2024-05-31`).

A period is [start, end) in dates; times compare in UTC, as the ledger stores them (the same day boundary the
quality statistics use). A period that has not begun yet is refused; the current month, week or day is allowed
(a statement of the month so far).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from warehouse.errors import ValidationError

KINDS = ("month", "week", "day")
_FORMS = {"month": re.compile(r"^(\d{4})-(\d{2})$"), "week": re.compile(r"^(\d{4})-W(\d{2})$"),
          "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")}
EXAMPLES = {"month": "2024-05", "week": "2024-W21", "day": "2024-05-31"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive
    label: str

    @property
    def start_at(self) -> datetime:
        return at(self.start)

    @property
    def end_at(self) -> datetime:
        return at(self.end)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def at(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.utc)


def month_of(d: date) -> Period:
    start = d.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return Period("month", start, end, f"{start:%Y-%m}")


def months_before(period: Period, n: int) -> list[Period]:
    """The `n` months ending with the one `period` ends in, oldest first (a chart's 12-month trend)."""
    last = month_of(period.last_day)
    out = [last]
    while len(out) < n:
        out.insert(0, month_of(out[0].start - timedelta(days=1)))
    return out


def parse(kind: str, value: str, *, today: date) -> Period:
    """A period from its text form; refused (`invalid_input`, field = the kind) when it is not one or has not
    begun on `today`."""
    if kind not in KINDS:
        raise ValidationError(field="period", reason="one_of", allowed=", ".join(KINDS))
    m = _FORMS[kind].match(value.strip()) if isinstance(value, str) else None
    try:
        if m is None:
            raise ValueError(value)
        nums = [int(g) for g in m.groups()]
        if kind == "month":
            period = month_of(date(nums[0], nums[1], 1))
        elif kind == "week":
            start = date.fromisocalendar(nums[0], nums[1], 1)
            end = start + timedelta(days=7)
            period = Period("week", start, end, f"{nums[0]}-W{nums[1]:02d}")
        else:
            d = date(*nums)
            period = Period("day", d, d + timedelta(days=1), d.isoformat())
    except ValueError:
        raise ValidationError(field=kind, reason="not_a_period", example=EXAMPLES[kind]) from None
    if period.start > today:
        raise ValidationError(field=kind, reason="period_in_future", period=period.label)
    return period
