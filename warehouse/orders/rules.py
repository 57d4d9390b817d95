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

from decimal import Decimal

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
