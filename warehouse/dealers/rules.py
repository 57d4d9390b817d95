"""Account arithmetic, pure and exact (Decimal): settlement of debits by credits, balance and ageing.

A debit (invoice, positive adjustment) is open for its amount less what settles it. Settlement: first what finance
allocated explicitly; then every credit amount not allocated (payments, warranty and return credits, negative
adjustments) settles the open debits oldest due date first. Credit left over after every debit is settled is a
credit balance and shows in `not_due` (negative), so the ageing buckets always add up to the balance.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    id: int
    amount: Decimal  # signed from the dealer's side: > 0 owed to us, < 0 owed to the dealer
    due_on: date | None  # debits; None counts as due on the day it was booked
    booked_on: date


def bucket(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "not_due"
    if days_overdue <= 30:
        return "1_30"
    if days_overdue <= 60:
        return "31_60"
    if days_overdue <= 90:
        return "61_90"
    return "over_90"


def open_debits(lines: list[Line], allocations: dict[int, Decimal]) -> tuple[list[tuple[Line, Decimal]], Decimal]:
    """[(debit, open amount)] oldest due first, and the credit left unapplied (≥ 0).

    `allocations`: {debit id: amount explicitly allocated to it}; the same total is taken off the credits' side."""
    debits = sorted((ln for ln in lines if ln.amount > 0), key=lambda ln: (ln.due_on or ln.booked_on, ln.id))
    credit = -sum((ln.amount for ln in lines if ln.amount < 0), ZERO) - sum(allocations.values(), ZERO)
    out = []
    for d in debits:
        left = d.amount - allocations.get(d.id, ZERO)
        take = min(left, credit) if credit > 0 else ZERO
        credit -= take
        out.append((d, left - take))
    return [(d, amt) for d, amt in out if amt > 0], max(credit, ZERO)


def ageing(lines: list[Line], allocations: dict[int, Decimal], today: date) -> dict[str, Decimal]:
    buckets = {b: ZERO for b in BUCKETS}
    debits, unapplied = open_debits(lines, allocations)
    for d, amt in debits:
        buckets[bucket((today - (d.due_on or d.booked_on)).days)] += amt
    buckets["not_due"] -= unapplied
    return buckets


def balance(lines: list[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


def overdue(lines: list[Line], allocations: dict[int, Decimal], today: date) -> Decimal:
    """What is past its due date and not settled."""
    debits, _ = open_debits(lines, allocations)
    return sum((amt for d, amt in debits if (d.due_on or d.booked_on) < today), ZERO)
