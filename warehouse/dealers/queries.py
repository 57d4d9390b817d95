from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.dealers.models import AccountEntry, Dealer


def balance(session: Session, dealer: Dealer) -> Decimal:
    """What the dealer owes us (negative: what we owe the dealer), summed from the entries."""
    total = session.scalar(select(func.coalesce(func.sum(AccountEntry.amount), 0))
                           .where(AccountEntry.dealer_id == dealer.id))
    return Decimal(total).quantize(Decimal("0.01"))


def entries(session: Session, dealer: Dealer, *, kind: str | None = None) -> list[AccountEntry]:
    q = select(AccountEntry).where(AccountEntry.dealer_id == dealer.id)
    if kind:
        q = q.where(AccountEntry.kind == kind)
    return list(session.scalars(q.order_by(AccountEntry.id)))
