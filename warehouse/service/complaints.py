"""Complaints to closure (投诉处理): every complaint ticket (kind `complaint`) has one `Complaint` with a named person
responsible, a 24-hour response clock and a deadline for the result.

States (derived from what was recorded, never stored apart from it):
```
open ──respond (first answer to the customer)──▶ responded ──result──▶ resolved ──close (customer's answer)──▶ closed
  └──────────────── close with the result in the same step ─────────────────────────────────────────────┘
```
Closing needs a result (`complaint_no_result`, 409, nothing written). The handling opinion (处理意见) may be
recorded at any time before closure.

Escalation to the department manager is **computed on read** (`escalation()`): a complaint is escalated when it is
serious (from the moment it is logged), when its first response came later than 24 hours after the call (or has
not come and the 24 hours are over), or when its result came after the result deadline (or has not come and the
deadline is over). Computed, not stored by a background job, because it is a pure function of four recorded times
and the clock: the manager's list is right at the instant a deadline passes (a periodic job would lag by its
period and need a worker running), nothing has to be undone when a deadline is moved, and the escalation time is
reproducible for the KPIs and reports (the deadline itself).

Flags, also computed: **repeat** — the same customer complained before (within REPEAT_DAYS) about the same problem
or the same unit; **batch** (批量投诉) — BATCH_CUSTOMERS or more customers complained about the same problem within
BATCH_DAYS of each other. Either can be linked to a quality incident (`warehouse.warranty.quality`).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from warehouse.accounts.models import User
from warehouse.accounts.roles import can
from warehouse.errors import NotFound, ValidationError
from warehouse.service import clock
from warehouse.service.errors import ComplaintNoResult, ComplaintState
from warehouse.service.models import Complaint, Ticket, TicketEvent
from warehouse.warranty.models import Customer, Unit

SEVERITIES = ("normal", "serious")
STATES = ("open", "responded", "resolved", "closed")
RESPONSE_HOURS = 24
RESULT_DAYS = {"normal": 7, "serious": 3}
MAX_RESULT_DAYS = 90
REPEAT_DAYS = 180
BATCH_DAYS = 30
BATCH_CUSTOMERS = 3
TEXT_LEN = 2000
PROBLEM_LEN = 100
LIST_LIMIT = 200


# --- pure decisions ----------------------------------------------------------------------------------------------

def state_of(c: Complaint, answered_at: datetime | None) -> str:
    if c.closed_at is not None:
        return "closed"
    if c.result is not None:
        return "resolved"
    if answered_at is not None:
        return "responded"
    return "open"


def escalation(*, severity: str, logged_at: datetime, answered_at: datetime | None, response_due: datetime,
               result_at: datetime | None, result_due: datetime, now: datetime) -> tuple[list[str], datetime | None]:
    """(reasons, escalated at): serious, response_late, result_late — each from the instant it became true."""
    found: list[tuple[str, datetime]] = []
    if severity == "serious":
        found.append(("serious", logged_at))
    if (answered_at or now) > response_due:
        found.append(("response_late", response_due))
    if (result_at or now) > result_due:
        found.append(("result_late", result_due))
    return [r for r, _at in found], min((at for _r, at in found), default=None)


# --- writes -------------------------------------------------------------------------------------------------------

def _text(value, field: str, max_len: int, *, required: bool = False) -> str | None:
    from warehouse.service.services import _text as text
    return text(value, field, max_len, required=required)


def _responsible(session: Session, username) -> str:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True))) \
        if isinstance(username, str) and username.strip() else None
    if user is None or not (can(user.role, "complaints.write")):
        raise NotFound(reason="responsible", username=username)
    return user.username


def _deadline(created_at: datetime, severity: str, result_due) -> datetime:
    if result_due is None:
        return created_at + timedelta(days=RESULT_DAYS[severity])
    if not isinstance(result_due, datetime):
        raise ValidationError(field="result_due", reason="required")
    from warehouse.service.services import _utc
    result_due = _utc(result_due, "result_due")
    if not created_at < result_due <= created_at + timedelta(days=MAX_RESULT_DAYS):
        raise ValidationError(field="result_due", reason="out_of_range", min=created_at.isoformat(),
                              max=(created_at + timedelta(days=MAX_RESULT_DAYS)).isoformat())
    return result_due


def register(session: Session, *, ticket: Ticket, responsible: str, severity: str = "normal",
             problem: str | None = None, result_due: datetime | None = None) -> Complaint:
    """The complaint record of a complaint ticket (called when the ticket is logged)."""
    if severity not in SEVERITIES:
        raise ValidationError(field="severity", reason="one_of", allowed=", ".join(SEVERITIES))
    c = Complaint(ticket_id=ticket.id, responsible=responsible, severity=severity,
                  problem=_text(problem, "problem", PROBLEM_LEN),
                  response_due=ticket.created_at + timedelta(hours=RESPONSE_HOURS),
                  result_due=_deadline(ticket.created_at, severity, result_due))
    session.add(c)
    session.flush()
    return c


def log_complaint(session: Session, *, actor: str, description: str, responsible: str | None = None,
                  severity: str = "normal", problem: str | None = None, result_due: datetime | None = None,
                  serial: str | None = None, customer=None, channel: str = "phone", region: str | None = None
                  ) -> Complaint:
    """Log a complaint: its ticket (kind complaint) and its record, responsible named (default: who logged it)."""
    from warehouse.service import services as service
    if severity not in SEVERITIES:
        raise ValidationError(field="severity", reason="one_of", allowed=", ".join(SEVERITIES))
    who = _responsible(session, responsible) if responsible is not None else None
    ticket = service.create_ticket(session, category="device" if serial else "other", kind="complaint",
                                   description=description, actor=actor, serial=serial, customer=customer,
                                   channel=channel, region=region, priority="high" if severity == "serious" else None)
    c = get_complaint(session, ticket.ticket_no)
    c.responsible = who or c.responsible
    c.severity, c.problem = severity, _text(problem, "problem", PROBLEM_LEN)
    c.result_due = _deadline(ticket.created_at, severity, result_due)
    session.flush()
    return c


def get_complaint(session: Session, ticket_no, *, lock: bool = False) -> Complaint:
    from warehouse.service.services import get_ticket
    ticket = get_ticket(session, ticket_no, lock=lock)
    c = session.scalar(select(Complaint).where(Complaint.ticket_id == ticket.id))
    if c is None:
        raise NotFound(reason="complaint", ticket_no=ticket.ticket_no)
    return c


def responsible_candidates(session: Session) -> dict[str, str]:
    """Active users who may be named responsible for a complaint (their role holds complaints.write): user name →
    how pages name them (the display name, else the user name), in user-name order."""
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    return {u.username: u.display_name or u.username for u in users if can(u.role, "complaints.write")}


def ticket_no_of(session: Session, c: Complaint) -> str:
    return session.get(Ticket, c.ticket_id).ticket_no


def _open(session: Session, ticket_no: str, step: str) -> tuple[Complaint, Ticket]:
    c = get_complaint(session, ticket_no, lock=True)
    t = session.get(Ticket, c.ticket_id)
    if c.closed_at is not None:
        raise ComplaintState(ticket_no=t.ticket_no, status="closed", step=step)
    return c, t


def _event(session: Session, t: Ticket, kind: str, actor: str, **data) -> None:
    session.add(TicketEvent(ticket_id=t.id, kind=kind, at=clock.now(), actor=actor,
                            data={k: v for k, v in data.items() if v is not None} or None))


def respond(session: Session, *, ticket_no: str, text: str, actor: str) -> Complaint:
    """The first response to the customer (stops the 24-hour clock): the ticket's answer."""
    from warehouse.service import services as service
    c, t = _open(session, ticket_no, "respond")
    service.answer(session, ticket_no=t.ticket_no, text=text, actor=actor)
    t.answered_at = clock.now()  # the care clock (the real time unless a test set it)
    session.flush()
    return c


