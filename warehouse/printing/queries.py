"""Reads for the print pages: the named printers a station may choose."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.printing.models import LabelPrinter


def named_printers(session: Session, *, besides: str | None = None) -> list[LabelPrinter]:
    """Registered printers, leaving out `besides` (the site default, which the page lists first)."""
    stmt = select(LabelPrinter)
    if besides is not None:
        stmt = stmt.where(LabelPrinter.url != besides)
    return list(session.scalars(stmt))
