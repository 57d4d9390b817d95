"""Checklists (考核表) and scoring against them: shared by inspections and service checks."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.care import rules
from warehouse.care.errors import ChecklistScores, ChecklistTarget, ScoreOutOfRange, UnknownChecklist
from warehouse.care.inputs import whole
from warehouse.care.models import Checklist, ChecklistItem
from warehouse.checks import one_of, text
from warehouse.errors import AlreadyExists, ValidationError


def create_checklist(session: Session, *, actor: str, code, name, target, items, pass_score=None) -> Checklist:
    """A checklist with its numbered items (1, 2, … in the order given), each scored 0 … its max_score. A call or
    visit checklist (the service standard) needs a pass score, at most the sum of the maxima."""
    code = text(code, "code", rules.CODE_LEN, required=True).upper()
    name = text(name, "name", rules.TITLE_LEN, required=True)
    one_of(target, "target", rules.CHECKLIST_TARGETS)
    if not isinstance(items, list) or not 1 <= len(items) <= rules.MAX_ITEMS:
        raise ValidationError(field="checklist_items", reason="out_of_range", min=1, max=rules.MAX_ITEMS)
    rows = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValidationError(field="checklist_items", reason="required")
        rows.append(ChecklistItem(position=i, text=text(item.get("text"), "text", rules.ITEM_LEN, required=True),
                                  max_score=whole(item.get("max_score"), "max_score", low=1,
                                                  high=rules.MAX_ITEM_SCORE)))
    total = sum(r.max_score for r in rows)
    if pass_score is None and target in rules.CHECK_KINDS:
        raise ValidationError(field="pass_score", reason="required")
    if pass_score is not None:
        whole(pass_score, "pass_score", low=0, high=total)
    if session.scalar(select(Checklist.id).where(Checklist.code == code)) is not None:
        raise AlreadyExists(code=code)
    checklist = Checklist(code=code, name=name, target=target, pass_score=pass_score, created_by=actor)
    session.add(checklist)
    session.flush()
    for r in rows:
        r.checklist_id = checklist.id
    session.add_all(rows)
    session.flush()
    return checklist


def get_checklist(session: Session, code, *, target: str | tuple[str, ...] | None = None) -> Checklist:
    """An active checklist by code; `target` the kind(s) it must score (409 checklist_target otherwise)."""
    checklist = session.scalar(select(Checklist).where(Checklist.code == code.strip().upper(),
                                                       Checklist.active.is_(True))) if isinstance(code, str) else None
    if checklist is None:
        raise UnknownChecklist(checklist=code)
    wanted = (target,) if isinstance(target, str) else target
    if wanted and checklist.target not in wanted:
        raise ChecklistTarget(checklist=checklist.code)
    return checklist


def items_of(session: Session, checklist_id: int) -> list[ChecklistItem]:
    return list(session.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == checklist_id)
                                .order_by(ChecklistItem.position)))


def score(session: Session, checklist: Checklist, scores) -> tuple[list[dict], int, int]:
    """Check `scores` ([{item: position, score, comment?}]) against the checklist: every item once, each score a
    whole number 0 … the item's max. Returns the rows to store, the total and the maximum."""
    items = {it.position: it for it in items_of(session, checklist.id)}
    if not isinstance(scores, list) or len(scores) > rules.MAX_ITEMS:
        raise ValidationError(field="scores", reason="out_of_range", min=1, max=rules.MAX_ITEMS)
    seen: dict[int, dict] = {}
    for s in scores:
        if not isinstance(s, dict):
            raise ValidationError(field="scores", reason="required")
        pos = s.get("item")
        if isinstance(pos, bool) or not isinstance(pos, int) or pos not in items:
            raise ChecklistScores(reason="unknown_item", checklist=checklist.code, item=pos)
        if pos in seen:
            raise ChecklistScores(reason="duplicate", checklist=checklist.code, item=pos)
        value, top = s.get("score"), items[pos].max_score
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise ScoreOutOfRange(item=pos, score=value, max=top)
        seen[pos] = {"item_id": items[pos].id, "score": value, "max_score": top,
                     "comment": text(s.get("comment"), "comment", rules.ITEM_LEN)}
    missing = sorted(set(items) - set(seen))
    if missing:
        raise ChecklistScores(reason="missing", checklist=checklist.code, items=", ".join(map(str, missing)))
    rows = [seen[p] for p in sorted(seen)]
    return rows, sum(r["score"] for r in rows), sum(r["max_score"] for r in rows)


def checklist_dict(session: Session, c: Checklist) -> dict:
    items = items_of(session, c.id)
    return {"code": c.code, "name": c.name, "target": c.target, "pass_score": c.pass_score, "active": c.active,
            "max_score": sum(i.max_score for i in items),
            "items": [{"item": i.position, "text": i.text, "max_score": i.max_score} for i in items]}


def list_checklists(session: Session, *, target: str | None = None) -> list[dict]:
    stmt = select(Checklist).where(Checklist.active.is_(True)).order_by(Checklist.target, Checklist.code)
    if target is not None:
        stmt = stmt.where(Checklist.target == one_of(target, "target", rules.CHECKLIST_TARGETS))
    return [checklist_dict(session, c) for c in session.scalars(stmt)]


def checklist_view(session: Session, code: str) -> dict:
    return checklist_dict(session, get_checklist(session, code))