def assign(session: Session, *, ticket_no: str, responsible: str, actor: str) -> Complaint:
    c, t = _open(session, ticket_no, "assign")
    who = _responsible(session, responsible)
    _event(session, t, "complaint_assign", actor, from_user=c.responsible, to_user=who)
    c.responsible = who
    session.flush()
    return c


def set_opinion(session: Session, *, ticket_no: str, opinion: str, actor: str) -> Complaint:
    """处理意见: how the complaint is to be handled."""
    opinion = _text(opinion, "opinion", TEXT_LEN, required=True)
    c, t = _open(session, ticket_no, "opinion")
    c.opinion, c.opinion_by = opinion, actor
    _event(session, t, "handling_opinion", actor)
    session.flush()
    return c


def record_result(session: Session, *, ticket_no: str, result: str, actor: str) -> Complaint:
    result = _text(result, "result", TEXT_LEN, required=True)
    c, t = _open(session, ticket_no, "result")
    c.result, c.result_at = result, clock.now()
    _event(session, t, "complaint_result", actor)
    session.flush()
    return c


def close(session: Session, *, ticket_no: str, actor: str, customer_answer: str | None = None,
          customer_accepts: bool | None = None, result: str | None = None) -> Complaint:
    """Closure with the result (given now or recorded before) and the customer's answer to it."""
    result = _text(result, "result", TEXT_LEN)
    customer_answer = _text(customer_answer, "customer_answer", TEXT_LEN)
    if customer_accepts is not None and not isinstance(customer_accepts, bool):
        raise ValidationError(field="customer_accepts", reason="required")
    c, t = _open(session, ticket_no, "close")
    if result is None and c.result is None:
        raise ComplaintNoResult(ticket_no=t.ticket_no)
    now = clock.now()
    if result is not None:
        c.result, c.result_at = result, now
    if t.answered_at is None:  # the result is the first answer the customer got
        t.answered_at, t.answer = now, c.result
    c.customer_answer, c.customer_accepts = customer_answer, customer_accepts
    c.closed_at, c.closed_by = now, actor
    t.status, t.closed_at = "closed", now
    _event(session, t, "complaint_closed", actor, customer_accepts=customer_accepts)
    session.flush()
    return c


