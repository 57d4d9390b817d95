"""What a scanned code means here, and one scan-page step (select bin, switch mode, or post a move).

`scanners.codes.classify` decides by syntax; this module looks the result up in the database. Later domains
(units, claims, orders) add their look-ups to `resolve()`.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import classify
from warehouse.catalog.models import Part, PartBarcode
from warehouse.documents.services import get_document
from warehouse.errors import UnknownCode, ValidationError
from warehouse.ledger import services as ledger
from warehouse.locations.models import Location
from warehouse.printing import services as printing
from warehouse.printing.items import part_label
from warehouse.stocktake import cards, services as stocktakes

from warehouse.limits import SCAN_CODE_LEN as MAX_CODE, SCAN_MODES as MODES


def _part_dict(part: Part, matched_by: str) -> dict:
    return {"kind": "part", "part_number": part.part_number, "name": part.name, "name_en": part.name_en,
            "unit": part.unit, "matched_by": matched_by}


def _gtin_forms(gtin14: str) -> list[str]:
    """A GTIN as suppliers print it: GTIN-14, EAN-13, UPC-A (12) and EAN-8 share one number padded with zeros."""
    forms = [gtin14, gtin14[1:], gtin14[2:]]
    if gtin14.startswith("000000"):
        forms.append(gtin14[6:])
    return forms


def _part_by_barcode(session: Session, codes: list[str]) -> Part | None:
    return session.scalar(select(Part).join(PartBarcode).where(PartBarcode.code.in_(codes)).limit(1))


def resolve(session: Session, code: str) -> dict:
    if not isinstance(code, str) or not code.strip():
        raise ValidationError("code is empty", field="code")
    if len(code) > MAX_CODE:
        raise ValidationError(f"code is longer than {MAX_CODE} characters", field="code")
    c = classify(code)
    if c.kind == "invalid":
        raise ValidationError(f"unreadable code: {c.fields.get('reason')}", field="code")
    if c.kind == "mode":
        return {"kind": "mode", "mode": c.value}
    if c.kind == "bin":
        loc = session.scalar(select(Location).where(Location.code == c.value, Location.active.is_(True)))
        if loc is None:
            raise UnknownCode(f"no bin {c.value}", code=c.value)
        return {"kind": "location", "location": loc.code, "store": loc.store}
    if c.kind == "card":
        return {"kind": "card", "location": c.fields["location"], "part_number": c.fields["part_number"],
                "store": c.fields["store"]}
    if c.kind == "receipt":
        doc = get_document(session, c.value)
        if doc is None:
            raise UnknownCode(f"no receipt note {c.value}", code=c.value)
        return {"kind": "receipt", "doc_no": doc.doc_no}
    if c.kind in ("gs1", "gtin"):
        gtin = c.fields.get("gtin") if c.kind == "gs1" else c.value
        part = _part_by_barcode(session, _gtin_forms(gtin)) if gtin else None
        if part is None:
            raise UnknownCode(f"no part carries GTIN {gtin}", code=code.strip(), gtin=gtin)
        found = _part_dict(part, "gtin")
        if c.kind == "gs1":
            found["gs1"] = {k: v for k, v in c.fields.items() if k != "elements" and v is not None}
        return found
    if c.kind == "text":
        part = session.scalar(select(Part).where(Part.part_number == c.value, Part.active.is_(True)))
        if part is not None:
            return _part_dict(part, "part_number")
        part = _part_by_barcode(session, [c.value])
        if part is not None:
            return _part_dict(part, "barcode")
    raise UnknownCode(f"code {c.value!r} is not a known part, bin or document", code=c.value)


def scan_step(session: Session, *, code: str, mode: str, actor: str, location: str | None = None,
              to_location: str | None = None, qty: int = 1, device: str | None = None, document: str | None = None,
              idempotency_key: str | None = None, role: str | None = None, stocktake: int | None = None,
              label_printer: str | None = None) -> dict:
    """One scan on the scan page. Bins and mode codes only select; a part posts a move in the current mode (in
    count mode: adds to the count in the open stocktake); a bin card's code outside count mode confirms the card."""
    if mode not in MODES:
        raise ValidationError(f"mode must be one of {', '.join(MODES)}", field="mode")
    found = resolve(session, code)
    if found["kind"] == "card" and mode != "count":
        return cards.confirm_card(session, location=found["location"], part_number=found["part_number"],
                                  actor=actor, device=device, role=role)
    if found["kind"] != "part":
        return found
    if not location:
        raise ValidationError("scan a bin first", field="location")
    pn = found["part_number"]
    key = dict(actor=actor, device=device, idempotency_key=idempotency_key, role=role)
    if mode == "receive":
        posted = ledger.receive(session, part_number=pn, location=location, qty=qty, document=document, **key)
        if label_printer:  # the station prints a label for every unit received, in the same transaction
            job = printing.enqueue(session, template="part", copies=qty, actor=actor, printer_url=label_printer,
                                   items=[part_label(part_number=pn, name=found["name"], name_en=found["name_en"],
                                                     location=posted.location)])
            return {**found, "mode": mode, **posted.as_dict(), "print_job": job.id}
    elif mode == "issue":
        posted = ledger.issue(session, part_number=pn, location=location, qty=qty, **key)
    elif mode == "transfer":
        if not to_location:
            raise ValidationError("scan the destination bin first", field="to_location")
        posted = ledger.transfer(session, part_number=pn, from_location=location, to_location=to_location,
                                 qty=qty, **key)
    else:
        counted = stocktakes.count_scan(session, location=location, part_number=pn, qty=qty, actor=actor,
                                        stocktake=stocktake, device=device, role=role)
        return {**found, **counted}
    return {**found, "mode": mode, **posted.as_dict()}
