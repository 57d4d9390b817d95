"""Parts: our part number or a supplier's code (GTIN/EAN/UPC, GS1 element string, supplier barcode).

Core statements built once, like the ledger's hot path: the row carries what the ledger needs (`PartRef`), so a scan
that posts a move looks the part up here and nowhere else.
"""
from __future__ import annotations

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.catalog.models import Part, PartBarcode
from warehouse.db import hot
from warehouse.errors import UnknownCode
from warehouse.ledger.services import LocRef, PartRef
from warehouse.locations.models import Location
from warehouse.scanning.registry import Found, resolver

_part, _barcode = Part.__table__, PartBarcode.__table__
# The first four columns are PartRef's, in its order.
_COLUMNS = (_part.c.id, _part.c.part_number, _part.c.name, _part.c.standard_cost, _part.c.name_en, _part.c.unit,
            _part.c.active)
_BY_NUMBER = select(*_COLUMNS).where(_part.c.part_number == bindparam("code"), _part.c.active.is_(True))
# A part number typed or scanned in the other letter case (Caps Lock, a scanner set to lower case): one part only.
_BY_NUMBER_ANY_CASE = select(*_COLUMNS).where(func.upper(_part.c.part_number) == bindparam("code"),
                                              _part.c.active.is_(True)).limit(2)


def _in_bins(n: int):
    """`_BY_NUMBER` with the `n` bins a stock-mode scan names (`b0`, `b1`), LEFT JOINed: the part is found whether
    or not they are, and a missing bin is left to the ledger, which looks it up again and says why."""
    stmt, columns, joined = select(*_COLUMNS), [], _part
    for i in range(n):
        loc = Location.__table__.alias(f"b{i}")
        columns += [loc.c.id, loc.c.code, loc.c.kind, loc.c.store]  # LocRef's, in its order
        joined = joined.outerjoin(loc, and_(loc.c.code == bindparam(f"b{i}"), loc.c.active.is_(True)))
    return stmt.add_columns(*columns).select_from(joined).where(_part.c.part_number == bindparam("code"),
                                                                 _part.c.active.is_(True))


_IN_BINS = {n: _in_bins(n) for n in (1, 2)}
_BY_BARCODE = select(*_COLUMNS).select_from(_part.join(_barcode, _barcode.c.part_id == _part.c.id)).where(
    _barcode.c.code.in_(bindparam("codes", expanding=True))).limit(1)


def _found(row, matched_by: str) -> Found:
    data = {"kind": "part", "part_number": row.part_number, "name": row.name, "name_en": row.name_en,
            "unit": row.unit, "matched_by": matched_by}
    # An inactive part still resolves (it is what the label says) but gets no ref: posting it looks it up by
    # number, and the ledger refuses it as unknown, as it always has.
    return Found(data, PartRef(*row[:4]) if row.active else None)


def _gtin_forms(gtin14: str) -> list[str]:
    """A GTIN as suppliers print it: GTIN-14, EAN-13, UPC-A (12) and EAN-8 share one number padded with zeros."""
    forms = [gtin14, gtin14[1:], gtin14[2:]]
    if gtin14.startswith("000000"):
        forms.append(gtin14[6:])
    return forms


@resolver("text", order=10)
def by_part_number(session: Session, c: Classified) -> Found | None:
    row = hot(session.connection(), _BY_NUMBER, {"code": c.value}).first()
    return _found(row, "part_number") if row else None


def by_part_number_in(session: Session, c: Classified, bins: tuple[str, ...]) -> Found | None:
    """`by_part_number` for a scan that posts a move: the part and the bins it names (its location; a transfer's
    destination too) in one round trip instead of two. None when no active part has this number."""
    params = {"code": c.value, **{f"b{i}": code.strip().upper() for i, code in enumerate(bins)}}
    row = hot(session.connection(), _IN_BINS[len(bins)], params).first()
    if row is None:
        return None
    found, at = _found(row, "part_number"), len(_COLUMNS)
    refs = tuple(LocRef(*row[i:i + 4]) if row[i] is not None else None for i in range(at, len(row), 4))
    return Found(found.data, found.part, refs)


@resolver("text", order=20)
def by_supplier_barcode(session: Session, c: Classified) -> Found | None:
    row = session.connection().execute(_BY_BARCODE, {"codes": [c.value]}).first()
    return _found(row, "barcode") if row else None


@resolver("text", order=30)
def by_part_number_any_case(session: Session, c: Classified) -> Found | None:
    """`kf35-fan-01` is KF35-FAN-01, as `n-a01-01` is bin N-A01-01 — tried only after the exact number and the
    supplier barcodes missed (so the usual scan costs nothing more), and only when one part matches: part numbers
    that differ in case alone stay apart."""
    rows = session.connection().execute(_BY_NUMBER_ANY_CASE, {"code": c.value.upper()}).all()
    return _found(rows[0], "part_number") if len(rows) == 1 else None


@resolver("gtin")
@resolver("gs1")
def by_gtin(session: Session, c: Classified) -> Found | None:
    gtin = c.fields.get("gtin") if c.kind == "gs1" else c.value
    row = session.connection().execute(_BY_BARCODE, {"codes": _gtin_forms(gtin)}).first() if gtin else None
    if row is None:  # named as printed: the digits under the bars, or the GS1 string in its readable form
        raise UnknownCode(code=c.fields["digits"] if c.kind == "gtin" else c.value, gtin=gtin)
    found = _found(row, "gtin")
    if c.kind == "gs1":
        found.data["gs1"] = {k: v for k, v in c.fields.items() if k != "elements" and v is not None}
    return found
