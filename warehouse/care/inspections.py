"""Inspections of dealers and authorised repair stations (巡查、考核), their corrective actions (整改) and follow-ups,
and each station's file of repairmen and their training."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.care import rules
from warehouse.care.checklists import get_checklist, score
from warehouse.care.errors import ActionClosed, UnknownAction, UnknownInspection, UnknownRepairman
from warehouse.care.inputs import day
from warehouse.care.models import (ActionFollowUp, Checklist, ChecklistItem, CorrectiveAction, Inspection,
                                   InspectionScore, Repairman, Training)
from warehouse.checks import one_of, text
from warehouse.db import utcnow
from warehouse.dealers.models import Dealer
from warehouse.dealers.services import get_dealer
from warehouse.errors import ValidationError
from warehouse.service.models import Station
from warehouse.service.services import get_station


def _target(session: Session, kind: str, code) -> tuple[str, str, str | None]:
    if kind == "dealer":
        d = get_dealer(session, code)
        return d.code, d.name, d.region
    s = get_station(session, code)
    return s.code, s.name, s.region


def _action_row(inspection: Inspection, a: dict) -> CorrectiveAction:
    if not isinstance(a, dict):
        raise ValidationError(field="actions", reason="required")
    due = day(a.get("due_on"), "due_on")
    if due < inspection.inspected_on:
        raise ValidationError(field="due_on", reason="before_start")
    return CorrectiveAction(inspection_id=inspection.id, due_on=due,
                            description=text(a.get("description"), "description", rules.TEXT_LEN, required=True))


def record_inspection(session: Session, *, actor: str, target_kind, target, checklist, inspected_on, scores,
                      notes=None, actions=None) -> Inspection:
    """Score a dealer or a station against a checklist of its kind: every item once, 0 … its max (a score outside
    the range → 400 score_out_of_range, nothing written), with corrective actions due on or after the day."""
    one_of(target_kind, "target_kind", rules.TARGETS)
    code, name, region = _target(session, target_kind, target)
    sheet = get_checklist(session, checklist, target=target_kind)
    rows, total, top = score(session, sheet, scores)
    actions = actions or []
    if not isinstance(actions, list) or len(actions) > rules.MAX_ACTIONS:
        raise ValidationError(field="actions", reason="out_of_range", min=0, max=rules.MAX_ACTIONS)
    inspection = Inspection(target_kind=target_kind, target_code=code, target_name=name, region=region,
                            checklist_id=sheet.id, inspected_on=day(inspected_on, "inspected_on", not_after_today=True),
                            inspector=actor, score=total, max_score=top, notes=text(notes, "notes", rules.TEXT_LEN))
    session.add(inspection)
    session.flush()
    session.add_all([InspectionScore(inspection_id=inspection.id, **r) for r in rows])
    session.add_all([_action_row(inspection, a) for a in actions])
    session.flush()
    return inspection


def get_inspection(session: Session, inspection_id) -> Inspection:
    found = session.get(Inspection, inspection_id) \
        if isinstance(inspection_id, int) and 0 < inspection_id < 2**31 else None
    if found is None:
        raise UnknownInspection(inspection=inspection_id)
    return found


def add_action(session: Session, *, inspection_id: int, actor: str, description, due_on) -> CorrectiveAction:
    inspection = get_inspection(session, inspection_id)
    action = _action_row(inspection, {"description": description, "due_on": due_on})
    session.add(action)
    session.flush()
    return action


def get_action(session: Session, action_id) -> CorrectiveAction:
    found = session.get(CorrectiveAction, action_id) if isinstance(action_id, int) and 0 < action_id < 2**31 else None
    if found is None:
        raise UnknownAction(action=action_id)
    return found


def follow_up(session: Session, *, action_id: int, actor: str, note, close: bool = False) -> CorrectiveAction:
    """A follow-up of a corrective action (what was found when checking on it); `close` closes the action."""
    action = get_action(session, action_id)
    if action.status == "closed":
        raise ActionClosed(action=action.id)
    session.add(ActionFollowUp(action_id=action.id, note=text(note, "note", rules.TEXT_LEN, required=True),
                               closes=bool(close), actor=actor))
    if close:
        action.status, action.closed_at, action.closed_by = "closed", utcnow(), actor
    session.flush()
    return action


# --- the station's file ---------------------------------------------------------------------------------------------

def add_repairman(session: Session, *, station, name, phone=None, qualification=None, joined_on=None) -> Repairman:
    s = get_station(session, station)
    man = Repairman(station_id=s.id, name=text(name, "name", 64, required=True), phone=text(phone, "phone", 40),
                    qualification=text(qualification, "qualification", 100),
                    joined_on=day(joined_on, "joined_on", not_after_today=True) if joined_on is not None else None)
    session.add(man)
    session.flush()
    return man


def get_repairman(session: Session, repairman_id) -> Repairman:
    found = session.get(Repairman, repairman_id) \
        if isinstance(repairman_id, int) and 0 < repairman_id < 2**31 else None
    if found is None:
        raise UnknownRepairman(repairman=repairman_id)
    return found


def add_training(session: Session, *, repairman_id: int, actor: str, course, trained_on, passed=None,
                 certificate_no=None, notes=None) -> Training:
    man = get_repairman(session, repairman_id)
    row = Training(repairman_id=man.id, course=text(course, "course", rules.TITLE_LEN, required=True),
                   trained_on=day(trained_on, "trained_on", not_after_today=True),
                   passed=None if passed is None else bool(passed),
                   certificate_no=text(certificate_no, "certificate_no", 64), notes=text(notes, "notes", 200),
                   recorded_by=actor)
    session.add(row)
    session.flush()
    return row


# --- reads ----------------------------------------------------------------------------------------------------------

def _action_dict(a: CorrectiveAction, follow_ups: list[ActionFollowUp], today: date) -> dict:
    return {"id": a.id, "inspection_id": a.inspection_id, "description": a.description,
            "due_on": a.due_on.isoformat(), "status": a.status,
            "overdue": a.status == "open" and a.due_on < today,
            "closed_at": a.closed_at.isoformat() if a.closed_at else None, "closed_by": a.closed_by,
            "follow_ups": [{"note": f.note, "closes": f.closes, "actor": f.actor, "at": f.at.isoformat()}
                           for f in follow_ups]}


def _summary(i: Inspection, checklist_code: str) -> dict:
    return {"id": i.id, "target_kind": i.target_kind, "target": i.target_code, "target_name": i.target_name,
            "region": i.region, "checklist": checklist_code, "inspected_on": i.inspected_on.isoformat(),
            "inspector": i.inspector, "score": i.score, "max_score": i.max_score,
            "rate": rules.ratio(i.score, i.max_score)}


def inspection_view(session: Session, inspection_id: int) -> dict:
    i = get_inspection(session, inspection_id)
    sheet = session.get(Checklist, i.checklist_id)
    out = _summary(i, sheet.code)
    out["checklist_name"], out["notes"] = sheet.name, i.notes
    out["scores"] = [{"item": pos, "text": txt, "score": s.score, "max_score": s.max_score, "comment": s.comment}
                     for s, pos, txt in session.execute(
                         select(InspectionScore, ChecklistItem.position, ChecklistItem.text)
                         .join(ChecklistItem, ChecklistItem.id == InspectionScore.item_id)
                         .where(InspectionScore.inspection_id == i.id).order_by(ChecklistItem.position))]
    out["actions"] = list_actions(session, inspection_id=i.id)
    return out


def list_inspections(session: Session, *, target_kind: str | None = None, target: str | None = None,
                     limit: int = 200) -> list[dict]:
    stmt = (select(Inspection, Checklist.code).join(Checklist, Checklist.id == Inspection.checklist_id)
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()).limit(limit))
    if target_kind is not None:
        stmt = stmt.where(Inspection.target_kind == one_of(target_kind, "target_kind", rules.TARGETS))
    if target:
        stmt = stmt.where(Inspection.target_code == target.strip().upper())
    return [_summary(i, code) for i, code in session.execute(stmt)]


def list_actions(session: Session, *, inspection_id: int | None = None, open_only: bool = False) -> list[dict]:
    stmt = select(CorrectiveAction).order_by(CorrectiveAction.due_on, CorrectiveAction.id)
    if inspection_id is not None:
        stmt = stmt.where(CorrectiveAction.inspection_id == inspection_id)
    if open_only:
        stmt = stmt.where(CorrectiveAction.status == "open")
    actions = list(session.scalars(stmt.limit(500)))
    ups: dict[int, list] = {}
    if actions:
        for f in session.scalars(select(ActionFollowUp).where(ActionFollowUp.action_id.in_([a.id for a in actions]))
                                 .order_by(ActionFollowUp.id)):
            ups.setdefault(f.action_id, []).append(f)
    today = utcnow().date()
    return [_action_dict(a, ups.get(a.id, []), today) for a in actions]


def station_file(session: Session, code: str) -> dict:
    """A station's file: its facts, repairmen with their training records, and its inspections."""
    s = get_station(session, code)
    men = list(session.scalars(select(Repairman).where(Repairman.station_id == s.id).order_by(Repairman.name,
                                                                                             Repairman.id)))
    trainings: dict[int, list] = {}
    if men:
        for t in session.scalars(select(Training).where(Training.repairman_id.in_([m.id for m in men]))
                                 .order_by(Training.trained_on.desc(), Training.id.desc())):
            trainings.setdefault(t.repairman_id, []).append(
                {"id": t.id, "course": t.course, "trained_on": t.trained_on.isoformat(), "passed": t.passed,
                 "certificate_no": t.certificate_no, "notes": t.notes})
    return {"code": s.code, "name": s.name, "region": s.region, "phone": s.phone, "dealer": s.dealer_code,
            "repairmen": [{"id": m.id, "name": m.name, "phone": m.phone, "qualification": m.qualification,
                           "joined_on": m.joined_on.isoformat() if m.joined_on else None, "active": m.active,
                           "trainings": trainings.get(m.id, [])} for m in men],
            "inspections": list_inspections(session, target_kind="station", target=s.code, limit=50)}


def stations(session: Session) -> list[dict]:
    men = (select(Repairman.station_id, func.count().label("n")).where(Repairman.active.is_(True))
           .group_by(Repairman.station_id).subquery())
    return [{"code": s.code, "name": s.name, "region": s.region, "repairmen": n or 0}
            for s, n in session.execute(select(Station, men.c.n).outerjoin(men, men.c.station_id == Station.id)
                                        .where(Station.active.is_(True)).order_by(Station.code))]


def dealers(session: Session) -> list[dict]:
    """Active dealers (and offices) to choose from on an inspection."""
    return [{"code": c, "name": n} for c, n in session.execute(
        select(Dealer.code, Dealer.name).where(Dealer.active.is_(True)).order_by(Dealer.code).limit(1000))]
