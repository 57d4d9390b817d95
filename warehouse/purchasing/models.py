from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.catalog.models import Part
from warehouse.db import Base, utcnow
from warehouse.limits import DOCUMENT_LEN, NOTE_LEN, USERNAME_LEN


class PurchaseRequest(Base):
    """One part asked of the purchasing department. Received is derived from the receipts that name it."""

    __tablename__ = "purchase_request"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_no: Mapped[str] = mapped_column(String(DOCUMENT_LEN), unique=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    qty: Mapped[int] = mapped_column(Integer)
    expected_on: Mapped[date] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(NOTE_LEN))
    created_by: Mapped[str] = mapped_column(String(USERNAME_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(USERNAME_LEN))
    cancelled_at: Mapped[datetime | None] = mapped_column()

    part: Mapped[Part] = relationship(lazy="joined")
