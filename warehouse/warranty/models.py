from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.db import MONEY, Base, utcnow

HOURS = Numeric(7, 2)


class ProductModel(Base):
    """A sold model (机型) and its category, which picks the labour rate."""

    __tablename__ = "product_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(64))


class Customer(Base):
    """Confidential: only roles with `customers.read` see these fields (the API omits them for others)."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    phone2: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    key_account: Mapped[bool] = mapped_column(default=False)
    owner: Mapped[str | None] = mapped_column(String(64))  # the key account's named owner
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    model: Mapped[str] = mapped_column(String(40), index=True)
    sold_on: Mapped[date] = mapped_column(Date)
    dealer_code: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    usage: Mapped[int | None] = mapped_column(Integer)  # km or hours, the latest reading
    usage_read_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer | None] = relationship()


class Policy(Base):
    """One version of a model's warranty terms (or of a part-category exception when `category` is set)."""

    __tablename__ = "warranty_policy"
    __table_args__ = (Index("ix_warranty_policy_lookup", "model", "category", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(64))  # a part category with its own terms
    months: Mapped[int] = mapped_column(Integer)
    usage_limit: Mapped[int | None] = mapped_column(Integer)  # whichever comes first
    covers_parts: Mapped[bool] = mapped_column(default=True)
    covers_labour: Mapped[bool] = mapped_column(default=True)
    replaced_part_months: Mapped[int | None] = mapped_column(Integer)  # a replaced part's own warranty
    repeat_limit: Mapped[int | None] = mapped_column(Integer)  # 三包: replace or refund after N repairs of a fault
    quality_confirm_above: Mapped[Decimal | None] = mapped_column(MONEY)  # 品技部 confirms claims from this amount
    effective_from: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Extension(Base):
    """Warranty months bought after the sale (延保)."""

    __tablename__ = "warranty_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    bought_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))


class LabourRate(Base):
    """Labour credited per hour for a model category; the row with category '*' is the default."""

    __tablename__ = "labour_rate"

    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(MONEY)


class Claim(Base):
    __tablename__ = "warranty_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_no: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    qty: Mapped[int] = mapped_column(Integer)
    failure: Mapped[str] = mapped_column(Text)
    labour_hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal("0"))
    warranty_status: Mapped[str] = mapped_column(String(16))  # at filing: in_warranty | expired | no_policy
    fits_model: Mapped[bool | None] = mapped_column()  # None: no compatibility list for this part
    # filed → (pending_quality | pending_manager) → approved | rejected | charged
    status: Mapped[str] = mapped_column(String(20), default="filed", index=True)
    cause: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))  # parts at dealer price + labour
    assessed_by: Mapped[str | None] = mapped_column(String(64))
    assessed_at: Mapped[datetime | None] = mapped_column()
    confirmed_by: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    # the supplier's lot of the failed part when known: given with the claim, or carried from the repair that fitted it
    lot: Mapped[str | None] = mapped_column(String(40))
    intake_doc_no: Mapped[str | None] = mapped_column(String(32))
    intake_qty: Mapped[int | None] = mapped_column(Integer)
    intake_location: Mapped[str | None] = mapped_column(String(40))
    intake_at: Mapped[datetime | None] = mapped_column()
    # the dealer's confirmation of the intake receipt (每张入库单须与经销商确认): who at the dealer, when recorded
    dealer_confirmed_by: Mapped[str | None] = mapped_column(String(64))
    dealer_confirmed_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    unit: Mapped[Unit] = relationship()


class PartWarranty(Base):
    """A part replaced under warranty, warranted from the repair date for the policy's `replaced_part_months`."""

    __tablename__ = "part_warranty"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    from_date: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    claim_no: Mapped[str] = mapped_column(String(32), unique=True)


class PartFit(Base):
    """Part–model compatibility (which parts fit which models); a part with no rows here fits any model."""

    __tablename__ = "part_fit"

    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class ReturnBatch(Base):
    """A batch of failed parts going back to one supplier (退货): open → shipped → closed."""

    __tablename__ = "supplier_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_no: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()

    lines: Mapped[list[ReturnLine]] = relationship(back_populates="batch", order_by="ReturnLine.id")


class ReturnLine(Base):
    """One claim's failed parts in a batch; what we claim from the supplier, and what they accepted and credited."""

    __tablename__ = "supplier_return_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("supplier_return.id"), index=True)
    claim_no: Mapped[str] = mapped_column(String(32), unique=True)  # a claim's part goes back once
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    location: Mapped[str] = mapped_column(String(40))
    qty: Mapped[int] = mapped_column(Integer)
    claimed: Mapped[Decimal] = mapped_column(MONEY)
    accepted_qty: Mapped[int | None] = mapped_column(Integer)
    recovered: Mapped[Decimal | None] = mapped_column(MONEY)
    scrap_approved_by: Mapped[str | None] = mapped_column(String(64))

    batch: Mapped[ReturnBatch] = relationship(back_populates="lines")


class QualityIncident(Base):
    """A batch-quality problem (批量质量问题) opened from an alert: the affected units and what was decided."""

    __tablename__ = "quality_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_no: Mapped[str] = mapped_column(String(32), unique=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    model: Mapped[str | None] = mapped_column(String(40))
    sold_from: Mapped[date | None] = mapped_column(Date)
    sold_to: Mapped[date | None] = mapped_column(Date)
    lots: Mapped[str | None] = mapped_column(String(200))  # the supplier lots named, comma-separated
    title: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(Text)
    customers_told_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column()


class IntakeDispute(Base):
    """An abnormal return from a dealer (旧件异常): fewer parts than claimed, the wrong part, or the part missing.
    Opened by the intake, negotiated with the dealer, closed by a manager with the outcome. One per claim."""

    __tablename__ = "intake_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_no: Mapped[str] = mapped_column(String(32), unique=True)
    claim_no: Mapped[str] = mapped_column(String(32), unique=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # shortfall | wrong_part | part_missing
    claimed_qty: Mapped[int] = mapped_column(Integer)
    received_qty: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open → closed
    resolution: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column()
