from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DDL, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from warehouse.db import Base, utcnow

ACTION_LEN, ENTITY_LEN, KEY_LEN, CLIENT_LEN, AGENT_LEN, NOTE_LEN = 32, 64, 100, 64, 200, 200


class AuditEntry(Base):
    """One recorded event. `before`/`after` hold the changed columns only (all of them for create and delete)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(32))
    client_ip: Mapped[str | None] = mapped_column(String(CLIENT_LEN))
    user_agent: Mapped[str | None] = mapped_column(String(AGENT_LEN))
    action: Mapped[str] = mapped_column(String(ACTION_LEN))
    entity: Mapped[str] = mapped_column(String(ENTITY_LEN))
    entity_key: Mapped[str | None] = mapped_column(String(KEY_LEN))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(NOTE_LEN))

    __table_args__ = (
        Index("ix_audit_entry_entity", "entity", "entity_key"),
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_actor", "actor"),
    )


# Append-only in the database too: whoever holds the database credentials of the application cannot rewrite the
# trail through it. The migration creates the same triggers (APPEND_ONLY_DDL).
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ],
}
for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _sql in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))

TABLES = [AuditEntry.__table__]
