from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import classify
from warehouse.catalog.models import Part, PartBarcode, Supplier
from warehouse.checks import text as _text
from warehouse.errors import AlreadyExists, NotFound, ValidationError
from warehouse.locations.models import Location
from warehouse.limits import MONEY_MAX, MONEY_PLACES, NAME_LEN, PART_NUMBER_LEN

PART_NUMBER = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._/-]{{0,{PART_NUMBER_LEN - 1}}}$")


def money(value, field: str, *, places: int = MONEY_PLACES) -> Decimal:
    """Money arrives as a decimal string (or an int); floats are refused so no binary rounding sneaks in."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(field=field, reason="not_decimal")
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(field=field, reason="not_decimal") from None
    if not d.is_finite() or d < 0 or d >= MONEY_MAX:
        raise ValidationError(field=field, reason="out_of_range", min=0, max=MONEY_MAX - 1)
    if -d.as_tuple().exponent > places:
        raise ValidationError(field=field, reason="too_many_decimals", places=places)
    return d


def create_supplier(session: Session, *, code: str, name: str, name_en: str | None = None,
                    contact: str | None = None) -> Supplier:
    code = _text(code, "code", 32, required=True)
    if session.scalar(select(Supplier.id).where(Supplier.code == code)) is not None:
        raise AlreadyExists(reason="supplier", code=code)
    sup = Supplier(code=code, name=_text(name, "name", 200, required=True), name_en=_text(name_en, "name_en", 200),
                   contact=_text(contact, "contact", 200))
    session.add(sup)
    session.flush()
    return sup


def create_part(session: Session, *, part_number: str, name: str, name_en: str | None = None, unit: str | None = None,
                category: str | None = None, supplier: str | None = None, standard_cost=None, dealer_price=None,
                reorder_point: int | None = None, barcodes: list[str] | None = None) -> Part:
    pn = _text(part_number, "part_number", PART_NUMBER_LEN, required=True)
    if not PART_NUMBER.match(pn):
        raise ValidationError(field="part_number", reason="part_number_format", max=40)
    # A part number must not read as one of our own codes (bin, card, mode, document), or scans would misfire.
    if pn.startswith("@") or classify(pn).kind not in ("text", "gtin"):
        raise ValidationError(field="part_number", reason="looks_like_code")
    if session.scalar(select(Part.id).where(Part.part_number == pn)) is not None:
        raise AlreadyExists(reason="part", part_number=pn)
    other = session.scalar(select(Part.part_number).join(PartBarcode).where(PartBarcode.code == pn))
    if other is not None:  # a scan of it would find the other part
        raise ValidationError(field="part_number", reason="part_number_is_barcode", part_number=pn, other=other)
    sup = None
    if supplier:
        sup = session.scalar(select(Supplier).where(Supplier.code == supplier))
        if sup is None:
            raise NotFound(reason="supplier", supplier=supplier)
    if reorder_point is not None and (isinstance(reorder_point, bool) or not isinstance(reorder_point, int)
                                      or reorder_point < 0):
        raise ValidationError(field="reorder_point", reason="too_small", min=0)
    part = Part(part_number=pn, name=_text(name, "name", 200, required=True), name_en=_text(name_en, "name_en", 200),
                unit=_text(unit, "unit", 16) or "pcs", category=_text(category, "category", 64), supplier=sup,
                standard_cost=money(standard_cost or "0", "standard_cost", places=4),
                dealer_price=money(dealer_price or "0", "dealer_price"), reorder_point=reorder_point or 0)
    session.add(part)
    session.flush()
    for code in barcodes or []:
        add_barcode(session, part=part, code=code)
    return part


def add_barcode(session: Session, *, part: Part, code: str, kind: str | None = None,
                supplier: Supplier | None = None) -> PartBarcode:
    code = _text(code, "barcode", 64, required=True)
    if session.scalar(select(PartBarcode.id).where(PartBarcode.code == code)) is not None:
        raise AlreadyExists(reason="barcode", code=code)
    # A scan must resolve to one thing: a barcode may not be a bin's code or another part's number.
    bin_code = session.scalar(select(Location.code).where(Location.code == code.upper()))
    if bin_code is not None:
        raise ValidationError(field="barcode", reason="barcode_is_bin", code=code, location=bin_code)
    other = session.scalar(select(Part.part_number).where(Part.part_number == code, Part.id != part.id))
    if other is not None:
        raise ValidationError(field="barcode", reason="barcode_is_part_number", code=code, part_number=other)
    if kind is None:
        kind = "ean" if code.isdigit() and len(code) in (8, 12, 13, 14) else "supplier"
    bc = PartBarcode(part=part, code=code, kind=kind, supplier=supplier)
    session.add(bc)
    session.flush()
    return bc
