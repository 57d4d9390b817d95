from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.dealers.models import AccountEntry, CollectionCall, Dealer


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


def _dealer_row(d: Dealer) -> dict:
    return {"code": d.code, "name": d.name, "region": d.region, "kind": d.kind, "blocked": d.blocked,
            "contact_phone": d.contact_phone, "price_level": d.price_level}


def search(session: Session, q: str | None = None, *, limit: int = 10) -> list[dict]:
    """Active dealers whose code or name starts with `q` (order entry's dealer field), codes first; all when empty."""
    stmt = select(Dealer).where(Dealer.active.is_(True)).order_by(Dealer.code).limit(limit)
    q = (q or "").strip()
    if q:
        top = q + "\uffff"
        stmt = stmt.where(((Dealer.code >= q.upper()) & (Dealer.code < q.upper() + "\uffff"))
                          | ((Dealer.name >= q) & (Dealer.name < top)))
    return [_dealer_row(d) for d in session.scalars(stmt)]


def calls(session: Session, dealer: Dealer, *, limit: int = 50) -> list[dict]:
    """The dealer's collection calls, newest first."""
    rows = session.scalars(select(CollectionCall).where(CollectionCall.dealer_id == dealer.id)
                           .order_by(CollectionCall.created_at.desc(), CollectionCall.id.desc()).limit(limit))
    return [{"note": c.note, "promised_on": c.promised_on.isoformat() if c.promised_on else None,
             "by": c.created_by, "at": c.created_at.isoformat()} for c in rows]


def months_with_lines(session: Session, dealer: Dealer) -> list[str]:
    """The months (YYYY-MM) the dealer's account has lines in, newest first: the statements one can print."""
    days = session.scalars(select(AccountEntry.booked_on).where(AccountEntry.dealer_id == dealer.id).distinct())
    return sorted({f"{d:%Y-%m}" for d in days if d is not None}, reverse=True)
