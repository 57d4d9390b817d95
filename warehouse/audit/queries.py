"""Reading the trail: newest first, filtered by entity, key, actor, action and time."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.audit.models import AuditEntry

MAX_PAGE = 500


def entries(session: Session, *, entity: str | None = None, key: str | None = None, actor: str | None = None,
            action: str | None = None, since: datetime | None = None, until: datetime | None = None,
            before_id: int | None = None, limit: int = 100) -> list[AuditEntry]:
    """`before_id` pages back through the trail (the id of the last entry of the previous page)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if key:
        stmt = stmt.where(AuditEntry.entity_key == key)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    if before_id:
        stmt = stmt.where(AuditEntry.id < before_id)
    return list(session.scalars(stmt))


def entry_dict(e: AuditEntry) -> dict:
    return {"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "role": e.role, "client_ip": e.client_ip,
            "user_agent": e.user_agent, "action": e.action, "entity": e.entity, "key": e.entity_key,
            "before": e.before, "after": e.after, "note": e.note}
