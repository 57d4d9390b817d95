"""Bins: `N-A01-03`, `R-B12-07`. A selection only; the ledger checks the bin again when a move is posted."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.locations.models import Location
from warehouse.scanning.registry import Found, resolver


@resolver("bin")
def bin_location(session: Session, c: Classified) -> Found | None:
    loc = session.scalar(select(Location).where(Location.code == c.value, Location.active.is_(True)))
    return Found({"kind": "location", "location": loc.code, "store": loc.store}) if loc else None
