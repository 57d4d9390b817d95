"""Order entry's part look-up: by part number, Chinese name or the name's pinyin initials, as typed.

The initials are computed once, when a part is written (an ORM event, so every writer — the API, imports, the demo —
keeps them), and stored in `part.pinyin`. Every match is a prefix, asked as a range (`col >= q AND col < q + U+FFFF`)
rather than LIKE, so both SQLite and PostgreSQL answer from a plain B-tree index whatever their collation.
"""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin
from sqlalchemy import event, or_, select
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


def suggest(session: Session, q: str, *, limit: int = 10) -> list[Part]:
    """Active parts whose number, name or pinyin initials start with `q`, part numbers first."""
    q = (q or "").strip()
    if not q:
        return []
    conds = [_prefix(Part.part_number, q), _prefix(Part.part_number, q.upper()), _prefix(Part.name, q)]
    if q.isascii():
        conds.append(_prefix(Part.pinyin, q.lower()))
    stmt = select(Part).where(or_(*conds), Part.active.is_(True)).order_by(Part.part_number).limit(limit)
    return list(session.scalars(stmt))
