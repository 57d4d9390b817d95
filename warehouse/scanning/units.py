"""Sold units: a serial or VIN on the unit's label. Plain text, so it is tried last (order 90): a part number or a
supplier barcode that happens to look like a serial is the part."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.scanning.registry import Found, resolver
from warehouse.warranty.models import Unit
from warehouse.warranty.services import SERIAL


@resolver("text", order=90)
def unit(session: Session, c: Classified) -> Found | None:
    serial = c.value.strip().upper()
    if not SERIAL.match(serial):  # not a serial's syntax: no query
        return None
    row = session.execute(select(Unit.serial, Unit.model, Unit.sold_on).where(Unit.serial == serial)).first()
    if row is None:
        return None
    return Found({"kind": "unit", "serial": row.serial, "model": row.model, "sold_on": row.sold_on.isoformat()})
