"""Writes: turn stock-plan suggestions into purchase requests; cancel an open one."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.catalog.queries import get_part
from warehouse.db import utcnow
from warehouse.documents.services import day_number
from warehouse.errors import ValidationError
from warehouse.ledger.services import check_qty
from warehouse.limits import NOTE_LEN
from warehouse.purchasing import queries
from warehouse.purchasing.errors import RequestNotOpen, UnknownRequest
from warehouse.purchasing.models import PurchaseRequest


def create_requests(session: Session, *, lines: list[dict], actor: str, today: date | None = None) -> list[str]:
    """One request per line `{"part_number", "qty", "expected_on"?, "note"?}`; the expected date defaults to today
    plus the part's lead time. Returns the request numbers."""
    today = today or utcnow().date()
    if not lines:
        raise ValidationError(field="lines", reason="required")
    numbers = []
    for line in lines:
        part = get_part(session, line.get("part_number"))
        qty = check_qty(line.get("qty"))
        expected = line.get("expected_on") or queries.default_expected_on(session, part_id=part.id, today=today)
        if not isinstance(expected, date):
            raise ValidationError(field="expected_on", reason="required")
        if expected < today:
            raise ValidationError(field="expected_on", reason="too_small", min=today.isoformat())
        note = (line.get("note") or "").strip() or None
        if note and len(note) > NOTE_LEN:
            raise ValidationError(field="note", reason="too_long", max=NOTE_LEN)
        req = PurchaseRequest(request_no=day_number(session, "PR", today), part_id=part.id, qty=qty,
                              expected_on=expected, note=note, created_by=actor)
        session.add(req)
        session.flush()
        numbers.append(req.request_no)
    return numbers


def cancel_request(session: Session, *, request_no: str, actor: str) -> dict:
    """Cancel a request that nothing (or not all) has been received against; what was received stays received."""
    current = queries.get_request(session, request_no)
    if current["status"] not in ("open", "partial"):
        raise RequestNotOpen(request_no=request_no, status=current["status"])
    req = session.scalar(select(PurchaseRequest).where(PurchaseRequest.request_no == request_no))
    if req is None:  # pragma: no cover - get_request found it in this transaction
        raise UnknownRequest(request_no=request_no)
    req.cancelled_by, req.cancelled_at = actor, utcnow()
    session.flush()
    return queries.get_request(session, request_no)
