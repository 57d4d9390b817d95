"""Pure decisions: warranty status on a date, and where an assessment goes next. No database here."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CAUSES = ("quality", "human", "wear", "installation")
DECISIONS = ("approve", "reject", "charge")
FINAL = {"approve": "approved", "reject": "rejected", "charge": "charged"}
CENT = Decimal("0.01")


def add_months(d: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Terms:
    """What a policy version grants (the fields of `Policy` that the status needs)."""

    months: int
    usage_limit: int | None = None
    covers_parts: bool = True
    covers_labour: bool = True


@dataclass(frozen=True)
class Status:
    status: str  # in_warranty | expired | no_policy
    expires_on: date | None = None
    days_left: int | None = None
    usage_limit: int | None = None
    usage_left: int | None = None
    coverage: list[str] = field(default_factory=list)
    expired_by: str | None = None  # date | usage


def evaluate(terms: Terms | None, *, sold_on: date, on: date, usage: int | None = None, extra_months: int = 0,
             own_until: date | None = None) -> Status:
    """Warranty on `on`: months from the sale (plus extensions) or the usage limit, whichever comes first.

    `expires_on` is the last day covered. `own_until` is a replaced part's own warranty, which can outlast the
    unit's months (not its usage limit: a worn-out unit is worn out).
    """
    if terms is None:
        return Status("no_policy")
    expires = add_months(sold_on, terms.months + extra_months) - timedelta(days=1)
    if own_until is not None and own_until > expires:
        expires = own_until
    usage_left = None if terms.usage_limit is None or usage is None else terms.usage_limit - usage
    coverage = [c for c, on_ in (("parts", terms.covers_parts), ("labour", terms.covers_labour)) if on_]
    expired_by = "date" if on > expires else ("usage" if usage_left is not None and usage_left < 0 else None)
    return Status("expired" if expired_by else "in_warranty", expires, (expires - on).days, terms.usage_limit,
                  usage_left, [] if expired_by else coverage, expired_by)


def claim_amount(*, dealer_price: Decimal, qty: int, labour_hours: Decimal, labour_rate: Decimal) -> Decimal:
    """Credit for an approved claim: parts at dealer price plus labour hours at the rate, rounded half-up to
    the cent once, on the total."""
    return (dealer_price * qty + labour_hours * labour_rate).quantize(CENT, rounding=ROUND_HALF_UP)


def next_status(decision: str, *, amount: Decimal, quality_above: Decimal | None,
                reject_limit: Decimal | None) -> str:
    """Where an assessment goes: the quality department confirms approvals and charges from the policy's amount;
    a rejection above the limit waits for a manager; anything else takes effect at once."""
    if decision in ("approve", "charge") and quality_above is not None and amount >= quality_above:
        return "pending_quality"
    if decision == "reject" and reject_limit is not None and amount > reject_limit:
        return "pending_manager"
    return FINAL[decision]


def repeat_flag(repairs: int, repeat_limit: int | None) -> bool:
    """三包: after `repeat_limit` repairs of the same fault the unit is due for replacement or refund."""
    return repeat_limit is not None and repairs >= repeat_limit
