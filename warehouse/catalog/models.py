from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.db import COST, MONEY, Base, utcnow
from warehouse.limits import BARCODE_LEN, CATEGORY_LEN, NAME_LEN, PART_NUMBER_LEN, SUPPLIER_CODE_LEN, UNIT_LEN


class Supplier(Base):
    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(SUPPLIER_CODE_LEN), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    name_en: Mapped[str | None] = mapped_column(String(NAME_LEN))
    contact: Mapped[str | None] = mapped_column(String(200))


class Part(Base):
    __tablename__ = "part"

    id: Mapped[int] = mapped_column(primary_key=True)
    part_number: Mapped[str] = mapped_column(String(PART_NUMBER_LEN), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN), index=True)
    name_en: Mapped[str | None] = mapped_column(String(NAME_LEN))
    unit: Mapped[str] = mapped_column(String(UNIT_LEN), default="pcs")
    category: Mapped[str | None] = mapped_column(String(CATEGORY_LEN), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"))
    standard_cost: Mapped[Decimal] = mapped_column(COST, default=Decimal("0"))
    dealer_price: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    reorder_point: Mapped[int] = mapped_column(Integer, default=0)
    # Days from a purchase request to the parts on the shelf (the stock plan reads it); a month until purchasing
    # says otherwise.
    lead_time_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Order entry's look-up: the name's pinyin initials (压缩机 → ysj), kept with the part so the search is an index
    # range scan; set by catalog.search on every insert and name change.
    pinyin: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("part.id"))  # 替代件: the part that replaces it

    supplier: Mapped[Supplier | None] = relationship()
    barcodes: Mapped[list[PartBarcode]] = relationship(back_populates="part", cascade="all, delete-orphan")


class PartBarcode(Base):
    """A code printed on a part or its box: `own` (our label), `ean`/`gtin` (supplier retail codes), `supplier`."""

    __tablename__ = "part_barcode"

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(BARCODE_LEN), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="supplier")
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"))

    part: Mapped[Part] = relationship(back_populates="barcodes")
    supplier: Mapped[Supplier | None] = relationship()


from warehouse.catalog import search as _search  # noqa: E402,F401  (keeps Part.pinyin set on every write)