def link_incident(session: Session, *, ticket_no: str, incident_no: str, actor: str) -> Complaint:
    """Link the complaint to a quality incident (批量质量问题) of the warranty area."""
    from warehouse.warranty.quality import get_incident
    inc = get_incident(session, incident_no)
    c = get_complaint(session, ticket_no, lock=True)
    c.incident_no = inc.incident_no
    _event(session, session.get(Ticket, c.ticket_id), "incident_linked", actor, incident_no=inc.incident_no)
    session.flush()
    return c


# --- reads --------------------------------------------------------------------------------------------------------

def _flags(session: Session, c: Complaint, t: Ticket) -> dict:
    repeat_of = None
    if t.customer_id is not None:
        same = [func.lower(Complaint.problem) == c.problem.lower()] if c.problem else []
        if t.unit_id is not None:
            same.append(Ticket.unit_id == t.unit_id)
        if same:
            repeat_of = session.scalar(
                select(Ticket.ticket_no).join(Complaint, Complaint.ticket_id == Ticket.id)
                .where(Ticket.customer_id == t.customer_id, Ticket.id != t.id, or_(*same),
                       Ticket.created_at <= t.created_at,
                       Ticket.created_at >= t.created_at - timedelta(days=REPEAT_DAYS))
                .order_by(Ticket.created_at.desc()).limit(1))
    batch = 0
    if c.problem:
        window = timedelta(days=BATCH_DAYS)
        batch = session.scalar(select(func.count(func.distinct(Ticket.customer_id)))
                               .join(Complaint, Complaint.ticket_id == Ticket.id)
                               .where(func.lower(Complaint.problem) == c.problem.lower(),
                                      Ticket.created_at >= t.created_at - window,
                                      Ticket.created_at <= t.created_at + window)) or 0
    return {"repeat_of": repeat_of, "repeat": repeat_of is not None, "batch": batch >= BATCH_CUSTOMERS,
            "batch_customers": batch}


def _iso(v):
    return v.isoformat() if v is not None else None


def complaint_dict(session: Session, c: Complaint, t: Ticket, *, now: datetime, with_customer: bool) -> dict:
    reasons, at = escalation(severity=c.severity, logged_at=t.created_at, answered_at=t.answered_at,
                             response_due=c.response_due, result_at=c.result_at, result_due=c.result_due, now=now)
    out = {"ticket_no": t.ticket_no, "status": state_of(c, t.answered_at), "responsible": c.responsible,
           "severity": c.severity, "problem": c.problem, "description": t.description, "region": t.region,
           "logged_at": _iso(t.created_at), "logged_by": t.created_by,
           "response_due": _iso(c.response_due), "responded_at": _iso(t.answered_at), "response": t.answer,
           "result_due": _iso(c.result_due), "result": c.result, "result_at": _iso(c.result_at),
           "opinion": c.opinion, "opinion_by": c.opinion_by, "customer_answer": c.customer_answer,
           "customer_accepts": c.customer_accepts, "closed_at": _iso(c.closed_at), "closed_by": c.closed_by,
           "incident_no": c.incident_no, "escalated": bool(reasons), "escalation": reasons,
           "escalated_at": _iso(at),
           "serial": session.scalar(select(Unit.serial).where(Unit.id == t.unit_id)) if t.unit_id else None}
    out |= _flags(session, c, t)
    if with_customer:
        cust = session.get(Customer, t.customer_id) if t.customer_id else None
        out["customer"] = None if cust is None else {"id": cust.id, "name": cust.name, "phone": cust.phone,
                                                     "key_account": cust.key_account}
    return out


def complaint_view(session: Session, ticket_no: str, *, with_customer: bool, now: datetime | None = None) -> dict:
    c = get_complaint(session, ticket_no)
    return complaint_dict(session, c, session.get(Ticket, c.ticket_id), now=now or clock.now(),
                          with_customer=with_customer)


def list_complaints(session: Session, *, with_customer: bool, open_only: bool = False, escalated_only: bool = False,
                    responsible: str | None = None, now: datetime | None = None, limit: int = LIST_LIMIT
                    ) -> list[dict]:
    """Newest first; `escalated_only`: the department manager's list (open complaints escalated now)."""
    now = now or clock.now()
    q = select(Complaint, Ticket).join(Ticket, Ticket.id == Complaint.ticket_id).order_by(Ticket.id.desc())
    if open_only or escalated_only:
        q = q.where(Complaint.closed_at.is_(None))
    if escalated_only:  # the same three conditions as escalation(), in SQL
        q = q.where(or_(Complaint.severity == "serious",
                        (Ticket.answered_at.is_(None) & (Complaint.response_due < now)),
                        Ticket.answered_at > Complaint.response_due,
                        (Complaint.result_at.is_(None) & (Complaint.result_due < now)),
                        Complaint.result_at > Complaint.result_due))
    if responsible:
        q = q.where(Complaint.responsible == responsible)
    return [complaint_dict(session, c, t, now=now, with_customer=with_customer)
            for c, t in session.execute(q.limit(max(1, min(limit, 500))))]
