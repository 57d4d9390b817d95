"""Order use cases: place, record the written copy, release a credit hold, pick, ship (session first,
keyword-only, flush but never commit)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warehouse.attachments.models import Attachment
from warehouse.catalog.queries import get_part
from warehouse.checks import text
from warehouse.db import utcnow
from warehouse.dealers import accounts
from warehouse.dealers.errors import DealerBlocked
from warehouse.dealers.services import counterparty_code, get_dealer, price_of
from warehouse.errors import ValidationError, WrongPart, WrongStore
from warehouse.documents.services import day_number
from warehouse.ledger import services as ledger
from warehouse.limits import MAX_ORDER_LINES, ORDER_CHANNELS, REFERENCE_LEN, TAX_RATE
from warehouse.locations.models import Location
from warehouse.orders import rules
from warehouse.orders.errors import OrderState, OverPick, UnknownOrder
from warehouse.orders.models import Order, OrderLine

PACKING = "@PACKING"  # picked units wait here, still in the NEW store, until they ship
_line = OrderLine.__table__


def _cents(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _lines(session: Session, lines) -> list[tuple]:
    """[(part, qty)] with one line per part (a part typed twice is added up), in the order first typed."""
    if not isinstance(lines, list) or not lines:
        raise ValidationError(field="lines", reason="required")
    if len(lines) > MAX_ORDER_LINES:
        raise ValidationError(field="lines", reason="too_large", max=MAX_ORDER_LINES)
    merged: dict[int, list] = {}
    for raw in lines:
        if not isinstance(raw, dict):
            raise ValidationError(field="lines", reason="schema", fields="lines")
        part = get_part(session, raw.get("part_number")) if isinstance(raw.get("part_number"), str) else None
        if part is None:
            raise ValidationError(field="part_number", reason="required")
        qty = ledger.check_qty(raw.get("qty"))
        if part.id in merged:
            merged[part.id][1] = ledger.check_qty(merged[part.id][1] + qty)
        else:
            merged[part.id] = [part, qty]
    return [tuple(v) for v in merged.values()]


def place_order(session: Session, *, dealer: str, lines, channel: str, actor: str,
                reference: str | None = None, note: str | None = None) -> Order:
    """An order as the clerk takes it: priced from the dealer's level, credit-checked, held or waiting for its
    written copy as the rules say. A blocked dealer is refused before anything is written."""
    d = get_dealer(session, dealer)
    if d.blocked:
        raise DealerBlocked(dealer=d.code)
    if channel not in ORDER_CHANNELS:
        raise ValidationError(field="channel", reason="one_of", allowed=", ".join(ORDER_CHANNELS))
    reference = text(reference, "reference", REFERENCE_LEN)
    priced = [(part, qty, price_of(session, part=part, level=d.price_level)) for part, qty in _lines(session, lines)]
    net = sum((qty * price for _, qty, price in priced), Decimal("0"))
    total = net + _cents(net * TAX_RATE)
    balance, overdue = accounts.standing(session, d)
    hold = rules.credit_fails(balance=balance, order_total=total, credit_limit=d.credit_limit, overdue=overdue)
    # The written order is authoritative: a fax or chat order is its own written copy; a phone order needs one.
    written = channel != "phone" or reference is not None
    status = rules.entry_status(credit_hold=hold is not None, written=written)
    now = utcnow()
    order = Order(order_no=day_number(session, "SO"), dealer_id=d.id, channel=channel, reference=reference,
                  written_at=now if written else None, credit_hold=hold is not None, hold_reason=hold, status=status,
                  total=total, note=note, created_by=actor, released_at=now if status == "released" else None)
    session.add(order)
    session.flush()
    for n, (part, qty, price) in enumerate(priced, 1):
        session.add(OrderLine(order_id=order.id, line_no=n, part_id=part.id, qty=qty, unit_price=price, picked=0))
    session.flush()
    return order


def get_order(session: Session, order_no: str, *, lock: bool = False) -> Order:
    stmt = select(Order).where(Order.order_no == (order_no.strip().upper() if isinstance(order_no, str) else None))
    order = session.scalar(stmt.with_for_update() if lock else stmt)
    if order is None:
        raise UnknownOrder(order_no=order_no)
    return order


def _after_entry_change(order: Order) -> None:
    if order.status in ("held", "awaiting_written"):
        order.status = rules.entry_status(credit_hold=order.credit_hold, written=order.written_at is not None)
        if order.status == "released" and order.released_at is None:
            order.released_at = utcnow()


def record_written(session: Session, *, order_no: str, actor: str, reference: str | None = None) -> Order:
    """The written copy arrived: its fax/chat reference, or (no reference) an image already attached to the
    order. Recorded once; the order then goes on unless a credit hold remains."""
    order = get_order(session, order_no, lock=True)
    reference = text(reference, "reference", REFERENCE_LEN)
    if order.written_at is not None:
        raise OrderState(reason="already_written", order_no=order.order_no, status=order.status)
    if reference is None:
        image = session.scalar(select(Attachment.id).where(Attachment.owner_kind == "order",
                                                           Attachment.owner_key == order.order_no,
                                                           Attachment.deleted_at.is_(None)).limit(1))
        if image is None:
            raise ValidationError(field="reference", reason="written_copy_missing")
    else:
        order.reference = reference
    order.written_at = utcnow()
    _after_entry_change(order)
    session.flush()
    return order


def release(session: Session, *, order_no: str, actor: str) -> Order:
    """A manager lifts the credit hold (the order then still waits for its written copy if it has none)."""
    order = get_order(session, order_no, lock=True)
    if order.status != "held":
        raise OrderState(reason="not_held", order_no=order.order_no, status=order.status)
    order.credit_hold, order.released_by = False, actor
    _after_entry_change(order)
    session.flush()
    return order


def packing(session: Session) -> Location:
    loc = session.scalar(select(Location).where(Location.code == PACKING))
    if loc is None:
        try:
            with session.begin_nested():
                loc = Location(code=PACKING, kind="transit", store="NEW", name="packing area")
                session.add(loc)
        except IntegrityError:
            loc = session.scalar(select(Location).where(Location.code == PACKING))
    return loc


def pick(session: Session, *, order_no: str, code: str, location: str, qty: int, actor: str,
         role: str | None = None, device: str | None = None, idempotency_key: str | None = None,
         part_ref=None) -> dict:
    """One pick scan: the part (any code it carries) out of a NEW bin onto the order's packing. A part not on the
    order is `wrong_part`; more than the line still needs is `over_pick`; a bin short of it `insufficient_stock`."""
    ledger.check_qty(qty)
    order = get_order(session, order_no, lock=True)
    if order.status == "shipped":
        raise OrderState(reason="shipped", order_no=order.order_no, status=order.status)
    if order.status not in rules.PICKABLE:
        raise OrderState(reason="not_released", order_no=order.order_no, status=order.status)
    if part_ref is None:
        from warehouse.scanning.registry import lookup  # the scan registry imports this module for pick mode

        found = lookup(session, code)
        if found.data["kind"] != "part":
            raise WrongPart(part_number=found.data.get("code") or code, order_no=order.order_no)
        part_ref = found.part or ledger.part_ref(session, found.data["part_number"])
    line = next((ln for ln in order.lines if ln.part_id == part_ref.id), None)
    if line is None:
        raise WrongPart(part_number=part_ref.part_number, order_no=order.order_no)
    bin_ = ledger.bin_ref(session, location, role=role)
    if bin_.store != "NEW":
        raise WrongStore(reason="outside_store", location=bin_.code, store="NEW")
    picked = session.execute(update(_line).where(_line.c.id == line.id, _line.c.picked + qty <= _line.c.qty)
                             .values(picked=_line.c.picked + qty).returning(_line.c.picked)).scalar()
    if picked is None:
        session.refresh(line)
        raise OverPick(part_number=part_ref.part_number, order_no=order.order_no, ordered=line.qty,
                       picked=line.picked, requested=qty)
    move = ledger.post_move(session, part=part_ref, qty=qty, src=bin_, dst=packing(session), doc_type="pick",
                            doc_no=order.order_no, actor=actor, device=device, idempotency_key=idempotency_key)
    session.refresh(line)
    order.status = rules.pick_status([(ln.qty, ln.picked) for ln in order.lines])
    session.flush()
    return {"order_no": order.order_no, "status": order.status, "part_number": part_ref.part_number,
            "name": part_ref.name, "location": bin_.code, "qty": qty, "picked": picked, "ordered": line.qty,
            "qty_on_hand": move.on_hand[bin_.id], "move_id": move.id}


def ship(session: Session, *, order_no: str, actor: str, carrier: str | None = None, waybill: str | None = None,
         parcels: int | None = None) -> Order:
    """Ship what was picked: from the packing area to the dealer, invoiced at the order's prices with tax; a line
    picked short leaves a backorder. Once per order (the order row is locked and its status checked)."""
    order = get_order(session, order_no, lock=True)
    if order.status == "shipped":
        raise OrderState(reason="shipped", order_no=order.order_no, status=order.status)
    if order.status not in rules.SHIPPABLE:
        raise OrderState(reason="not_picked", order_no=order.order_no, status=order.status)
    for field, value, n in (("carrier", carrier, 64), ("waybill", waybill, 64)):
        if value is not None and (not isinstance(value, str) or len(value) > n):
            raise ValidationError(field=field, reason="too_long", max=n)
    if parcels is not None and (isinstance(parcels, bool) or not isinstance(parcels, int) or not 1 <= parcels <= 999):
        raise ValidationError(field="parcels", reason="out_of_range", min=1, max=999)
    dealer = order.dealer
    src = packing(session)
    dst = session.scalar(select(Location).where(Location.code == counterparty_code(dealer.code)))
    net, short = Decimal("0"), []
    for ln in order.lines:
        if ln.picked:
            ledger.post_move(session, part=ln.part, qty=ln.picked, src=src, dst=dst, doc_type="shipment",
                             doc_no=order.order_no, actor=actor)
            net += ln.picked * ln.unit_price
        if ln.picked < ln.qty:
            short.append((ln, ln.qty - ln.picked))
    inv = accounts.invoice(session, dealer=dealer, order_no=order.order_no, net=net, tax_rate=TAX_RATE, actor=actor)
    now = utcnow()
    order.status, order.shipped_at, order.shipped_by = "shipped", now, actor
    order.carrier, order.waybill, order.parcels, order.invoice_no = carrier, waybill, parcels, inv.invoice_no
    if short:
        _backorder(session, order, short, actor)
    session.flush()
    return order


def _backorder(session: Session, order: Order, short: list, actor: str) -> Order:
    """What a short shipment left, as an order of its own at the same prices, already written and released from
    credit (the dealer's order was accepted): it waits in `backorder` until stock arrives and is picked."""
    net = sum((qty * ln.unit_price for ln, qty in short), Decimal("0"))
    now = utcnow()
    bo = Order(order_no=day_number(session, "SO"), dealer_id=order.dealer_id, channel=order.channel,
               reference=order.reference, written_at=now, credit_hold=False, status="backorder",
               total=net + _cents(net * TAX_RATE), backorder_of=order.order_no, created_by=actor, released_at=now)
    session.add(bo)
    session.flush()
    for n, (ln, qty) in enumerate(short, 1):
        session.add(OrderLine(order_id=bo.id, line_no=n, part_id=ln.part_id, qty=qty, unit_price=ln.unit_price,
                              picked=0))
    return bo
