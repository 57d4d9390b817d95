"""Reads of the field-service area: a ticket as the API and pages show it, lists, the dispatch board, the
customer search as the agent types, a van's stock, and the KPIs of a month."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from warehouse.accounts.models import User
from warehouse.accounts.roles import can
from warehouse.catalog.models import Part
from warehouse.db import utcnow
from warehouse.errors import ValidationError
from warehouse.ledger.models import Balance
from warehouse.locations.models import Location
from warehouse.service import rules
from warehouse.service.models import Callback, Handoff, Payment, Station, TechnicianProfile, Ticket, TicketPart
from warehouse.service.services import get_ticket
from warehouse.service.vans import van_of
from warehouse.warranty.models import Customer, Unit

SEARCH_LIMIT = 20
MONTH = re.compile(r"\A(19|20)[0-9]{2}-(0[1-9]|1[0-2])\Z")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _customer(c: Customer | None) -> dict | None:
    if c is None:
        return None
    return {"id": c.id, "name": c.name, "phone": c.phone, "address": c.address, "key_account": c.key_account,
            "owner": c.owner}


def may_see_customer(ticket: Ticket, *, username: str, can_read_customers: bool) -> bool:
    """Customer records go to roles that read customers, and to the technician holding the job (who must find and
    call the customer) — to nobody else."""
    return can_read_customers or (ticket.assignee_kind == "technician" and ticket.assignee == username)


def may_touch_ticket(session: Session, ticket_no: str, *, username: str | None, role: str,
                     writing: bool = False) -> bool:
    """Whether a user may see (or, `writing`, add to) a ticket's attachments — its photos and the customer's
    signature: the roles that read customers and the technician holding the job; writing, the back office
    (`tickets.write`, who records a station's steps) and the technician holding the job."""
    ticket = session.scalar(select(Ticket).where(Ticket.ticket_no == ticket_no))
    if ticket is None:
        return False
    holder = ticket.assignee_kind == "technician" and username is not None and ticket.assignee == username
    return holder or can(role, "tickets.write" if writing else "customers.read")


def ticket_summary(ticket: Ticket, *, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {"ticket_no": ticket.ticket_no, "kind": ticket.kind, "category": ticket.category,
            "channel": ticket.channel, "priority": ticket.priority, "region": ticket.region,
            "status": ticket.status, "warranty_status": ticket.warranty_status,
            "assignee_kind": ticket.assignee_kind, "assignee": ticket.assignee,
            "created_at": _iso(ticket.created_at), "dispatched_at": _iso(ticket.dispatched_at),
            "contact_by": _iso(ticket.contact_by), "due_at": _iso(ticket.due_at),
            "contacted_at": _iso(ticket.contacted_at), "arrived_at": _iso(ticket.arrived_at),
            "completed_at": _iso(ticket.completed_at), "closed_at": _iso(ticket.closed_at),
            "answered_at": _iso(ticket.answered_at),
            "flag": rules.board_flag(status=ticket.status, due_at=ticket.due_at, contact_by=ticket.contact_by,
                                     contacted=ticket.contacted_at is not None, now=now),
            "description": ticket.description}


def ticket_view(session: Session, ticket_no: str, *, username: str, can_read_customers: bool) -> dict:
    ticket = get_ticket(session, ticket_no)
    out = ticket_summary(ticket)
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    out["serial"] = unit.serial if unit else None
    out["model"] = unit.model if unit else None
    if may_see_customer(ticket, username=username, can_read_customers=can_read_customers):
        out["customer"] = _customer(session.get(Customer, ticket.customer_id) if ticket.customer_id else None)
    out.update({"diagnosis": ticket.diagnosis, "cause": ticket.cause, "answer": ticket.answer,
                "labour_hours": f"{ticket.labour_hours:.2f}", "reopened": ticket.reopened,
                "chargeable": rules.chargeable(warranty_status=ticket.warranty_status, cause=ticket.cause),
                "quote": None if ticket.quote_total is None else {
                    "parts": f"{ticket.quote_parts:.2f}", "labour": f"{ticket.quote_labour:.2f}",
                    "total": f"{ticket.quote_total:.2f}", "lines": ticket.quote_lines,
                    "accepted_at": _iso(ticket.quote_accepted_at),
                    "owed": f"{ticket.quote_total - ticket.paid:.2f}"},
                "paid": f"{ticket.paid:.2f}"})
    out["parts_used"] = [{"part_number": pn, "qty": tp.qty, "location": tp.location, "move_id": tp.move_id,
                          "lot": tp.lot}
                         for tp, pn in session.execute(select(TicketPart, Part.part_number)
                                                       .join(Part, Part.id == TicketPart.part_id)
                                                       .where(TicketPart.ticket_id == ticket.id)
                                                       .order_by(TicketPart.id))]
    out["history"] = [{"kind": e.kind, "at": _iso(e.at), "recorded_at": _iso(e.recorded_at), "actor": e.actor,
                       "data": e.data or {}} for e in ticket.events]
    out["callbacks"] = [{"reached": c.reached, "satisfied": c.satisfied, "score": c.score, "notes": c.notes,
                         "actor": c.actor, "at": _iso(c.at)} for c in session.scalars(select(Callback).where(
                             Callback.ticket_id == ticket.id).order_by(Callback.id))]
    out["handoffs"] = [{"id": h.id, "department": h.department, "question": h.question, "due_at": _iso(h.due_at),
                        "answer": h.answer, "answered_by": h.answered_by, "answered_at": _iso(h.answered_at)}
                       for h in session.scalars(select(Handoff).where(Handoff.ticket_id == ticket.id)
                                                .order_by(Handoff.id))]
    out["payments"] = [{"receipt_no": p.receipt_no, "amount": f"{p.amount:.2f}", "method": p.method,
                        "reference": p.reference, "at": _iso(p.at)}
                       for p in session.scalars(select(Payment).where(Payment.ticket_id == ticket.id)
                                                .order_by(Payment.id))]
    return out


def list_tickets(session: Session, *, status: str | None = None, assignee: str | None = None,
                 kind: str | None = None, open_only: bool = False, late_only: bool = False,
                 limit: int = 100, before_id: int | None = None) -> list[dict]:
    """Newest first. `open_only`: not closed; `late_only`: not reached and past the due time."""
    q = select(Ticket).order_by(Ticket.id.desc()).limit(max(1, min(limit, 500)))
    if status:
        q = q.where(Ticket.status == status)
    if assignee:
        q = q.where(Ticket.assignee == assignee)
    if kind:
        q = q.where(Ticket.kind == kind)
    if open_only:
        q = q.where(Ticket.status != "closed")
    if late_only:
        q = q.where(Ticket.status.in_(("dispatched", "reopened")), Ticket.due_at < utcnow())
    if before_id:
        q = q.where(Ticket.id < before_id)
    now = utcnow()
    return [ticket_summary(t, now=now) for t in session.scalars(q)]


def board(session: Session, *, technician: str | None = None) -> dict:
    """The dispatch board: every job not reached yet, the most urgent first, with its flag, and per assignee the
    count of open jobs (their load)."""
    now = utcnow()
    q = select(Ticket).where(Ticket.status.in_(("open", "dispatched", "reopened", "arrived")),
                             Ticket.kind.in_(rules.FIELD_KINDS))
    if technician:
        q = q.where(Ticket.assignee_kind == "technician", Ticket.assignee == technician)
    jobs = [ticket_summary(t, now=now) for t in session.scalars(q.order_by(Ticket.due_at.is_(None),
                                                                           Ticket.due_at, Ticket.id))]
    counts = {f: sum(1 for j in jobs if j["flag"] == f) for f in ("late", "due_soon", "contact_late")}
    return {"now": now.isoformat(), "jobs": jobs, "counts": counts, "load": load(session)}


def load(session: Session) -> list[dict]:
    """Open jobs per assignee, with the technician's region and skills (dispatch by region, skills and load)."""
    rows = session.execute(select(Ticket.assignee_kind, Ticket.assignee, func.count())
                           .where(Ticket.status.in_(("dispatched", "arrived", "reopened")))
                           .group_by(Ticket.assignee_kind, Ticket.assignee)).all()
    profiles = {p.username: p for p in session.scalars(select(TechnicianProfile))}
    out = [{"assignee_kind": k, "assignee": a, "open_jobs": n,
            "region": profiles[a].region if k == "technician" and a in profiles else None,
            "skills": profiles[a].skills if k == "technician" and a in profiles else None} for k, a, n in rows]
    return sorted(out, key=lambda r: (r["open_jobs"], r["assignee"]))


def dispatch_suggestions(session: Session, ticket_no: str, *, limit: int = 5) -> list[dict]:
    """Who the job should go to, best first (rules.rank_candidates): every active technician (with their profile's
    region and skills) and active station, by region match, skills match and current load."""
    ticket = get_ticket(session, ticket_no)
    who = assignees(session)
    open_jobs = {(r["assignee_kind"], r["assignee"]): r["open_jobs"] for r in load(session)}
    profiles = {p.username: p for p in session.scalars(select(TechnicianProfile))}
    candidates = [{"assignee_kind": "technician", "assignee": u, "open_jobs": open_jobs.get(("technician", u), 0),
                   "region": profiles[u].region if u in profiles else None,
                   "skills": profiles[u].skills if u in profiles else None} for u in who["technicians"]]
    candidates += [{"assignee_kind": "station", "assignee": s["code"], "name": s["name"], "region": s["region"],
                    "skills": None, "open_jobs": open_jobs.get(("station", s["code"]), 0)} for s in who["stations"]]
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    ranked = rules.rank_candidates(candidates, region=ticket.region, kind=ticket.kind,
                                   model=unit.model if unit else None)
    return [c for c in ranked if not (c["assignee_kind"] == ticket.assignee_kind
                                      and c["assignee"] == ticket.assignee)][:limit]


def technician_day(session: Session, technician: str, day: date) -> list[dict]:
    """A technician's jobs for a day (UTC): field jobs assigned to them whose due time to reach the site falls on
    that day, whatever their state, ordered by the due time; each with its flag (rules.day_flag)."""
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    now = utcnow()
    q = select(Ticket).where(Ticket.assignee_kind == "technician", Ticket.assignee == technician,
                             Ticket.kind.in_(rules.FIELD_KINDS), Ticket.due_at >= start,
                             Ticket.due_at < start + timedelta(days=1)).order_by(Ticket.due_at, Ticket.id)
    return [ticket_summary(t, now=now) | {"flag": rules.day_flag(
        status=t.status, due_at=t.due_at, arrived_at=t.arrived_at, contact_by=t.contact_by,
        contacted=t.contacted_at is not None, now=now)} for t in session.scalars(q)]


def search_customers(session: Session, q: str, *, limit: int = SEARCH_LIMIT) -> list[dict]:
    """As the agent types: a phone number's start, a name's start, or a unit serial's start (all indexed prefix
    look-ups; at least 2 characters, or one Chinese one). Each customer with their units."""
    q = (q or "").strip() if isinstance(q, str) else ""
    if not q or (len(q) < 2 and q.isascii()):  # one digit matches everyone; one Chinese character is a surname
        return []
    if len(q) > 64:
        raise ValidationError(field="q", reason="too_long", max=64)
    like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    by_unit = select(Unit.customer_id).where(Unit.serial.like(like.upper(), escape="\\"),
                                             Unit.customer_id.is_not(None)).limit(limit)
    customers = session.scalars(select(Customer).where(or_(Customer.phone.like(like, escape="\\"),
                                                           Customer.name.like(like, escape="\\"),
                                                           Customer.id.in_(by_unit)))
                                .order_by(Customer.key_account.desc(), Customer.name).limit(limit)).all()
    units = {}
    if customers:
        for u in session.scalars(select(Unit).where(Unit.customer_id.in_([c.id for c in customers]))
                                 .order_by(Unit.id)):
            units.setdefault(u.customer_id, []).append({"serial": u.serial, "model": u.model,
                                                        "sold_on": u.sold_on.isoformat()})
    return [_customer(c) | {"units": units.get(c.id, [])[:10]} for c in customers]


def van_stock(session: Session, technician: str) -> dict:
    van = van_of(session, technician)
    rows = session.execute(select(Part.part_number, Part.name, Balance.qty).join(Part, Part.id == Balance.part_id)
                           .where(Balance.location_id == van.id, Balance.qty > 0)
                           .order_by(Part.part_number)).all()
    return {"technician": technician, "van": van.code,
            "parts": [{"part_number": pn, "name": name, "qty": qty} for pn, name, qty in rows]}


def kpis(session: Session, *, month: str, by: str | None = None) -> dict:
    """The month's service KPIs (UTC) from the KPI registry (`kpi_registry`), as CONTRACT §4 names them: rates as
    fractions 0–1, None when nothing was counted; with each KPI's target and whether it is met (`kpis`), and with
    `by` a breakdown by agent, technician, station or region. Definitions: docs/service.md."""
    if not isinstance(month, str) or not MONTH.match(month):
        raise ValidationError(field="month", reason="month_format")
    from warehouse.service.targets import scorecard
    card = scorecard(session, month=month, by=by)
    out = {e["name"]: e["value"] for e in card["kpis"]}
    basis = {e["name"]: e for e in card["kpis"]}
    start, end = rules.month_bounds(month)
    answered = session.execute(select(Ticket.created_at, Ticket.answered_at)
                               .where(Ticket.kind.in_(("inquiry", "suggestion")), Ticket.answered_at.is_not(None),
                                      Ticket.answered_at >= start, Ticket.answered_at < end)).all()
    hours = [(a - c).total_seconds() / 3600 for c, a in answered]
    out.update({"month": month,
                "jobs_due": basis["repair_timeliness_rate"]["denominator"],
                "jobs_in_time": basis["repair_timeliness_rate"]["numerator"],
                "callbacks": basis["satisfaction"]["denominator"],
                "satisfied_callbacks": basis["satisfaction"]["numerator"],
                "customers_complaining": basis["complaint_rate"]["numerator"],
                "customers_served": basis["complaint_rate"]["denominator"],
                "inquiry_response_hours": round(sum(hours) / len(hours), 2) if hours else None,
                "kpis": card["kpis"]})
    if "breakdown" in card:
        out["breakdown"] = card["breakdown"]
    return out


def refill_view(session: Session, request_no: str) -> dict:
    from warehouse.service.vans import get_refill
    req = get_refill(session, request_no)
    names = dict(session.execute(select(Part.id, Part.part_number)
                                 .where(Part.id.in_([ln.part_id for ln in req.lines]))).all())
    return {"request_no": req.request_no, "technician": req.technician, "van": req.van, "status": req.status,
            "note": req.note, "created_at": _iso(req.created_at), "reviewed_by": req.reviewed_by,
            "reviewed_at": _iso(req.reviewed_at),
            "lines": [{"part_number": names[ln.part_id], "qty": ln.qty, "from_location": ln.from_location,
                       "move_id": ln.move_id} for ln in req.lines]}


def assignees(session: Session) -> dict:
    """Who a job can go to, for the dispatch form: active users whose role works on jobs, and active stations."""
    users = [u for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
             if can(u.role, "tickets.work")]
    return {"technicians": [u.username for u in users],
            "names": {u.username: u.display_name or u.username for u in users},  # how pages name them
            "stations": [{"code": s.code, "name": s.name, "region": s.region} for s in session.scalars(
                select(Station).where(Station.active.is_(True)).order_by(Station.code))]}


def ticket_exists(session: Session, key: str) -> str | None:
    """The canonical number of an existing ticket (the attachments' owner look-up), else None."""
    return session.scalar(select(Ticket.ticket_no).where(Ticket.ticket_no == key.upper()))
