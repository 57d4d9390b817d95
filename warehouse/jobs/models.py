from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from warehouse.db import Base, utcnow

STATES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


class Job(Base):
    """One background job: a handler kind, its JSON parameters, who asked, where it stands and what it produced.

    Progress (`progress_done` of `progress_total`, a short `stage` code) is written by the running worker for a page
    to poll. `checkpoint` is what a handler committed so far (JSON), handed back to it on a retry. The result is a
    file (`result_data`, deferred so lists do not load it) and/or `row_errors` (a JSON list), kept until
    `expires_at`. A failure keeps its error as a code and parameters, rendered in the reader's language.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # when the worker deletes the finished job and its result
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    stage: Mapped[str | None] = mapped_column(String(64))
    checkpoint: Mapped[dict | list | None] = mapped_column(JSON)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_params: Mapped[dict | None] = mapped_column(JSON)
    last_error: Mapped[str | None] = mapped_column(Text)  # technical detail (exception text) for the log and admins
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    result_filename: Mapped[str | None] = mapped_column(String(200))
    result_content_type: Mapped[str | None] = mapped_column(String(100))
    result_size: Mapped[int | None] = mapped_column(Integer)
    row_error_count: Mapped[int] = mapped_column(Integer, default=0)
    result_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    row_errors: Mapped[list | None] = deferred(mapped_column(JSON))

    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="state"),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts"),
        Index("ix_job_due", "state", "next_attempt_at"),
        Index("ix_job_owner", "created_by", "id"),
        Index("ix_job_expires_at", "expires_at"),
    )


TABLES = [Job.__table__]
