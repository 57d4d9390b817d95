"""The knowledge base (客户问题解决方案): writing, reviewing, searching, and suggestions for a ticket.

Search: see rules.tokens / rules.query_terms. Every term is one index range or one IN list on care_kb_token's
primary key (token, entry_id), answered from a B-tree on both databases; the terms are AND-ed as `id IN (…)`.
"""
from __future__ import annotations

from sqlalchemy import delete, func, insert, or_, select, union
from sqlalchemy.orm import Session

from warehouse.care import rules
from warehouse.care.errors import KbState, OwnKbEntry, UnknownKbEntry
from warehouse.care.models import KbEntry, KbToken
from warehouse.catalog.queries import get_part
from warehouse.checks import one_of, text
from warehouse.db import utcnow
from warehouse.errors import ValidationError

_TOP = "\uffff"
_FIELDS = ("title", "model", "part_number", "symptom", "cause", "solution")


def _clean(session: Session, *, title, symptom, solution, model=None, part_number=None, cause=None) -> dict:
    out = {"title": text(title, "title", rules.TITLE_LEN, required=True),
           "symptom": text(symptom, "symptom", rules.TEXT_LEN, required=True),
           "solution": text(solution, "solution", rules.TEXT_LEN, required=True),
           "cause": text(cause, "cause", rules.TEXT_LEN),
           "model": text(model, "model", rules.MODEL_LEN),
           "part_number": text(part_number, "part_number", rules.MODEL_LEN)}
    if out["part_number"]:
        out["part_number"] = get_part(session, out["part_number"]).part_number
    return out


def _reindex(session: Session, entry: KbEntry) -> None:
    session.execute(delete(KbToken).where(KbToken.entry_id == entry.id))
    toks = rules.tokens(entry.title, entry.model, entry.part_number, entry.symptom, entry.cause, entry.solution)
    if toks:
        session.execute(insert(KbToken), [{"token": t, "entry_id": entry.id} for t in sorted(toks)])


def get_entry(session: Session, entry_id) -> KbEntry:
    entry = session.get(KbEntry, entry_id) if isinstance(entry_id, int) and 0 < entry_id < 2**31 else None
    if entry is None:
        raise UnknownKbEntry(entry=entry_id)
    return entry


def create_entry(session: Session, *, actor: str, title, symptom, solution, model=None, part_number=None,
                 cause=None) -> KbEntry:
    """A new entry, as a draft."""
    values = _clean(session, title=title, symptom=symptom, solution=solution, model=model, part_number=part_number,
                    cause=cause)
    entry = KbEntry(**values, status="draft", author=actor, editor=actor)
    session.add(entry)
    session.flush()
    _reindex(session, entry)
    return entry


def update_entry(session: Session, *, entry_id: int, actor: str, **values) -> KbEntry:
    """Change the text of a draft or a published entry; a published one goes back to draft (unpublished until it is
    reviewed again). An entry waiting for review cannot change (the reviewer reads what was submitted)."""
    entry = get_entry(session, entry_id)
    if entry.status == "in_review":
        raise KbState(entry=entry.id, reason="edit")
    merged = {f: values.get(f, getattr(entry, f)) for f in _FIELDS}
    for f, v in _clean(session, **merged).items():
        setattr(entry, f, v)
    entry.status, entry.editor, entry.updated_at, entry.published_at = "draft", actor, utcnow(), None
    session.flush()
    _reindex(session, entry)
    return entry


def submit(session: Session, *, entry_id: int, actor: str) -> KbEntry:
    entry = get_entry(session, entry_id)
    if entry.status != "draft":
        raise KbState(entry=entry.id, reason="submit")
    entry.status, entry.updated_at = "in_review", utcnow()
    session.flush()
    return entry


def review(session: Session, *, entry_id: int, actor: str, publish: bool, note=None) -> KbEntry:
    """The reviewer publishes the entry or sends it back to draft with a note. Whoever last wrote its text cannot
    review it (403 own_kb_entry); returning it needs the note saying why."""
    entry = get_entry(session, entry_id)
    if entry.status != "in_review":
        raise KbState(entry=entry.id, reason="review")
    if actor in (entry.author, entry.editor):
        raise OwnKbEntry(entry=entry.id)
    note = text(note, "note", rules.TEXT_LEN, required=not publish)
    now = utcnow()
    entry.status = "published" if publish else "draft"
    entry.reviewer, entry.reviewed_at, entry.review_note = actor, now, note
    entry.published_at = now if publish else None
    session.flush()
    return entry


# --- reads ----------------------------------------------------------------------------------------------------------

