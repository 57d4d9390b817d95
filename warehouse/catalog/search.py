"""Order entry's part look-up: by part number, Chinese name or the name's pinyin initials, as typed.

The initials are computed once, when a part is written (an ORM event, so every writer — the API, imports, the demo —
keeps them), and stored in `part.pinyin`. Every match is a prefix, asked as a range (`col >= q AND col < q + U+FFFF`)
rather than LIKE, so both SQLite and PostgreSQL answer from a plain B-tree index whatever their collation.
"""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin
from sqlalchemy import event, literal, select, union_all
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.limits import NAME_LEN

_TOP = "\uffff"


def initials(name: str | None) -> str | None:
    """压缩机总成 → ysjzc; letters and digits in the name are kept (lower-case), everything else dropped."""
    if not name:
        return None
    out = []
    for syllable in lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: list(s)):
        out.extend(ch for ch in syllable.lower() if ch.isascii() and ch.isalnum())
    return "".join(out)[:NAME_LEN] or None


@event.listens_for(Part, "before_insert")
@event.listens_for(Part, "before_update")
def _keep_initials(_mapper, _conn, part: Part) -> None:
    part.pinyin = initials(part.name)


def _prefix(col, q: str):
    return (col >= q) & (col < q + _TOP)


def suggest(session: Session, q: str, *, limit: int = 10, with_superseded: bool = False) -> list[Part]:
    """Active parts whose number, name or pinyin initials start with `q`: part-number matches first (in number
    order), then name and initials matches. `with_superseded` also finds discontinued parts that name a successor
    (order entry offers the successor for them).

    Each kind of match is its own index range walked in index order and cut at `limit` (one UNION ALL, one round
    trip): a one-letter query that matches thousands of parts reads `limit` rows per branch instead of sorting every
    match."""
    q = (q or "").strip()
    if not q:
        return []
    live = Part.active.is_(True)
    if with_superseded:
        live = live | Part.superseded_by_id.is_not(None)
    branches = [(Part.part_number, q), (Part.name, q)]
    if q.upper() != q:
        branches.insert(1, (Part.part_number, q.upper()))
    if q.isascii():
        branches.append((Part.pinyin, q.lower()))
    subs = [select(Part.id.label("id"), literal(rank).label("rank"), col.label("key"))
            .where(_prefix(col, value), live).order_by(col).limit(limit)
            for rank, (col, value) in enumerate(branches)]
    # Each limited branch sits in a sub-select of its own: SQLite takes no LIMIT inside a bare compound member.
    ranked = union_all(*(select(sub.subquery()) for sub in subs)).subquery()
    rows = session.execute(select(Part, ranked.c.rank).join(ranked, ranked.c.id == Part.id)
                           .order_by(ranked.c.rank, ranked.c.key, Part.part_number))
    out, seen = [], set()
    for part, _rank in rows:
        if part.id not in seen:
            seen.add(part.id)
            out.append(part)
    return out[:limit]
