from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scanners.codes import PATTERNS
from warehouse.accounts.roles import store_allowed
from warehouse.catalog.models import PartBarcode
from warehouse.errors import AlreadyExists, Forbidden, UnknownLocation, ValidationError
from warehouse.locations.models import KINDS, STORES, Location

BIN_CODE = PATTERNS["bin"]  # the one definition of a bin code, shared with the scanner classifier
STORE_PREFIX = {"NEW": "N", "RETURNED": "R"}

# The counterparties every installation has; dealers and technicians get their own (`@D:<code>`, `@T:<user>`).
VIRTUAL = {
    "@SUPPLIER": "supplier",
    "@CUSTOMER": "customer",
    "@SCRAP": "scrap",
    "@ADJUST": "adjustment",
    "@TRANSIT": "transit",
    "@PENDING": "pending",
}


def create_bin(session: Session, *, code: str, store: str, name: str | None = None,
               role: str | None = None) -> Location:
    """A new bin. A store clerk (`role`) creates bins of their own store only, as they work in no other."""
    code = (code or "").strip().upper()
    if store not in STORES:
        raise ValidationError(field="store", reason="one_of", allowed=", ".join(STORES))
    if role is not None and not store_allowed(role, store):
        raise Forbidden(reason="store", role=role, store=store)
    if not BIN_CODE.match(code):
        raise ValidationError(field="code", reason="bin_code_format")
    if code[0] != STORE_PREFIX[store]:
        raise ValidationError(field="code", reason="bin_prefix", store=store, prefix=STORE_PREFIX[store])
    if session.scalar(select(Location.id).where(Location.code == code)) is not None:
        raise AlreadyExists(reason="bin", code=code)
    if session.scalar(select(PartBarcode.id).where(PartBarcode.code == code)) is not None:  # one meaning per scan
        raise ValidationError(field="code", reason="barcode_is_bin", code=code, location=code)
    loc = Location(code=code, kind="bin", store=store, zone=code[2], name=name)
    session.add(loc)
    session.flush()
    return loc


def get_location(session: Session, code: str) -> Location:
    loc = session.scalar(select(Location).where(Location.code == (code or "").strip().upper()))
    if loc is None or not loc.active:
        raise UnknownLocation(location=code)
    return loc


def virtual(session: Session, code: str, kind: str | None = None, name: str | None = None) -> Location:
    """Get or create a counterparty location; safe when two transactions create it at once."""
    loc = session.scalar(select(Location).where(Location.code == code))
    if loc is not None:
        return loc
    kind = kind or VIRTUAL[code]
    assert kind in KINDS and code.startswith("@")
    try:
        with session.begin_nested():
            loc = Location(code=code, kind=kind, name=name)
            session.add(loc)
    except IntegrityError:
        loc = session.scalar(select(Location).where(Location.code == code))
    return loc


def ensure_virtual_locations(session: Session) -> None:
    for code in VIRTUAL:
        virtual(session, code)
