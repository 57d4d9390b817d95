"""Reads of locations: the bins of a store, bin codes in a range (for labels)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.locations.models import Location


def bins(session: Session, *, store: str) -> list[Location]:
    """The bins of one store, by code."""
    return list(session.scalars(select(Location).where(Location.kind == "bin", Location.store == store)
                                .order_by(Location.code)))


def bins_between(session: Session, *, first: str, last: str) -> list[dict]:
    """The bins from `first` to `last` (inclusive, by code order), any store, as bin-label data: code and store."""
    rows = session.execute(select(Location.code, Location.store).where(
        Location.kind == "bin", Location.code >= first, Location.code <= last).order_by(Location.code)).all()
    return [{"code": code, "store": store} if store else {"code": code} for code, store in rows]


def bin_codes_between(session: Session, *, first: str, last: str) -> list[str]:
    """Codes of the bins from `first` to `last` (inclusive, by code order), any store."""
    return list(session.scalars(select(Location.code).where(Location.kind == "bin", Location.code >= first,
                                                            Location.code <= last).order_by(Location.code)))
