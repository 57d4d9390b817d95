"""Events of their own (sign-in failures and locks, unlocks, reads of confidential data): `record()`. Row changes
are recorded by the listener, not here."""
from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.audit.context import current_client
from warehouse.audit.models import AGENT_LEN, CLIENT_LEN, KEY_LEN, NOTE_LEN, AuditEntry
from warehouse.db import utcnow


def record(session: Session, *, action: str, entity: str, key: str | None = None, before: dict | None = None,
           after: dict | None = None, note: str | None = None) -> AuditEntry:
    client = current_client()
    entry = AuditEntry(at=utcnow(), actor=client.actor, role=client.role,
                       client_ip=client.ip[:CLIENT_LEN] if client.ip else None,
                       user_agent=client.user_agent[:AGENT_LEN] if client.user_agent else None,
                       action=action, entity=entity, entity_key=key[:KEY_LEN] if key else None, before=before,
                       after=after, note=note[:NOTE_LEN] if note else None)
    session.add(entry)
    session.flush()
    return entry