def entry_dict(e: KbEntry, *, full: bool = True) -> dict:
    out = {"id": e.id, "title": e.title, "model": e.model, "part_number": e.part_number, "status": e.status,
           "symptom": e.symptom, "updated_at": e.updated_at.isoformat()}
    if full:
        out.update(cause=e.cause, solution=e.solution, author=e.author, editor=e.editor, reviewer=e.reviewer,
                   reviewed_at=e.reviewed_at.isoformat() if e.reviewed_at else None, review_note=e.review_note,
                   published_at=e.published_at.isoformat() if e.published_at else None,
                   created_at=e.created_at.isoformat())
    return out


def entry_view(session: Session, entry_id: int) -> dict:
    return entry_dict(get_entry(session, entry_id))


def _term_ids(term: dict):
    """Entry ids matching one query term (see rules.query_terms)."""
    def all_of(toks):
        return (select(KbToken.entry_id).where(KbToken.token.in_(toks)).group_by(KbToken.entry_id)
                .having(func.count(KbToken.token) == len(toks)))
    if "all" in term:
        return all_of(term["all"])
    prefix = select(KbToken.entry_id).where(KbToken.token >= term["prefix"], KbToken.token < term["prefix"] + _TOP)
    return union(prefix, all_of(term["pinyin"])) if term["pinyin"] else prefix


def search(session: Session, *, q: str | None = None, model: str | None = None, part_number: str | None = None,
           status: str | None = "published", limit: int = 50) -> list[dict]:
    """Entries matching every word of `q` (Chinese text, words, or pinyin initials such as "ysj" for 压缩机), of
    `model` and `part_number` when given (exactly), in `status` (None: any). Entries whose title holds more of the
    query come first, then the newest."""
    q = text(q, "q", rules.QUERY_LEN)
    if status is not None:
        one_of(status, "status", rules.KB_STATES)
    stmt = select(KbEntry)
    if status is not None:
        stmt = stmt.where(KbEntry.status == status)
    if model := text(model, "model", rules.MODEL_LEN):
        stmt = stmt.where(func.upper(KbEntry.model) == model.upper())
    if part_number := text(part_number, "part_number", rules.MODEL_LEN):
        stmt = stmt.where(KbEntry.part_number == part_number)
    terms = rules.query_terms(q or "")
    if q and not terms:
        raise ValidationError(field="q", reason="no_words")
    for term in terms:
        stmt = stmt.where(KbEntry.id.in_(_term_ids(term)))
    rows = session.scalars(stmt.order_by(KbEntry.updated_at.desc(), KbEntry.id.desc()).limit(500)).all()
    if q:
        rows = sorted(rows, key=lambda e: -rules.title_hits(e.title, q))  # stable: newest first within a tie
    return [entry_dict(e, full=False) for e in rows[:limit]]


def suggest(session: Session, *, model: str | None, description: str | None,
            limit: int = rules.SUGGESTIONS) -> list[dict]:
    """Published entries for a ticket: of the unit's model or of no model (any when the ticket has no unit), ranked
    by how many of the description's bigrams and words they share (at least MIN_SUGGEST_MATCH), entries of the
    model itself before general ones on a tie, then the newest."""
    toks = rules.description_tokens(description)
    if not toks:
        return []
    shared = func.count(KbToken.token).label("shared")
    hits = (select(KbToken.entry_id, shared).where(KbToken.token.in_(toks)).group_by(KbToken.entry_id)
            .having(func.count(KbToken.token) >= rules.MIN_SUGGEST_MATCH).subquery())
    stmt = (select(KbEntry, hits.c.shared).join(hits, hits.c.entry_id == KbEntry.id)
            .where(KbEntry.status == "published"))
    if model:
        stmt = stmt.where(or_(KbEntry.model.is_(None), func.upper(KbEntry.model) == model.upper()))
    stmt = stmt.order_by(hits.c.shared.desc(), KbEntry.model.is_(None), KbEntry.published_at.desc(),
                         KbEntry.id.desc()).limit(limit)
    return [dict(entry_dict(e, full=False), shared=n, solution=e.solution) for e, n in session.execute(stmt)]


def suggest_for_ticket(session: Session, ticket_no: str) -> list[dict]:
    from warehouse.service.errors import UnknownTicket
    from warehouse.service.models import Ticket
    from warehouse.warranty.models import Unit

    row = session.execute(select(Ticket.description, Unit.model).outerjoin(Unit, Unit.id == Ticket.unit_id)
                          .where(Ticket.ticket_no == ticket_no)).first() if isinstance(ticket_no, str) else None
    if row is None:
        raise UnknownTicket(ticket_no=ticket_no)
    return suggest(session, model=row.model, description=row.description)
