"""Dealer returns (经销商退货): registered by the order clerk or the shipper, classified at once (rules.return_reasons),
received by scanning into NEW bins, decided by a manager when abnormal, and credited with a credit note (session
first, keyword-only, flush but never commit).

Prices: a part returned against one of our shipments is credited at the price it was invoiced at (the order line's
price plus tax at the invoice's rate); a part we cannot trace to a shipment (accepted only by a manager's decision)
at the dealer's price now. Units come back into stock at the cost they left at (the shipment move's unit cost).
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from warehouse.catalog.queries import get_part
from warehouse.catalog.services import money
from warehouse.checks import text
from warehouse.db import utcnow
from warehouse.dealers import accounts
from warehouse.dealers.models import Invoice
from warehouse.dealers.services import counterparty_code, get_dealer, price_of
from warehouse.documents.services import day_number
from warehouse.errors import ValidationError, WrongPart, WrongStore
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Move
from warehouse.limits import MAX_ORDER_LINES, NOTE_LEN, RETURN_CONDITIONS, RETURN_DECISIONS, TAX_RATE
from warehouse.locations.models import Location
from warehouse.locations.services import virtual
from warehouse.orders import rules
from warehouse.orders.errors import OrderState, OverReceive, ReturnState, UnknownReturn
from warehouse.orders.models import DealerReturn, Order, DealerReturnLine
from warehouse.orders.services import get_order

_rline = DealerReturnLine.__table__


def _typed_lines(session: Session, lines) -> list[tuple]:
    """[(part, qty, condition)], one line per part (typed twice: added up; the worse condition wins)."""
    if not isinstance(lines, list) or not lines:
        raise ValidationError(field="lines", reason="required")
    if len(lines) > MAX_ORDER_LINES:
        raise ValidationError(field="lines", reason="too_large", max=MAX_ORDER_LINES)
    merged: dict[int, list] = {}
    for raw in lines:
        if not isinstance(raw, dict) or not isinstance(raw.get("part_number"), str):
            raise ValidationError(field="part_number", reason="required")
        part = get_part(session, raw["part_number"])
        qty = ledger.check_qty(raw.get("qty"))
        condition = raw.get("condition", "unused")
        if condition not in RETURN_CONDITIONS:
            raise ValidationError(field="condition", reason="one_of", allowed=", ".join(RETURN_CONDITIONS))
        if part.id in merged:
            merged[part.id][1] = ledger.check_qty(merged[part.id][1] + qty)
            if condition != "unused":
                merged[part.id][2] = condition
        else:
            merged[part.id] = [part, qty, condition]
    return [tuple(v) for v in merged.values()]


def _returnable(session: Session, order: Order, part_id: int) -> int:
    """Units of a part shipped on the order less those already on its other returns (rejected ones excepted)."""
    line = next((ln for ln in order.lines if ln.part_id == part_id), None)
    if line is None:
        return 0
    taken = session.scalar(select(func.coalesce(func.sum(DealerReturnLine.qty), 0)).join(DealerReturn)
                           .where(DealerReturn.order_no == order.order_no, DealerReturnLine.part_id == part_id,
                                  DealerReturn.status != "rejected"))
    return line.picked - int(taken)


def _shipped_cost(session: Session, order_no: str, part_id: int) -> Decimal | None:
    return session.scalar(select(Move.unit_cost).where(Move.doc_type == "shipment", Move.doc_no == order_no,
                                                       Move.part_id == part_id).limit(1))


def register_return(session: Session, *, dealer: str, lines, actor: str, window_days: int,
                    order_no: str | None = None, note: str | None = None, now: datetime | None = None
                    ) -> DealerReturn:
    """A dealer's return as announced: normal when every line was shipped to this dealer on `order_no` (not
    returned already), unused, and the shipment is at most `window_days` old; abnormal (negotiating) otherwise."""
    d = get_dealer(session, dealer)
    order = None
    if order_no is not None:
        order = get_order(session, order_no)
        if order.dealer_id != d.id:
            raise ValidationError(field="order_no", reason="other_dealers_order", order_no=order.order_no,
                                  dealer=d.code)
        if order.status != "shipped":
            raise OrderState(reason="not_shipped", order_no=order.order_no, status=order.status)
    typed = _typed_lines(session, lines)
    note = text(note, "note", NOTE_LEN)
    now = now or utcnow()
    ours = order is not None and all(qty <= _returnable(session, order, part.id) for part, qty, _ in typed)
    shipped_at = order.shipped_at if order is not None else None
    if shipped_at is not None and shipped_at.tzinfo is None:
        shipped_at = shipped_at.replace(tzinfo=timezone.utc)
    days = (now - shipped_at).days if shipped_at is not None else None
    reasons = rules.return_reasons(days_since_shipped=days, window_days=window_days,
                                   conditions=[c for _, _, c in typed], shipped_to_dealer=ours)
    ret = DealerReturn(return_no=day_number(session, "RT"), dealer_id=d.id,
                       order_no=order.order_no if order else None, kind="abnormal" if reasons else "normal",
                       reasons=",".join(reasons) or None, status="negotiating" if reasons else "awaiting_receipt",
                       note=note, created_by=actor, created_at=now)
    session.add(ret)
    session.flush()
    for n, (part, qty, condition) in enumerate(typed, 1):
        order_line = next((ln for ln in order.lines if ln.part_id == part.id), None) if order else None
        price = order_line.unit_price if order_line is not None else price_of(session, part=part,
                                                                                level=d.price_level)
        session.add(DealerReturnLine(return_id=ret.id, line_no=n, part_id=part.id, qty=qty, received=0,
                               condition=condition, unit_price=price,
                               unit_cost=_shipped_cost(session, order.order_no, part.id) if order_line else None))
    session.flush()
    return ret


def get_return(session: Session, return_no: str, *, lock: bool = False) -> DealerReturn:
    key = return_no.strip().upper() if isinstance(return_no, str) else None
    stmt = select(DealerReturn).where(DealerReturn.return_no == key)
    ret = session.scalar(stmt.with_for_update() if lock else stmt)
    if ret is None:
        raise UnknownReturn(return_no=return_no)
    return ret


def _tax_rate(session: Session, ret: DealerReturn) -> Decimal:
    rate = session.scalar(select(Invoice.tax_rate).where(Invoice.order_no == ret.order_no)) \
        if ret.order_no else None
    return rate if rate is not None else TAX_RATE


def _credit(session: Session, ret: DealerReturn, *, actor: str) -> None:
    """The credit note: the value at the invoiced prices with tax (a credit line), less the restocking charge
    (a debit line of its own, so the dealer's statement shows both)."""
    rate = _tax_rate(session, ret)
    value = rules.return_credit([(ln.qty, ln.unit_price, rate) for ln in ret.lines])
    ret.credit_no = day_number(session, "CN")
    ret.credit_amount = value
    accounts.post_entry(session, dealer=ret.dealer, kind="return_credit", source=ret.credit_no, amount=-value,
                        actor=actor, note=ret.return_no)
    if ret.restocking_charge:
        today = utcnow().date()
        accounts.post_entry(session, dealer=ret.dealer, kind="return_charge", source=ret.credit_no,
                            amount=ret.restocking_charge, actor=actor, note=ret.return_no, due_on=today)


def receive_return(session: Session, *, return_no: str, code: str, location: str, qty: int, actor: str,
                   role: str | None = None, device: str | None = None, idempotency_key: str | None = None) -> dict:
    """One scan of a returned part back into a NEW bin (from the dealer's counterparty). When every unit is back,
    the return is `received` and credited."""
    ledger.check_qty(qty)
    ret = get_return(session, return_no, lock=True)
    if ret.status != "awaiting_receipt":
        raise ReturnState(reason="not_receivable", return_no=ret.return_no, status=ret.status)
    from warehouse.scanning.registry import lookup  # the scan registry imports order modules for pick mode

    found = lookup(session, code)
    if found.data["kind"] != "part":
        raise WrongPart(reason="return", part_number=found.data.get("code") or code, return_no=ret.return_no)
    part_ref = found.part or ledger.part_ref(session, found.data["part_number"])
    line = next((ln for ln in ret.lines if ln.part_id == part_ref.id), None)
    if line is None:
        raise WrongPart(reason="return", part_number=part_ref.part_number, return_no=ret.return_no)
    bin_ = ledger.bin_ref(session, location, role=role)
    if bin_.store != "NEW":
        raise WrongStore(reason="outside_store", location=bin_.code, store="NEW")
    got = session.execute(update(_rline).where(_rline.c.id == line.id, _rline.c.received + qty <= _rline.c.qty)
                          .values(received=_rline.c.received + qty).returning(_rline.c.received)).scalar()
    if got is None:
        session.refresh(line)
        raise OverReceive(part_number=part_ref.part_number, return_no=ret.return_no, qty=line.qty,
                          received=line.received, requested=qty)
    src = session.scalar(select(Location).where(Location.code == counterparty_code(ret.dealer.code)))
    move = ledger.post_move(session, part=part_ref, qty=qty, src=src, dst=bin_, doc_type="dealer_return",
                            doc_no=ret.return_no, actor=actor, device=device, unit_cost=line.unit_cost,
                            idempotency_key=idempotency_key)
    session.refresh(line)
    session.expire(ret, ["lines"])
    if all(ln.received >= ln.qty for ln in ret.lines):
        ret.status, ret.received_at = "received", utcnow()
        _credit(session, ret, actor=actor)
    session.flush()
    return {"return_no": ret.return_no, "status": ret.status, "part_number": part_ref.part_number,
            "location": bin_.code, "qty": qty, "received": got, "expected": line.qty,
            "qty_on_hand": move.on_hand[bin_.id], "credit_no": ret.credit_no}


def decide(session: Session, *, return_no: str, decision: str, actor: str, restocking_charge=None,
           note: str | None = None) -> DealerReturn:
    """A manager's decision on an abnormal return: accept (it is then received by scanning and credited less the
    restocking charge), reject (sent back; nothing moves, no credit) or scrap (its units go from the dealer to
    @SCRAP and it is credited less the charge now)."""
    ret = get_return(session, return_no, lock=True)
    if decision not in RETURN_DECISIONS:
        raise ValidationError(field="decision", reason="one_of", allowed=", ".join(RETURN_DECISIONS))
    charge = None
    if restocking_charge is not None:
        if decision == "reject":
            raise ValidationError(field="restocking_charge", reason="not_with_reject")
        charge = money(restocking_charge, "restocking_charge")
        if charge < 0:
            raise ValidationError(field="restocking_charge", reason="not_positive")
    note = text(note, "note", NOTE_LEN)
    if ret.status != "negotiating":
        raise ReturnState(reason="not_negotiating", return_no=ret.return_no, status=ret.status)
    value = rules.return_credit([(ln.qty, ln.unit_price, _tax_rate(session, ret)) for ln in ret.lines])
    if charge is not None and charge > value:
        raise ValidationError(field="restocking_charge", reason="too_large", max=f"{value:.2f}")
    ret.decision, ret.decision_note, ret.decided_by, ret.decided_at = decision, note, actor, utcnow()
    ret.restocking_charge = charge or None
    if decision == "accept":
        ret.status = "awaiting_receipt"
    elif decision == "reject":
        ret.status = "rejected"
    else:
        src = session.scalar(select(Location).where(Location.code == counterparty_code(ret.dealer.code)))
        scrap = virtual(session, "@SCRAP")
        for ln in ret.lines:
            ledger.post_move(session, part=ln.part, qty=ln.qty, src=src, dst=scrap, doc_type="dealer_return",
                             doc_no=ret.return_no, actor=actor, unit_cost=ln.unit_cost)
        ret.status = "scrapped"
        _credit(session, ret, actor=actor)
    session.flush()
    return ret
