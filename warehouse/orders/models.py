from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.catalog.models import Part
from warehouse.db import MONEY, Base, utcnow
from warehouse.dealers.models import Dealer
from warehouse.limits import NOTE_LEN, REFERENCE_LEN


class Order(Base):
    __tablename__ = "dealer_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # phone | fax | chat
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_LEN))  # the written order's fax/chat reference
    written_at: Mapped[datetime | None] = mapped_column()  # when the written copy was recorded (None: waiting)
    credit_hold: Mapped[bool] = mapped_column(default=False)
    hold_reason: Mapped[str | None] = mapped_column(String(32))  # over_limit | overdue
    released_by: Mapped[str | None] = mapped_column(String(64))  # the manager who lifted the credit hold
    status: Mapped[str] = mapped_column(String(20), index=True)
    total: Mapped[Decimal] = mapped_column(MONEY)  # goods at the order's prices, tax included
    backorder_of: Mapped[str | None] = mapped_column(String(32))
    carrier: Mapped[str | None] = mapped_column(String(64))
    waybill: Mapped[str | None] = mapped_column(String(64))
    parcels: Mapped[int | None] = mapped_column(Integer)
    invoice_no: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(NOTE_LEN))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    released_at: Mapped[datetime | None] = mapped_column()  # first released to picking (the daily check's clock)
    shipped_at: Mapped[datetime | None] = mapped_column(index=True)
    shipped_by: Mapped[str | None] = mapped_column(String(64))

    dealer: Mapped[Dealer] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.line_no")


class OrderLine(Base):
    __tablename__ = "dealer_order_line"
    __table_args__ = (UniqueConstraint("order_id", "part_id"),
                      CheckConstraint("picked >= 0 AND picked <= qty", name="picked_within_qty"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("dealer_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    qty: Mapped[int] = mapped_column(Integer)
    picked: Mapped[int] = mapped_column(Integer, default=0)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)

    order: Mapped[Order] = relationship(back_populates="lines")
    part: Mapped[Part] = relationship(lazy="joined")
