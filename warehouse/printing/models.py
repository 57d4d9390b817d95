from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from warehouse.db import Base, utcnow
from warehouse.limits import PRINTER_NAME_LEN, PRINTER_URL_LEN, TEMPLATE_LEN

STATES = ("queued", "sending", "done", "failed", "cancelled")


class PrintJob(Base):
    """One batch of labels for one printer.

    `rendered` holds the exact bytes to send (PDF, ZPL or TSPL for the printer's language, copies expanded), made
    when the job is queued: what was validated is what prints, a reprint is byte-identical, and the worker needs no
    fonts. `labels_done` counts the leading labels the printer confirmed; a retry sends only the rest.
    """

    __tablename__ = "print_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(TEMPLATE_LEN))
    payload: Mapped[list] = mapped_column(JSON)  # the label data items, as given
    lang: Mapped[str] = mapped_column(String(8))  # zpl | tspl | pdf
    dpi: Mapped[int] = mapped_column(Integer)
    printer_url: Mapped[str] = mapped_column(String(PRINTER_URL_LEN), index=True)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    labels_count: Mapped[int] = mapped_column(Integer)
    labels_done: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    reprint_of_id: Mapped[int | None] = mapped_column(ForeignKey("print_job.id"))
    rendered: Mapped[bytes] = deferred(mapped_column(LargeBinary))  # large: loaded only by the worker

    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="state"),
        CheckConstraint("labels_done >= 0 AND labels_done <= labels_count", name="labels_done"),
        Index("ix_print_job_due", "state", "next_attempt_at"),
    )


class LabelPrinter(Base):
    """A printer's name and its last known state (from the worker's deliveries and status checks)."""

    __tablename__ = "label_printer"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(PRINTER_URL_LEN), unique=True)
    name: Mapped[str | None] = mapped_column(String(PRINTER_NAME_LEN))
    reachable: Mapped[bool | None]
    ready: Mapped[bool | None]
    paper_out: Mapped[bool] = mapped_column(default=False)
    head_open: Mapped[bool] = mapped_column(default=False)
    paused: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[str | None] = mapped_column(String(500))
    checked_at: Mapped[datetime | None]


TABLES = [PrintJob.__table__, LabelPrinter.__table__]
