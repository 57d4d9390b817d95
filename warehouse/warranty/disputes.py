"""Abnormal returns (旧件异常): a dealer sent fewer parts than claimed, the wrong part, or none. The intake opens a
dispute (one per claim); the returned-parts clerk and the dealer negotiate; a manager closes it with the outcome.

A closed dispute with a `wrong_part` / `part_missing` outcome does not take anything in by itself: when the right
part arrives later, the clerk takes it in as usual (the claim was never marked taken in)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.checks import text
from warehouse.db import utcnow
from warehouse.documents.services import day_number
from warehouse.errors import DomainError, NotFound, ValidationError
from warehouse.warranty.models import Claim, IntakeDispute

NOTES_LEN = 2000

KINDS = ("shortfall", "wrong_part", "part_missing")
STATUSES = ("open", "closed")


class DisputeState(DomainError):
    """A closed dispute cannot be closed again; a claim has at most one dispute (params: dispute_no, status)."""

    code = "dispute_state"


def open_dispute(session: Session, *, claim: Claim, kind: str, received_qty: int, actor: str,
                 notes: str | None = None) -> IntakeDispute:
    if kind not in KINDS:
        raise ValidationError(field="abnormal", reason="one_of", allowed=", ".join(KINDS))
    existing = session.scalar(select(IntakeDispute).where(IntakeDispute.claim_no == claim.claim_no))
    if existing is not None:
        raise DisputeState(dispute_no=existing.dispute_no, status=existing.status)
    row = IntakeDispute(dispute_no=day_number(session, "DP"), claim_no=claim.claim_no, dealer_id=claim.dealer_id,
                        kind=kind, claimed_qty=claim.qty, received_qty=received_qty,
                        notes=text(notes, "notes", NOTES_LEN), opened_by=actor)
    session.add(row)
    session.flush()
    return row


def get_dispute(session: Session, dispute_no: str) -> IntakeDispute:
    row = session.scalar(select(IntakeDispute).where(IntakeDispute.dispute_no == dispute_no.strip().upper())) \
        if isinstance(dispute_no, str) else None
    if row is None:
        raise NotFound(reason="dispute", dispute_no=dispute_no)
    return row


def close_dispute(session: Session, *, dispute_no: str, resolution: str, actor: str) -> IntakeDispute:
    """A manager records the outcome agreed with the dealer and closes the dispute."""
    row = get_dispute(session, dispute_no)
    if row.status != "open":
        raise DisputeState(dispute_no=row.dispute_no, status=row.status)
    row.resolution = text(resolution, "resolution", NOTES_LEN, required=True)
    row.status, row.closed_by, row.closed_at = "closed", actor, utcnow()
    session.flush()
    return row


def dispute_dict(row: IntakeDispute, dealer: str) -> dict:
    return {"dispute_no": row.dispute_no, "claim_no": row.claim_no, "dealer": dealer, "kind": row.kind,
            "claimed_qty": row.claimed_qty, "received_qty": row.received_qty, "notes": row.notes,
            "status": row.status, "resolution": row.resolution, "opened_by": row.opened_by,
            "opened_at": row.opened_at.isoformat(), "closed_by": row.closed_by,
            "closed_at": row.closed_at.isoformat() if row.closed_at else None}


def list_disputes(session: Session, *, status: str | None = None, dealer: str | None = None,
                  limit: int = 100, offset: int = 0) -> list[dict]:
    from warehouse.dealers.models import Dealer

    q = select(IntakeDispute, Dealer.code).join(Dealer, Dealer.id == IntakeDispute.dealer_id)
    if status:
        q = q.where(IntakeDispute.status == status)
    if dealer:
        q = q.where(Dealer.code == dealer.strip().upper())
    rows = session.execute(q.order_by(IntakeDispute.id.desc()).limit(limit).offset(offset))
    return [dispute_dict(r, code) for r, code in rows]


def dispute_view(session: Session, dispute_no: str) -> dict:
    from warehouse.dealers.models import Dealer

    row = get_dispute(session, dispute_no)
    return dispute_dict(row, session.scalar(select(Dealer.code).where(Dealer.id == row.dealer_id)))
