from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.errors import UnknownPart


def get_part(session: Session, part_number: str) -> Part:
    part = session.scalar(select(Part).where(Part.part_number == (part_number or "").strip()))
    if part is None or not part.active:
        raise UnknownPart(part_number=part_number)
    return part


def search_parts(session: Session, q: str | None = None, *, category: str | None = None, limit: int = 50,
                 offset: int = 0) -> list[Part]:
    stmt = select(Part).where(Part.active.is_(True)).order_by(Part.part_number).limit(limit).offset(offset)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Part.part_number.ilike(like), Part.name.ilike(like), Part.name_en.ilike(like)))
    if category:
        stmt = stmt.where(Part.category == category)
    return list(session.scalars(stmt))
