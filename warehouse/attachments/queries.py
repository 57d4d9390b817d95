"""Reading attachments: an owner's list, one attachment, its bytes. Only for roles that may read the owner."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from warehouse.accounts.roles import can
from warehouse.attachments import owners
from warehouse.attachments.errors import AttachmentNotFound
from warehouse.attachments.models import Attachment
from warehouse.errors import Forbidden

MAX_ID = 2**31 - 1


def as_dict(a: Attachment) -> dict:
    return {"id": a.id, "owner_kind": a.owner_kind, "owner_key": a.owner_key, "filename": a.filename,
            "content_type": a.content_type, "kind": a.kind, "size": a.size, "sha256": a.sha256,
            "uploaded_by": a.uploaded_by, "uploaded_at": a.uploaded_at.isoformat(),
            "deleted_by": a.deleted_by, "deleted_at": a.deleted_at.isoformat() if a.deleted_at else None}


def list_for(session: Session, *, owner_kind: str, owner_key: str, role: str,
             username: str | None = None) -> list[dict]:
    """The owner's attachments still present, oldest first. A role that may not read the kind gets `forbidden`
    (before the record is looked up); a record that does not exist, `unknown_owner`; a record of the kind this
    user may not see (another technician's job), `forbidden`."""
    owner = owners.OWNERS.get(owner_kind)
    if owner is not None and not can(role, owner.read):
        raise Forbidden(role=role, permission=owner.read)
    owner, key = owners.resolve(session, kind=owner_kind, key=owner_key)
    if not owner.allows(session, key, username=username, role=role):
        raise Forbidden(reason="record", owner_key=key)
    rows = session.scalars(select(Attachment).where(Attachment.owner_kind == owner.kind, Attachment.owner_key == key,
                                                    Attachment.deleted_at.is_(None)).order_by(Attachment.id))
    return [as_dict(a) for a in rows]


def get_attachment(session: Session, *, attachment_id: int, role: str, with_data: bool = False,
                   username: str | None = None) -> Attachment:
    """One attachment, if `role` holds its owner kind's read permission and the owner's per-record rule lets this
    user see the record. Otherwise it answers as if the id did not exist: an id probe learns nothing about other
    areas' (or other technicians') records."""
    row = None
    if 0 < attachment_id <= MAX_ID:
        stmt = select(Attachment).where(Attachment.id == attachment_id)
        row = session.scalar(stmt.options(undefer(Attachment.data)) if with_data else stmt)
    owner = owners.OWNERS.get(row.owner_kind) if row is not None else None
    if owner is None or not can(role, owner.read) \
            or not owner.allows(session, row.owner_key, username=username, role=role):
        raise AttachmentNotFound(id=attachment_id)
    return row


def content_of(session: Session, *, attachment_id: int, role: str,
               username: str | None = None) -> tuple[Attachment, bytes]:
    """The attachment and its bytes; a deleted one is gone (`attachment_not_found`)."""
    row = get_attachment(session, attachment_id=attachment_id, role=role, with_data=True, username=username)
    if row.data is None:
        raise AttachmentNotFound(id=attachment_id)
    return row, row.data
