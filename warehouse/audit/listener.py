"""The one hook that records changes: on every flush of any session, each new, changed or deleted object of an
audited model (registry.py) becomes an AuditEntry with who/when/client (context.py) and the values before and after.

`before_flush` takes the "before" values (the attribute history is gone after the flush); `after_flush` writes the
entries with one Core INSERT on the flush's own connection, so they commit or roll back with the change itself.
Statements that bypass the ORM (the ledger's hot-path UPDATEs, printer status upserts) are not row edits of audited
models and are not recorded here.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from warehouse.audit.context import current_client
from warehouse.audit.models import AGENT_LEN, CLIENT_LEN, KEY_LEN, AuditEntry
from warehouse.audit.registry import Audited, spec_for
from warehouse.db import utcnow

_PENDING = "audit_pending"
SECRET = "(changed)"


def plain(value):
    """A column value as JSON holds it."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"({len(value)} bytes)"
    if isinstance(value, (list, dict)):
        return value
    return str(value)


def _columns(obj, spec: Audited):
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key not in spec.exclude:
            yield attr.key


def _snapshot(obj, spec: Audited) -> dict:
    loaded = inspect(obj).dict  # loaded values only: reading an expired one here would emit SQL mid-flush
    return {k: (SECRET if k in spec.secret else plain(loaded[k])) for k in _columns(obj, spec) if k in loaded}


def _changes(obj, spec: Audited) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for key in _columns(obj, spec):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new and hist.deleted:
            continue
        before[key] = SECRET if key in spec.secret else plain(old)
        after[key] = SECRET if key in spec.secret else plain(new)
    return before, after


def _key(obj, spec: Audited) -> str | None:
    value = inspect(obj).dict.get(spec.key)
    if value is None and spec.key != "id":
        value = inspect(obj).dict.get("id")
    return None if value is None else str(value)[:KEY_LEN]


def _before_flush(session: Session, _ctx, _instances) -> None:
    pending = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if (spec := spec_for(obj)) is not None:
            pending.append(("create", obj, spec, None, None))
    for obj in session.dirty:
        if (spec := spec_for(obj)) is not None and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj, spec)
            if after:
                pending.append(("update", obj, spec, before, after))
    for obj in session.deleted:
        if (spec := spec_for(obj)) is not None:
            pending.append(("delete", obj, spec, _snapshot(obj, spec), None))


def _after_flush(session: Session, _ctx) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    client = current_client()
    now = utcnow()
    rows = []
    for action, obj, spec, before, after in pending:
        if action == "create":
            after = _snapshot(obj, spec)
        rows.append(dict(at=now, actor=client.actor, role=client.role, client_ip=(client.ip or None) and
                         client.ip[:CLIENT_LEN], user_agent=(client.user_agent or None) and
                         client.user_agent[:AGENT_LEN], action=action, entity=spec.entity,
                         entity_key=_key(obj, spec), before=before, after=after))
    session.connection().execute(insert(AuditEntry), rows)


def _after_soft_rollback(session: Session, _previous) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Listen on every Session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
