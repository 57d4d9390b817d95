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


def part_dict(p: Part) -> dict:
    """A part as the API answers it (money as decimal strings)."""
    return {"part_number": p.part_number, "name": p.name, "name_en": p.name_en, "unit": p.unit,
            "category": p.category, "supplier": p.supplier.code if p.supplier else None,
            "standard_cost": f"{p.standard_cost:.2f}", "dealer_price": f"{p.dealer_price:.2f}",
            "reorder_point": p.reorder_point, "barcodes": [b.code for b in p.barcodes]}
