"""Technicians' vans: a stock-holding location of the NEW store per technician (`V-<USERNAME>`, scannable,
counted and reconciled like a bin), refilled from NEW bins on a request a manager reviews (维修配件的发放审查)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.accounts.models import User
from warehouse.accounts.roles import can
from warehouse.db import utcnow
from warehouse.documents.services import day_number
from warehouse.errors import ValidationError, WrongStore
from warehouse.ledger import services as ledger
from warehouse.limits import LOCATION_CODE_LEN, NOTE_LEN
from warehouse.locations.models import Location
from warehouse.service.errors import RefillState, UnknownRefill, UnknownTechnician
from warehouse.service.models import RefillLine, RefillRequest

VAN_ZONE = "VAN"  # the zone of every van: a stocktake of zone VAN counts the vans


def technician_user(session: Session, username) -> User:
    """An active user whose role works on jobs (tickets.work); else unknown_technician."""
    user = session.scalar(select(User).where(User.username == username.strip())) \
        if isinstance(username, str) and username.strip() else None
    if user is None or not user.active or not can(user.role, "tickets.work"):
        raise UnknownTechnician(technician=username)
    return user


def van_code(user: User) -> str:
    code = f"V-{user.username.upper()}"
    return code if len(code) <= LOCATION_CODE_LEN and code.replace(".", "").replace("_", "").replace("-", "") \
        .isalnum() else f"V-U{user.id}"


def van_of(session: Session, username: str) -> Location:
    """The technician's van, created on first use."""
    user = technician_user(session, username)
    code = van_code(user)
    loc = session.scalar(select(Location).where(Location.code == code))
    if loc is None:
        loc = Location(code=code, kind="technician", store="NEW", zone=VAN_ZONE, name=user.username)
        session.add(loc)
        session.flush()
    return loc


def request_refill(session: Session, *, technician: str, lines: list[dict], actor: str,
                   note: str | None = None) -> RefillRequest:
    """Ask for parts on the van: [{part_number, qty, from_location}] (NEW bins)."""
    van = van_of(session, technician)
    if not lines:
        raise ValidationError(field="lines", reason="required")
    req = RefillRequest(request_no=day_number(session, "VR"), technician=technician.strip(), van=van.code,
                        note=(note or "").strip()[:NOTE_LEN] or None)
    session.add(req)
    session.flush()
    for line in lines:
        part = ledger.part_ref(session, line.get("part_number"))
        src = ledger.bin_ref(session, line.get("from_location"))
        if src.store != "NEW":
            raise WrongStore(reason="outside_store", location=src.code, store="NEW")
        session.add(RefillLine(request_id=req.id, part_id=part.id, qty=ledger.check_qty(line.get("qty")),
                               from_location=src.code))
    session.flush()
    return req


def get_refill(session: Session, request_no: str, *, lock: bool = False) -> RefillRequest:
    q = select(RefillRequest).where(RefillRequest.request_no == request_no.strip().upper()) \
        if isinstance(request_no, str) else None
    req = session.scalar(q.with_for_update() if lock else q) if q is not None else None
    if req is None:
        raise UnknownRefill(request_no=request_no)
    return req


def review_refill(session: Session, *, request_no: str, approve: bool, actor: str, note: str | None = None,
                  device: str | None = None) -> RefillRequest:
    """Approve (every line moves from its bin to the van, or none does: a short bin refuses the whole request) or
    reject. Reviewed once."""
    req = get_refill(session, request_no, lock=True)
    if req.status != "requested":
        raise RefillState(request_no=req.request_no, status=req.status)
    req.status = "approved" if approve else "rejected"
    req.reviewed_by, req.reviewed_at = actor, utcnow()
    req.review_note = (note or "").strip()[:NOTE_LEN] or None
    if approve:
        van = ledger.loc_ref(session, req.van)
        from warehouse.catalog.models import Part
        for line in req.lines:
            move = ledger.post_move(session, part=session.get(Part, line.part_id), qty=line.qty,
                                    src=ledger.bin_ref(session, line.from_location), dst=van, doc_type="van_refill",
                                    doc_no=req.request_no, actor=actor, device=device,
                                    note=f"van {req.van}")
            line.move_id = move.id
    session.flush()
    return req
