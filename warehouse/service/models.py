"""Tables of the field-service area (see the package docstring)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.db import MONEY, Base, utcnow

HOURS = Numeric(7, 2)


class Station(Base):
    """An authorised repair station (特约维修点); `dealer_code` when the station is also one of our dealers (its
    warranty claims are then filed in its name)."""

    __tablename__ = "service_station"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    dealer_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)


class TechnicianProfile(Base):
    """Where a technician works and what they can do; dispatch suggestions read it."""

    __tablename__ = "technician_profile"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    skills: Mapped[str | None] = mapped_column(String(200))  # comma-separated kinds or model categories


class DueRule(Base):
    """Hours to contact the customer and to reach the site, counted from the call. `region` '*' is any region;
    the most specific row wins (rules.pick_rule), and rules.DEFAULT_HOURS when no row matches."""

    __tablename__ = "service_due_rule"
    __table_args__ = (UniqueConstraint("kind", "priority", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # a ticket kind or '*'
    priority: Mapped[str] = mapped_column(String(10))  # a priority or '*'
    region: Mapped[str] = mapped_column(String(64), default="*")
    contact_hours: Mapped[int] = mapped_column(Integer)
    reach_hours: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "service_ticket"
    __table_args__ = (Index("ix_service_ticket_assignee", "assignee_kind", "assignee", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(10))  # platform | device | other
    channel: Mapped[str] = mapped_column(String(10), default="phone")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    region: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    warranty_status: Mapped[str | None] = mapped_column(String(16))  # at logging, from the serial
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    assignee_kind: Mapped[str | None] = mapped_column(String(10))  # technician | station
    assignee: Mapped[str | None] = mapped_column(String(64))
    dispatched_at: Mapped[datetime | None] = mapped_column()  # the first dispatch
    contact_by: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column(index=True)  # reach the site by
    contacted_at: Mapped[datetime | None] = mapped_column()
    arrived_at: Mapped[datetime | None] = mapped_column()  # the first arrival (the KPI's)
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column()  # inquiries, suggestions, complaints: first response
    answer: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column()
    diagnosis: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(String(16))  # quality | human | wear | installation
    labour_hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal("0"))
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    # charged repairs: the accepted quote and what was paid
    quote_parts: Mapped[Decimal | None] = mapped_column(MONEY)
    quote_labour: Mapped[Decimal | None] = mapped_column(MONEY)
    quote_total: Mapped[Decimal | None] = mapped_column(MONEY)
    quote_lines: Mapped[list | None] = mapped_column(JSON)
    quote_accepted_at: Mapped[datetime | None] = mapped_column()
    paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    events: Mapped[list[TicketEvent]] = relationship(order_by="TicketEvent.id", back_populates="ticket")


class TicketEvent(Base):
    """The ticket's history, one row per step (who, when, what); reassignments are kept here."""

    __tablename__ = "service_ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("service_ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)  # when it happened (a device's time for tablet steps)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict | None] = mapped_column(JSON)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketPart(Base):
    """A part used on the job: issued from the van (`move_id`), or a station's own stock (no move)."""

    __tablename__ = "service_ticket_part"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("service_ticket.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    qty: Mapped[int] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(40))
    move_id: Mapped[int | None] = mapped_column(ForeignKey("move.id"))
    claim_no: Mapped[str | None] = mapped_column(String(32))  # the failed part collected for it
    lot: Mapped[str | None] = mapped_column(String(40))  # the supplier's lot of the part fitted, when known


class Callback(Base):
    """A follow-up call (回访) — every attempt is a row: `reached` false is a try that did not get the customer (a
    retry follows); a reached call records satisfied or not, the score and notes. `purpose` says why the call was
    due: `job` (after a completed job: `ticket_id`), `periodic` (a unit under maintenance, no ticket: `unit_id`) or
    `seasonal` (before the heating or cooling season: `unit_id`, `season`); `due_on` names the call list's entry
    it answers (warehouse/service/callbacks.py)."""

    __tablename__ = "service_callback"
    __table_args__ = (Index("ix_service_callback_entry", "purpose", "unit_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("service_ticket.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    purpose: Mapped[str] = mapped_column(String(10), default="job", server_default="job")
    due_on: Mapped[date | None] = mapped_column(Date)
    season: Mapped[str | None] = mapped_column(String(10))  # heating | cooling (seasonal reminders)
    reached: Mapped[bool] = mapped_column(default=True, server_default="1")
    satisfied: Mapped[bool | None] = mapped_column()
    score: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Season(Base):
    """When the heating or cooling season starts in a region ('*': any region without its own row), as a month and
    a day; the manager edits it. Seasonal reminders are due 7 days before (rules in callbacks.py)."""

    __tablename__ = "service_season"
    __table_args__ = (UniqueConstraint("region", "season"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(64), default="*")
    season: Mapped[str] = mapped_column(String(10))  # heating | cooling
    start_month: Mapped[int] = mapped_column(Integer)
    start_day: Mapped[int] = mapped_column(Integer)


class MaintenanceContract(Base):
    """A unit under a maintenance contract (保养合同): periodic callbacks from `starts_on` (or the latest completed
    job on the unit after it) while the contract runs."""

    __tablename__ = "service_maintenance_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Complaint(Base):
    """A complaint (投诉) to closure, one per complaint ticket: the person responsible, the 24-hour response clock
    (from the ticket's `created_at`; the response is the ticket's `answered_at`), the result deadline, the handling
    opinion (处理意见), the result and the customer's answer. `problem` is the short name of what is complained
    about (repeat and batch complaints are found by it); `incident_no` links a quality incident. Escalation is
    computed on read (complaints.py)."""

    __tablename__ = "service_complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("service_ticket.id"), unique=True)
    responsible: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(10), default="normal")  # normal | serious
    problem: Mapped[str | None] = mapped_column(String(100), index=True)
    response_due: Mapped[datetime] = mapped_column()
    result_due: Mapped[datetime] = mapped_column(index=True)
    opinion: Mapped[str | None] = mapped_column(Text)  # 处理意见
    opinion_by: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(Text)
    result_at: Mapped[datetime | None] = mapped_column()
    customer_answer: Mapped[str | None] = mapped_column(Text)
    customer_accepts: Mapped[bool | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    incident_no: Mapped[str | None] = mapped_column(String(32), index=True)


class Handoff(Base):
    """A problem handed to a department (platform, engineering, quality, …) with a due date, and its answer."""

    __tablename__ = "service_handoff"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("service_ticket.id"), index=True)
    department: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column()


class Payment(Base):
    """Money received for a charged repair (cash, bank transfer, or a QR-code payment's reference)."""

    __tablename__ = "service_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("service_ticket.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RefillRequest(Base):
    """A technician asks for parts on the van (维修配件的发放); a manager approves (the transfers are posted from
    NEW bins to the van) or rejects it."""

    __tablename__ = "van_refill"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_no: Mapped[str] = mapped_column(String(32), unique=True)
    technician: Mapped[str] = mapped_column(String(64), index=True)
    van: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="requested", index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    review_note: Mapped[str | None] = mapped_column(String(200))

    lines: Mapped[list[RefillLine]] = relationship(order_by="RefillLine.id")


class RefillLine(Base):
    __tablename__ = "van_refill_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("van_refill.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    qty: Mapped[int] = mapped_column(Integer)
    from_location: Mapped[str] = mapped_column(String(40))
    move_id: Mapped[int | None] = mapped_column(ForeignKey("move.id"))


class KpiTarget(Base):
    """A manager's target for one KPI in one month (`kpi` a name of `kpi_registry.REGISTRY`)."""

    __tablename__ = "service_kpi_target"
    __table_args__ = (UniqueConstraint("month", "kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    kpi: Mapped[str] = mapped_column(String(40))
    target: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
