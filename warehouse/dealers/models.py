from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.db import MONEY, Base, utcnow


class Dealer(Base):
    __tablename__ = "dealer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_limit: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    region: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountEntry(Base):
    """One line on a dealer's account. `amount` is signed from the dealer's side: positive is owed to us (invoice),
    negative is owed to the dealer (payment received, warranty credit, return credit). One line per source document
    and kind, so posting the same credit twice is refused by the database."""

    __tablename__ = "dealer_account_entry"
    __table_args__ = (UniqueConstraint("kind", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # warranty_credit | invoice | payment | return_credit
    source: Mapped[str] = mapped_column(String(40))  # the claim, order, invoice or payment number
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    dealer: Mapped[Dealer] = relationship()
