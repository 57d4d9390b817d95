"""Attaching and deleting files. Session first, keyword-only, never commits; permissions are checked here so every
frame (API, pages, CLI, a later import job) refuses alike."""
from __future__ import annotations

from hashlib import sha256

from sqlalchemy.orm import Session

from warehouse.accounts.roles import can
from warehouse.attachments import content, owners
from warehouse.attachments.models import Attachment
from warehouse.attachments.queries import as_dict, get_attachment
from warehouse.db import utcnow
from warehouse.errors import Forbidden


def _allowed(role: str, permission: str) -> None:
    if not can(role, permission):
        raise Forbidden(role=role, permission=permission)


def attach(session: Session, *, owner_kind: str, owner_key: str, filename: str | None, data: bytes, actor: str,
           role: str) -> dict:
    """Check the file by its content and store it with its owner record. Refused files leave no row."""
    owner = owners.OWNERS.get(owner_kind)
    if owner is not None:  # the role is judged on the kind before the record is looked up: no existence probe
        _allowed(role, owner.write)
    owner, key = owners.resolve(session, kind=owner_kind, key=owner_key)
    if not owner.allows(session, key, username=actor, role=role, writing=True):
        raise Forbidden(reason="record", owner_key=key)
    checked = content.check(data, filename=filename, accepts=owner.accepts)
    row = Attachment(owner_kind=owner.kind, owner_key=key, filename=checked.filename,
                     content_type=checked.content_type, kind=checked.kind, size=len(checked.data),
                     sha256=sha256(checked.data).hexdigest(), data=checked.data, uploaded_by=actor)
    session.add(row)
    session.flush()
    return as_dict(row)


def delete(session: Session, *, attachment_id: int, actor: str, role: str) -> dict:
    """Erase the bytes and record who deleted them and when; the row stays as the audit. Deleting twice changes
    nothing more."""
    row = get_attachment(session, attachment_id=attachment_id, role=role, username=actor)
    owner = owners.OWNERS[row.owner_kind]
    _allowed(role, owner.write)
    if not owner.allows(session, row.owner_key, username=actor, role=role, writing=True):
        raise Forbidden(reason="record", owner_key=row.owner_key)
    if row.deleted_at is None:
        row.data = None
        row.deleted_by, row.deleted_at = actor, utcnow()
        session.flush()
    return as_dict(row)
