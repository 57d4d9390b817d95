from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warehouse.db import Base, utcnow


class DocSequence(Base):
    """The last number handed out per prefix (e.g. `RN-20261123`); incremented with one atomic UPDATE."""

    __tablename__ = "doc_sequence"

    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_no: Mapped[str] = mapped_column(String(32), unique=True)
    doc_type: Mapped[str] = mapped_column(String(20), index=True)  # receipt | issue | transfer | adjustment
    store: Mapped[str | None] = mapped_column(String(16))
    counterparty: Mapped[str | None] = mapped_column(String(64))  # supplier / dealer / technician code
    reference: Mapped[str | None] = mapped_column(String(100))  # supplier delivery note, allocation no., ...
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
