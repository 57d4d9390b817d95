"""Customer-care KPI arithmetic for a period `[start, end)` (aware UTC datetimes; a month is
`rules.month_bounds("YYYY-MM")`), for the KPI pages and reports to divide and compare with targets.

Each function groups by `by`: None (one group, key None), "agent" or "region", and answers
`{group_key: (numerator, denominator)}` — or, for averages, `{group_key: (sum, count)}`. A group with nothing
counted is absent (the caller shows `null`). Definitions (docs/service.md, "Customer-care KPIs"):

- complaint_rate: distinct customers with a complaint logged in the period / distinct customers **served** in the
  period = customers with a field job (repair, installation, maintenance, factory repair) completed in it. A customer
  who complains twice counts once; a complaint without a customer is not counted. Agent: the agent who logged the
  ticket (complaint or job); region: the ticket's region.
- complaint_response_rate: complaints logged in the period answered within 24 hours / complaints logged in the
  period that were answered or whose 24 hours are over at `now` (one still inside its 24 hours is not counted yet).
  Agent: the person responsible; region: the ticket's region.
- callback_completion_rate: job callbacks due in the period (field jobs completed in it) that were made (a reached
  call on the job after its completion, by the time of reading) / callbacks due. A call not reached is not a call
  made. Agent: the agent who logged the job (whose customer it is); region: the ticket's region.
- satisfaction_score: (sum of scores, number of scores) of reached callbacks with a score made in the period.
  Agent: who made the call; region: the job's region.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from warehouse.service import rules
from warehouse.service.models import Callback, Complaint, Ticket

DIMENSIONS = (None, "agent", "region")


def _check(by) -> None:
    if by not in DIMENSIONS:
        raise ValueError(f"group by one of {DIMENSIONS}, not {by!r}")


def _key(by, agent_col, region_col):
    return {None: literal(None), "agent": agent_col, "region": region_col}[by]


def _pairs(num: dict, den: dict) -> dict:
    return {k: (num.get(k, 0), d) for k, d in den.items() if d}


def complaint_rate(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    _check(by)
    key = _key(by, Ticket.created_by, Ticket.region)
    num = dict(session.execute(select(key, func.count(distinct(Ticket.customer_id)))
                               .where(Ticket.kind == "complaint", Ticket.customer_id.is_not(None),
                                      Ticket.created_at >= start, Ticket.created_at < end).group_by(key)).all())
    den = dict(session.execute(select(key, func.count(distinct(Ticket.customer_id)))
                               .where(Ticket.kind.in_(rules.FIELD_KINDS), Ticket.customer_id.is_not(None),
                                      Ticket.completed_at >= start, Ticket.completed_at < end)
                               .group_by(key)).all())
    # a group that complained but served nobody in the period has no rate (its denominator is 0): left out
    return _pairs(num, den)


def complaint_response_rate(session: Session, *, start: datetime, end: datetime, now: datetime,
                            by: str | None = None) -> dict:
    _check(by)
    key = _key(by, Complaint.responsible, Ticket.region)
    due = Complaint.response_due  # created_at + RESPONSE_HOURS, stored when the complaint was logged
    in_time = func.count().filter(and_(Ticket.answered_at.is_not(None), Ticket.answered_at <= due))
    counted = func.count().filter(or_(Ticket.answered_at.is_not(None), due < now))
    rows = session.execute(select(key, in_time, counted).join(Complaint, Complaint.ticket_id == Ticket.id)
                           .where(Ticket.created_at >= start, Ticket.created_at < end).group_by(key)).all()
    return {k: (n, d) for k, n, d in rows if d}


def callback_completion_rate(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    _check(by)
    key = _key(by, Ticket.created_by, Ticket.region)
    made = exists().where(Callback.ticket_id == Ticket.id, Callback.reached.is_(True),
                          Callback.at >= Ticket.completed_at)
    rows = session.execute(select(key, func.count().filter(made), func.count())
                           .where(Ticket.kind.in_(rules.FIELD_KINDS), Ticket.completed_at >= start,
                                  Ticket.completed_at < end).group_by(key)).all()
    return {k: (n, d) for k, n, d in rows if d}


def satisfaction_score(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    _check(by)
    job = aliased(Ticket)
    key = _key(by, Callback.actor, job.region)
    rows = session.execute(select(key, func.sum(Callback.score), func.count(Callback.score))
                           .outerjoin(job, job.id == Callback.ticket_id)
                           .where(Callback.reached.is_(True), Callback.score.is_not(None), Callback.at >= start,
                                  Callback.at < end).group_by(key)).all()
    return {k: (int(s), n) for k, s, n in rows if n}
