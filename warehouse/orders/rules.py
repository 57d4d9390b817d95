"""An order's status from its facts (pure). See docs/dealers.md for the diagram.

    held             credit check failed (open balance + this order over the limit, or an invoice overdue);
                     a manager releases it
    awaiting_written taken by phone, its written copy (fax/chat reference or an image of it) not yet recorded
    released         both cleared: on the pick list
    picking          some units picked
    picked           every line fully picked (a short pick ships as it is: the rest becomes a backorder)
    shipped          stock moved to the dealer, invoiced
    backorder        what a short shipment left; released when stock arrives
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

STATUSES = ("held", "awaiting_written", "released", "picking", "picked", "shipped", "backorder", "cancelled")
PICKABLE = ("released", "picking", "backorder")
SHIPPABLE = ("picking", "picked")


def entry_status(*, credit_hold: bool, written: bool) -> str:
    """Before picking: the credit hold shows first; an order both held and waiting stays `held` until a manager
    releases it, then waits for its written copy."""
    if credit_hold:
        return "held"
    if not written:
        return "awaiting_written"
    return "released"


def pick_status(lines: list[tuple[int, int]]) -> str:
    """From (qty, picked) per line."""
    if all(picked >= qty for qty, picked in lines):
        return "picked"
    return "picking" if any(picked for _, picked in lines) else "released"


def credit_fails(*, balance: Decimal, order_total: Decimal, credit_limit: Decimal, overdue: Decimal) -> str | None:
    """Why the credit check fails, or None."""
    if overdue > 0:
        return "overdue"
    if balance + order_total > credit_limit:
        return "over_limit"
    return None


# --- dealer returns --------------------------------------------------------------------------------------------------
RETURN_STATUSES = ("awaiting_receipt", "negotiating", "received", "rejected", "scrapped")
"""awaiting_receipt  normal, or abnormal accepted by a manager: scanned back into NEW bins line by line
negotiating       abnormal: waits for a manager's decision
received          every unit back in a NEW bin: credited (less any restocking charge)
rejected          sent back to the dealer, no credit
scrapped          to @SCRAP, credited less any restocking charge"""


def return_reasons(*, days_since_shipped: int | None, window_days: int, conditions: list[str],
                   shipped_to_dealer: bool) -> list[str]:
    """Why a return is abnormal (empty: normal). `days_since_shipped` None: no shipment of ours to name."""
    reasons = []
    if not shipped_to_dealer:
        reasons.append("not_ours")
    elif days_since_shipped is not None and days_since_shipped > window_days:
        reasons.append("outside_window")
    if any(c != "unused" for c in conditions):
        reasons.append("damaged")
    return reasons


def return_credit(lines: list[tuple[int, Decimal, Decimal]]) -> Decimal:
    """The credit for (qty, unit price, tax rate) lines: each line's net plus its tax, half-up to the cent —
    the way the invoice charged them."""
    total = Decimal("0")
    for qty, price, rate in lines:
        net = qty * price
        total += net + (net * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return total
