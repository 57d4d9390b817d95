"""Reads for order entry, the pick list, the shipper's lists and the daily checks (the shell has no SQL)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.search import suggest
from warehouse.db import utcnow
from warehouse.dealers.services import get_dealer, price_of
from warehouse.ledger.models import Balance
from warehouse.limits import SHIP_DUE_HOURS
from warehouse.locations.models import Location
from warehouse.orders.models import Order
from warehouse.orders.services import get_order


def order_dict(order: Order, *, lines: bool = True) -> dict:
    out = {"order_no": order.order_no, "status": order.status, "total": f"{order.total:.2f}",
           "dealer": order.dealer.code, "dealer_name": order.dealer.name, "channel": order.channel,
           "reference": order.reference, "written": order.written_at is not None,
           "credit_hold": order.credit_hold, "hold_reason": order.hold_reason, "backorder_of": order.backorder_of,
           "carrier": order.carrier, "waybill": order.waybill, "parcels": order.parcels,
           "invoice_no": order.invoice_no, "created_by": order.created_by, "created_at": order.created_at.isoformat(),
           "shipped_at": order.shipped_at.isoformat() if order.shipped_at else None}
    if lines:
        out["lines"] = [{"line_no": ln.line_no, "part_number": ln.part.part_number, "name": ln.part.name,
                         "qty": ln.qty, "picked": ln.picked, "unit_price": f"{ln.unit_price:.2f}",
                         "amount": f"{ln.qty * ln.unit_price:.2f}"} for ln in order.lines]
    return out


def show(session: Session, order_no: str) -> dict:
    return order_dict(get_order(session, order_no))


def list_orders(session: Session, *, status: str | None = None, dealer: str | None = None,
                limit: int = 100) -> list[dict]:
    q = select(Order).order_by(Order.id.desc()).limit(limit)
    if status:
        q = q.where(Order.status == status)
    if dealer:
        q = q.where(Order.dealer_id == get_dealer(session, dealer).id)
    return [order_dict(o, lines=False) for o in session.scalars(q)]


def _bins_holding(session: Session, part_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    rows = session.execute(select(Balance.part_id, Location.code, Balance.qty)
                           .join(Location, Location.id == Balance.location_id)
                           .where(Balance.part_id.in_(part_ids), Balance.qty > 0, Location.kind == "bin",
                                  Location.store == "NEW", Location.active.is_(True)))
    out: dict[int, list] = {}
    for r in rows:
        out.setdefault(r.part_id, []).append((r.code, r.qty))
    return out


def pick_list(session: Session, order_no: str) -> dict:
    """What to pick, walked in bin order (zone, aisle, level: the codes sort along the route). A line still open
    is placed at the first bin holding its part; one no bin holds comes last, marked short."""
    order = get_order(session, order_no)
    bins = _bins_holding(session, [ln.part_id for ln in order.lines])
    rows = []
    for ln in order.lines:
        held = sorted(bins.get(ln.part_id, []))
        rows.append({"line_no": ln.line_no, "part_number": ln.part.part_number, "name": ln.part.name,
                     "qty": ln.qty, "picked": ln.picked, "open": ln.qty - ln.picked,
                     "location": held[0][0] if held else None,
                     "bins": [{"location": c, "qty": q} for c, q in held]})
    rows.sort(key=lambda r: (r["open"] == 0, r["location"] is None, r["location"] or "", r["line_no"]))
    return {"order_no": order.order_no, "status": order.status, "dealer": order.dealer.code,
            "dealer_name": order.dealer.name, "lines": rows}


def on_hand_new(session: Session, part_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(Balance.part_id, func.sum(Balance.qty))
                           .join(Location, Location.id == Balance.location_id)
                           .where(Balance.part_id.in_(part_ids), Location.kind == "bin", Location.store == "NEW")
                           .group_by(Balance.part_id))
    return {pid: int(q or 0) for pid, q in rows}


def part_suggestions(session: Session, q: str, *, dealer: str | None = None, limit: int = 10) -> list[dict]:
    """Order entry's autocomplete: parts by number, name or pinyin initials, with availability in the NEW store,
    the dealer's price, and the successor (替代件) when the part is superseded or out of stock."""
    parts = suggest(session, q, limit=limit)
    level = get_dealer(session, dealer).price_level if dealer else None
    succ_ids = [p.superseded_by_id for p in parts if p.superseded_by_id]
    successors = {p.id: p for p in session.scalars(select(Part).where(Part.id.in_(succ_ids)))} if succ_ids else {}
    avail = on_hand_new(session, [p.id for p in parts] + list(successors))
    out = []
    for p in parts:
        s = successors.get(p.superseded_by_id)
        row = {"part_number": p.part_number, "name": p.name, "name_en": p.name_en, "unit": p.unit,
               "available": avail.get(p.id, 0), "price": f"{price_of(session, part=p, level=level):.2f}",
               "successor": None}
        if s is not None and s.active:
            row["successor"] = {"part_number": s.part_number, "name": s.name, "available": avail.get(s.id, 0)}
        out.append(row)
    return out


def backorders_ready(session: Session) -> list[dict]:
    """Backorders whose every open line the NEW store can now fill (stock arrived): ready to pick and ship."""
    orders = list(session.scalars(select(Order).where(Order.status == "backorder").order_by(Order.id)))
    avail = on_hand_new(session, list({ln.part_id for o in orders for ln in o.lines}))
    return [order_dict(o, lines=False) for o in orders
            if all(avail.get(ln.part_id, 0) >= ln.qty - ln.picked for ln in o.lines)]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


def shipment_register(session: Session, *, day: date) -> list[dict]:
    """商品每天发货记录清单: every order shipped that day, with its lines."""
    start, end = _day_bounds(day)
    q = select(Order).where(Order.shipped_at >= start, Order.shipped_at < end).order_by(Order.shipped_at)
    return [order_dict(o) for o in session.scalars(q)]


def late_orders(session: Session, *, now: datetime | None = None) -> list[dict]:
    """防止漏发迟发: released orders not shipped within SHIP_DUE_HOURS of their release."""
    cutoff = (now or utcnow()) - timedelta(hours=SHIP_DUE_HOURS)
    q = select(Order).where(Order.status.in_(("released", "picking", "picked", "backorder")),
                            Order.released_at < cutoff).order_by(Order.released_at)
    return [order_dict(o, lines=False) for o in session.scalars(q)]

