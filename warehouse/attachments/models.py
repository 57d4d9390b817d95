"""The attachment table: metadata and the bytes in one row (bytea on PostgreSQL, BLOB on SQLite), so every host
serves the same files without a shared disk."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from warehouse.db import Base, utcnow


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(20))  # a key of owners.OWNERS
    owner_key: Mapped[str] = mapped_column(String(64))  # the owner's number or id as text
    filename: Mapped[str] = mapped_column(String(200))  # sanitised original name, extension matching the content
    content_type: Mapped[str] = mapped_column(String(100))  # detected, never the client's
    kind: Mapped[str] = mapped_column(String(16))  # image | spreadsheet | csv
    size: Mapped[int] = mapped_column(Integer)  # bytes stored (after re-encoding)
    sha256: Mapped[str] = mapped_column(String(64))  # of the bytes stored
    # Loaded only when downloading: listing an owner's attachments must not pull megabytes per row.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # None once deleted
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_by: Mapped[str | None] = mapped_column(String(64))
    deleted_at: Mapped[datetime | None] = mapped_column()
