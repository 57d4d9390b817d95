from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
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
    kind: Mapped[str] = mapped_column(String(16), default="dealer", server_default="dealer")  # dealer|office|station
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("dealer.id"))  # a station's regional office
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    price_level: Mapped[str | None] = mapped_column(String(16))  # a PriceList code; None: the parts' dealer_price
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    tax_number: Mapped[str | None] = mapped_column(String(32))  # 纳税人识别号
    invoice_title: Mapped[str | None] = mapped_column(String(200))  # 开票抬头
    blocked: Mapped[bool] = mapped_column(default=False, server_default="0")  # set by finance: no new orders
    blocked_reason: Mapped[str | None] = mapped_column(String(200))

    parent: Mapped[Dealer | None] = relationship(remote_side=[id])


class PriceList(Base):
    """A dealer price level (`A`, `B`, …) or the retail list (`RETAIL`) that field service charges from."""

    __tablename__ = "price_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="dealer")  # dealer | retail


class PriceListItem(Base):
    __tablename__ = "price_list_item"

    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id"), primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), primary_key=True, index=True)
    price: Mapped[Decimal] = mapped_column(MONEY)


class AccountEntry(Base):
    """One line on a dealer's account. `amount` is signed from the dealer's side: positive is owed to us (invoice),
    negative is owed to the dealer (payment received, warranty credit, return credit). One line per source document
    and kind, so posting the same credit twice is refused by the database."""

    __tablename__ = "dealer_account_entry"
    __table_args__ = (UniqueConstraint("kind", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # invoice|payment|warranty_credit|return_credit|adjustment
    source: Mapped[str] = mapped_column(String(40))  # the claim, order, invoice or payment number
    amount: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    booked_on: Mapped[date | None] = mapped_column(Date, index=True)  # the accounting day (its month's statement)
    due_on: Mapped[date | None] = mapped_column(Date)  # debits: when payment is due (ageing counts from it)

    dealer: Mapped[Dealer] = relationship()


class Allocation(Base):
    """Finance's explicit settlement: `amount` of credit line `credit_id` pays debit line `debit_id`. Credit not
    allocated settles the oldest open debits first (rules.settle)."""

    __tablename__ = "dealer_allocation"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_id: Mapped[int] = mapped_column(ForeignKey("dealer_account_entry.id"), index=True)
    debit_id: Mapped[int] = mapped_column(ForeignKey("dealer_account_entry.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)


class Invoice(Base):
    """What a shipment is invoiced at: the order's prices, the tax rate and amounts; `official_no` is the 发票号
    finance records when the tax invoice is issued."""

    __tablename__ = "dealer_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_no: Mapped[str] = mapped_column(String(32), unique=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"), index=True)
    order_no: Mapped[str] = mapped_column(String(32), index=True)
    net: Mapped[Decimal] = mapped_column(MONEY)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    tax: Mapped[Decimal] = mapped_column(MONEY)
    gross: Mapped[Decimal] = mapped_column(MONEY)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    official_no: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Period(Base):
    """A closed month (`2026-11`): no line is booked into it any more and its statements stay as issued."""

    __tablename__ = "dealer_period"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CollectionCall(Base):
    """A collection call (催款) by the order clerk or finance: what was said, and the payment promised."""

    __tablename__ = "dealer_collection_call"
    __table_args__ = (Index("ix_collection_dealer_time", "dealer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealer.id"))
    note: Mapped[str] = mapped_column(String(200))
    promised_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
