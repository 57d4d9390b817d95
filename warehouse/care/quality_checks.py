"""Service-quality checks (监听、抽查): a call listened to or a visit spot-checked, scored against the service
standard (a `call` or `visit` checklist with a pass score). Compliant when the score reaches the pass score."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.accounts.services import get_user
from warehouse.care import kpis, rules
from warehouse.care.checklists import get_checklist, score
from warehouse.care.errors import UnknownCheck
from warehouse.care.inputs import moment
from warehouse.care.models import Checklist, ChecklistItem, ServiceCheck, ServiceCheckScore
from warehouse.checks import one_of, text
from warehouse.db import utcnow


def record_check(session: Session, *, actor: str, kind, agent, checklist, scores, ticket_no=None, checked_at=None,
                 comments=None) -> ServiceCheck:
    """Score one call or visit of `agent` (a user) against a checklist of that kind; `ticket_no` the ticket it was
    about (optional); `checked_at` defaults to now (it decides the month the check counts in)."""
    one_of(kind, "kind", rules.CHECK_KINDS)
    user = get_user(session, agent)
    sheet = get_checklist(session, checklist, target=kind)
    rows, total, top = score(session, sheet, scores)
    if ticket_no is not None:
        from warehouse.service.errors import UnknownTicket
        from warehouse.service.models import Ticket
        ticket_no = text(ticket_no, "ticket_no", 32)
        if ticket_no and session.scalar(select(Ticket.id).where(Ticket.ticket_no == ticket_no)) is None:
            raise UnknownTicket(ticket_no=ticket_no)
    check = ServiceCheck(kind=kind, agent=user.username, ticket_no=ticket_no or None, checklist_id=sheet.id,
                         checked_at=utcnow() if checked_at is None else moment(checked_at, "checked_at"),
                         checker=actor, score=total, max_score=top, pass_score=sheet.pass_score,
                         compliant=rules.compliant(total, sheet.pass_score),
                         comments=text(comments, "comments", rules.TEXT_LEN))
    session.add(check)
    session.flush()
    session.add_all([ServiceCheckScore(check_id=check.id, **r) for r in rows])
    session.flush()
    return check


def _dict(c: ServiceCheck, checklist_code: str) -> dict:
    return {"id": c.id, "kind": c.kind, "agent": c.agent, "ticket_no": c.ticket_no, "checklist": checklist_code,
            "checked_at": c.checked_at.isoformat(), "checker": c.checker, "score": c.score, "max_score": c.max_score,
            "pass_score": c.pass_score, "compliant": c.compliant, "comments": c.comments}


def check_view(session: Session, check_id) -> dict:
    c = session.get(ServiceCheck, check_id) if isinstance(check_id, int) and 0 < check_id < 2**31 else None
    if c is None:
        raise UnknownCheck(check=check_id)
    out = _dict(c, session.get(Checklist, c.checklist_id).code)
    out["scores"] = [{"item": pos, "text": txt, "score": s.score, "max_score": s.max_score, "comment": s.comment}
                     for s, pos, txt in session.execute(
                         select(ServiceCheckScore, ChecklistItem.position, ChecklistItem.text)
                         .join(ChecklistItem, ChecklistItem.id == ServiceCheckScore.item_id)
                         .where(ServiceCheckScore.check_id == c.id).order_by(ChecklistItem.position))]
    return out


def list_checks(session: Session, *, month: str | None = None, agent: str | None = None,
                limit: int = 200) -> list[dict]:
    stmt = (select(ServiceCheck, Checklist.code).join(Checklist, Checklist.id == ServiceCheck.checklist_id)
            .order_by(ServiceCheck.checked_at.desc(), ServiceCheck.id.desc()).limit(limit))
    if month is not None:
        start, end = kpis.month_range(month)
        stmt = stmt.where(ServiceCheck.checked_at >= start, ServiceCheck.checked_at < end)
    if agent:
        stmt = stmt.where(ServiceCheck.agent == agent)
    return [_dict(c, code) for c, code in session.execute(stmt)]


def compliance_report(session: Session, *, month: str) -> dict:
    """The month's compliance rate overall and per agent (checks, compliant, rate), agents by name."""
    start, end = kpis.month_range(month)
    per = kpis.compliance(session, start=start, end=end, by="agent")
    total = kpis.compliance(session, start=start, end=end).get(None, (0, 0))
    return {"month": month, "checks": total[1], "compliant": total[0], "rate": rules.ratio(*total),
            "agents": [{"agent": a, "checks": d, "compliant": n, "rate": rules.ratio(n, d)}
                       for a, (n, d) in sorted(per.items())]}
