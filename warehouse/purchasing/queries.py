"""Reads: requests with what has been received against them, on order per part, and the stock plan."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.documents.models import Document
from warehouse.ledger.models import Move
from warehouse.purchasing import rules
from warehouse.purchasing.errors import UnknownRequest
from warehouse.purchasing.models import PurchaseRequest
from warehouse.reports.statements.flows import ISSUE_KINDS, store_flows, total

STATUSES = ("open", "partial", "received", "cancelled")


def _received(until: datetime | None = None):
    """Per request: the quantity received on receipt notes that reference it (before `until`)."""
    on_note = and_(Move.doc_no == Document.doc_no, Move.part_id == PurchaseRequest.part_id,
                   Move.doc_type == "receipt", *([Move.created_at < until] if until is not None else []))
    return (select(PurchaseRequest.id.label("request_id"), func.coalesce(func.sum(Move.qty), 0).label("received"))
            .outerjoin(Document, Document.reference == PurchaseRequest.request_no)
            .outerjoin(Move, on_note).group_by(PurchaseRequest.id).subquery())


def status(qty: int, received: int, cancelled: bool) -> str:
    if received >= qty:
        return "received"
    if cancelled:
        return "cancelled"
    return "partial" if received else "open"


def request_dict(r: PurchaseRequest, received: int) -> dict:
    return {"request_no": r.request_no, "part_number": r.part.part_number, "name": r.part.name,
            "name_en": r.part.name_en, "qty": r.qty,
            "received": int(received), "outstanding": max(0, r.qty - int(received)) if not r.cancelled_at else 0,
            "expected_on": r.expected_on, "created_by": r.created_by, "created_at": r.created_at,
            "note": r.note, "status": status(r.qty, int(received), r.cancelled_at is not None)}


def list_requests(session: Session, *, outstanding_only: bool = False, limit: int = 200) -> list[dict]:
    rec = _received()
    q = (select(PurchaseRequest, rec.c.received).join(rec, rec.c.request_id == PurchaseRequest.id)
         .order_by(PurchaseRequest.id.desc()).limit(limit))
    if outstanding_only:
        q = q.where(PurchaseRequest.cancelled_at.is_(None), rec.c.received < PurchaseRequest.qty)
    return [request_dict(r, received) for r, received in session.execute(q)]


def get_request(session: Session, request_no: str) -> dict:
    rec = _received()
    row = session.execute(select(PurchaseRequest, rec.c.received).join(rec, rec.c.request_id == PurchaseRequest.id)
                          .where(PurchaseRequest.request_no == request_no)).first() \
        if isinstance(request_no, str) else None
    if row is None:
        raise UnknownRequest(request_no=request_no)
    return request_dict(*row)


def on_order(session: Session, *, until: datetime | None = None) -> dict[int, int]:
    """{part_id: Σ (requested − received)} over requests not received and not cancelled (as of `until`)."""
    rec = _received(until)
    alive = [PurchaseRequest.cancelled_at.is_(None)]
    if until is not None:
        alive = [or_(PurchaseRequest.cancelled_at.is_(None), PurchaseRequest.cancelled_at >= until),
                 PurchaseRequest.created_at < until]
    q = (select(PurchaseRequest.part_id, func.sum(PurchaseRequest.qty - rec.c.received))
         .join(rec, rec.c.request_id == PurchaseRequest.id)
         .where(rec.c.received < PurchaseRequest.qty, *alive).group_by(PurchaseRequest.part_id))
    return {p: int(n) for p, n in session.execute(q)}


def backordered(session: Session, *, until: datetime | None = None) -> dict[int, int]:
    """Dealer order lines waiting for stock: none until dealer orders exist (issue 10)."""
    return {}


def stock_plan(session: Session, *, until: datetime, only_suggested: bool = False) -> list[dict]:
    """One row per active part that has stock, usage, an order, a backorder or a reorder point, as of `until`."""
    since = until - timedelta(days=rules.USAGE_DAYS)
    f = store_flows(until=until, bucket=case((Move.created_at >= since, 1), else_=0))
    usage_q = (select(f.c.part_id, func.sum(f.c.qty).label("on_hand"),
                      total((f.c.bucket == 1) & f.c.kind.in_(ISSUE_KINDS), -f.c.qty).label("issued"))
               .where(f.c.store == "NEW").group_by(f.c.part_id))
    ledger = {p: (int(h), int(i)) for p, h, i in session.execute(usage_q)}
    ordered, back = on_order(session, until=until), backordered(session, until=until)
    parts = session.execute(select(Part.id, Part.part_number, Part.name, Part.name_en, Part.unit, Part.category,
                                   Part.lead_time_days, Part.reorder_point)
                            .where(Part.active.is_(True)).order_by(Part.part_number))
    out = []
    for pid, pn, name, name_en, unit, category, lead, reorder in parts:
        on_hand, issued = ledger.get(pid, (0, 0))
        o, b = ordered.get(pid, 0), back.get(pid, 0)
        if not (on_hand or issued or o or b or reorder):
            continue
        usage = rules.monthly_usage(issued)
        p = rules.plan(usage=usage, lead_days=lead, on_hand=on_hand, on_order=o, backordered=b,
                       reorder_point=reorder or 0)
        if only_suggested and not (p["suggested"] or p["shortage"]):
            continue
        out.append({"part_number": pn, "name": name, "name_en": name_en, "unit": unit, "category": category or "", "usage": usage,
                    "lead_time_days": lead, "reorder_point": reorder or 0, "on_hand": on_hand, "on_order": o,
                    "backordered": b, **p})
    return out


def default_expected_on(session: Session, *, part_id: int, today: date) -> date:
    lead = session.scalar(select(Part.lead_time_days).where(Part.id == part_id)) or 0
    return today + timedelta(days=lead)
