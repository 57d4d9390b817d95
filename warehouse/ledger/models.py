from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.catalog.models import Part
from warehouse.db import COST, MONEY, Base, utcnow
from warehouse.locations.models import Location

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity for billions of moves.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Move(Base):
    __tablename__ = "move"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("from_location_id <> to_location_id", name="distinct_locations"),
        Index("ix_move_to_part_time", "to_location_id", "part_id", "created_at"),
        Index("ix_move_from_part_time", "from_location_id", "part_id", "created_at"),
        Index("ix_move_part_time", "part_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    qty: Mapped[int] = mapped_column(Integer)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    to_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    unit_cost: Mapped[Decimal] = mapped_column(COST, default=Decimal("0"))
    doc_type: Mapped[str] = mapped_column(String(20))
    doc_no: Mapped[str | None] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("move.id"), unique=True)
    note: Mapped[str | None] = mapped_column(String(200))
    lot: Mapped[str | None] = mapped_column(String(40))  # the supplier's lot (GS1 AI 10) when a receipt scanned one

    part: Mapped[Part] = relationship(lazy="joined")
    from_location: Mapped[Location] = relationship(foreign_keys=[from_location_id], lazy="joined")
    to_location: Mapped[Location] = relationship(foreign_keys=[to_location_id], lazy="joined")


class Balance(Base):
    """Cached on-hand of one part in one stock-holding location, and the lock target for moves out of it.

    `card_qty` is the bin card's balance: opening balance plus the moves confirmed at the shelf (see stocktake).
    """

    __tablename__ = "balance"
    __table_args__ = (CheckConstraint("qty >= 0", name="qty_not_negative"),)

    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True, index=True)
    qty: Mapped[int] = mapped_column(Integer, default=0)
    card_qty: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Valuation(Base):
    """Quantity and value of a part in one store; moving-average cost = value / qty."""

    __tablename__ = "valuation"
    __table_args__ = (CheckConstraint("qty >= 0", name="qty_not_negative"),)

    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), primary_key=True)
    store: Mapped[str] = mapped_column(String(16), primary_key=True)
    qty: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[Decimal] = mapped_column(MONEY.__class__(16, 4), default=Decimal("0"))
    last_cost: Mapped[Decimal] = mapped_column(COST, default=Decimal("0"))
