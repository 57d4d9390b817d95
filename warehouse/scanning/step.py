"""One scan on the scan page: select a bin, switch mode, confirm a bin card, post a move for a part, or (intake
mode) take a claim's failed part into a RETURNED bin."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import Session

from scanners.codes import classify
from warehouse.errors import ValidationError, WrongPart, WrongStore
from warehouse.ledger import services as ledger
from warehouse.limits import SCAN_MODES as MODES
from warehouse.printing import services as printing
from warehouse.printing.items import part_label
from warehouse.scanning.parts import by_part_number, by_part_number_in
from warehouse.scanning.registry import classified, lookup
from warehouse.orders import services as orders
from warehouse.stocktake import cards, services as stocktakes
from warehouse.warranty import services as warranty


def scan_step(session: Session, *, code: str, mode: str, actor: str, location: str | None = None,
              to_location: str | None = None, qty: int = 1, device: str | None = None, document: str | None = None,
              idempotency_key: str | None = None, role: str | None = None, stocktake: int | None = None,
              label_printer: str | None = None, claim: str | None = None, intake_qty: int | None = None) -> dict:
    """One scan on the scan page. Bins and mode codes only select; a part posts a move in the current mode (in
    count mode: adds to the count in the open stocktake); a bin card's code outside count mode confirms the card.
    In intake mode a claim tag is checked and held by the page (`claim`), and the bin scanned next takes it in."""
    if mode not in MODES:
        raise ValidationError(field="mode", reason="one_of", allowed=", ".join(MODES))
    found = _found(session, code, mode=mode, location=location, to_location=to_location)
    if found.data["kind"] == "location":
        extra = _check_bin(session, found.data, mode=mode, current=location, role=role, stocktake=stocktake,
                           claim=claim)
        if extra:
            return {**found.data, **extra}
    if mode == "pick":
        return _pick(session, found, code=code, order_no=document, location=location, qty=qty, actor=actor,
                     device=device, idempotency_key=idempotency_key, role=role)
    if mode == "intake":
        return _intake_step(session, found, claim=claim, qty=intake_qty, actor=actor, role=role, device=device,
                            idempotency_key=idempotency_key)
    if found.data["kind"] == "card" and mode != "count":
        return cards.confirm_card(session, location=found.data["location"], part_number=found.data["part_number"],
                                  actor=actor, device=device, role=role)
    if found.data["kind"] != "part":
        return found.data
    if not location:
        raise ValidationError(field="location", reason="required")
    pn = found.data["part_number"]
    # The part as resolved above: the ledger does not look it up again.
    key = dict(part=found.part, bins=found.bins, actor=actor, device=device, idempotency_key=idempotency_key,
               role=role)
    # The supplier's lot when the label is a GS1 string carrying AI 10: kept on the move (a receipt, or an issue to a
    # repair, so the lot follows the part), no extra statement.
    lot = (found.data.get("gs1") or {}).get("lot")
    if mode == "receive":
        posted = ledger.receive(session, part_number=pn, location=location, qty=qty, document=document, lot=lot,
                                **key)
        if label_printer:  # the station prints a label for every unit received, in the same transaction
            job = printing.enqueue(session, template="part", copies=qty, actor=actor, printer_url=label_printer,
                                   items=[part_label(part_number=pn, name=found.data["name"],
                                                     name_en=found.data["name_en"], location=posted.location)])
            return {**found.data, "mode": mode, **posted.as_dict(), "print_job": job.id}
    elif mode == "issue":
        posted = ledger.issue(session, part_number=pn, location=location, qty=qty, lot=lot, **key)
    elif mode == "transfer":
        if not to_location:
            raise ValidationError(field="to_location", reason="required")
        posted = ledger.transfer(session, part_number=pn, from_location=location, to_location=to_location,
                                 qty=qty, **key)
    else:
        counted = stocktakes.count_scan(session, location=location, part_number=pn, qty=qty, actor=actor,
                                        stocktake=stocktake, device=device, role=role)
        return {**found.data, **counted}
    return {**found.data, "mode": mode, **posted.as_dict()}


def _found(session: Session, code: str, *, mode: str, location, to_location):
    """What the code is. The usual scan — a plain part number, in a mode that posts a move at a bin already
    selected — reads the part and the step's bins in one statement; any other code, or a part number that is not
    one, goes through the resolvers (not the part number's again)."""
    c = classified(code)
    bins = (location, to_location) if mode == "transfer" and isinstance(to_location, str) else (location,)
    if c.kind != "text" or mode not in _POSTS or not all(isinstance(b, str) and b for b in bins):
        return lookup(session, c)
    return by_part_number_in(session, c, bins) or lookup(session, c, tried=by_part_number)


_POSTS = ("receive", "issue", "transfer")  # the modes whose part scan posts a move in the ledger
# The store a mode works in when a bin is scanned (None: either, the role's own).
_MODE_STORE = {"receive": "NEW", "pick": "NEW", "intake": "RETURNED"}


def _check_bin(session: Session, data: dict, *, mode: str, current: str | None, role: str | None,
               stocktake: int | None, claim: str | None) -> dict | None:
    """A bin is refused when it is scanned, not at the next part: a bin of the other store than the clerk's role or
    the mode works in, a transfer destination in another store than the source, a bin outside the stocktake being
    counted. No query but in count mode (the answer then says which stocktake covers the bin and whether it is
    done). Returns fields to add to the answer, or None."""
    code, store = data["location"], data["store"]
    # The ledger's one store rule, on what the resolver read (a code of bin syntax is a bin: create_bin).
    ledger.check_bin(SimpleNamespace(kind="bin", store=store, code=code), role)
    wanted = _MODE_STORE.get(mode)
    if mode == "receive" and store != "NEW":
        raise WrongStore(reason="returned_store", location=code, store=store)
    if wanted and store != wanted and not (mode == "intake" and claim):  # intake with a claim: the claim decides
        raise WrongStore(reason="outside_store", location=code, store=wanted)
    if mode == "transfer" and current and current.strip().upper() != code:
        source = classify(current).fields.get("store")  # a bin's letter is its store (create_bin checks it)
        if source and source != store:
            raise WrongStore(reason="different_stores", from_location=current.strip().upper(), location=code)
    if mode == "count":
        return stocktakes.bin_for_count(session, location=code, stocktake=stocktake, role=role)
    return None


def _pick(session: Session, found, *, code: str, order_no: str | None, location: str | None, **kw) -> dict:
    """Pick mode: an order (pick list) code selects the order, a bin code the bin; a part is picked from that bin
    for that order — anything not on the order is refused as `wrong_part` at the scan."""
    kind = found.data["kind"]
    if kind in ("order", "location", "mode"):
        return found.data
    if not order_no:
        raise ValidationError(field="document", reason="scan_order_first")
    if kind != "part":
        raise WrongPart(part_number=found.data.get("part_number") or code, order_no=order_no)
    if not location:
        raise ValidationError(field="location", reason="required")
    picked = orders.pick(session, order_no=order_no, code=code, location=location, part_ref=found.part, **kw)
    return {**found.data, "mode": "pick", **picked}
def _intake_step(session: Session, found, *, claim: str | None, qty: int | None, actor: str, role: str | None,
                 device: str | None, idempotency_key: str | None) -> dict:
    """Tag, then bin: the tag is refused at once when its claim cannot be taken in; the bin posts the intake of the
    claim the page holds (once, whatever the retries: the scan's key goes on the move)."""
    kind = found.data["kind"]
    if kind == "claim":
        warranty.ready_for_intake(session, claim_no=found.data["claim_no"])
        return {**found.data, "mode": "intake"}
    if kind == "part":
        raise ValidationError(field="code", reason="scan_claim_tag")
    if kind != "location" or not claim:
        return found.data
    taken = warranty.intake(session, claim_no=claim, location=found.data["location"], qty=qty, actor=actor,
                            role=role, device=device, idempotency_key=idempotency_key)
    return {"kind": "intake", "mode": "intake", **taken}
