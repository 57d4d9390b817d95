"""The work waiting for each role, counted for the home page: a clerk's receipts and issues today and open stocktake
bins, the manager's approvals, the print queue's failures, the cards that disagree with the account, stock value
by store for finance, and the queues of the technicians, order clerks, shippers, agents and supervisors.

Reads only, one small aggregate per figure (an index on each filtered column), so the home page stays cheap. The
shell decides which figures a user sees (by permission); nothing here knows about roles.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased

from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.locations.models import Location
from warehouse.orders.models import DealerReturn, Order
from warehouse.orders.rules import PICKABLE
from warehouse.printing.models import PrintJob
from warehouse.service.models import Ticket
from warehouse.stocktake.models import Stocktake, StocktakeBin, StocktakeLine
from warehouse.warranty.models import Claim


def _start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.date(), time.min, tzinfo=now.tzinfo or timezone.utc)


def moves_today(session: Session, *, store: str | None, now: datetime) -> dict:
    """Receipts and issues posted today (lines and documents) into / out of `store`'s bins (every store: None)."""
    since = _start_of_day(now)
    dst, src = aliased(Location), aliased(Location)
    out = {}
    for kind, loc, col in (("receipt", dst, Move.to_location_id), ("issue", src, Move.from_location_id)):
        stmt = (select(func.count(Move.id), func.count(distinct(Move.doc_no)), func.coalesce(func.sum(Move.qty), 0))
                .join(loc, loc.id == col)
                .where(Move.created_at >= since, Move.doc_type == kind, Move.reverses_id.is_(None),
                       loc.kind == "bin"))
        if store:
            stmt = stmt.where(loc.store == store)
        lines, docs, qty = session.execute(stmt).one()
        out[kind] = {"lines": int(lines), "documents": int(docs), "qty": int(qty)}
    return out


def open_stocktakes(session: Session, *, store: str | None) -> dict:
    """Open stocktakes, their bins still to count, and counted lines waiting for the manager's approval."""
    stmt = select(func.count(Stocktake.id)).where(Stocktake.state == "open")
    bins = (select(func.count()).select_from(StocktakeBin).join(Stocktake, Stocktake.id == StocktakeBin.stocktake_id)
            .where(Stocktake.state == "open", StocktakeBin.done_at.is_(None)))
    lines = (select(func.count(StocktakeLine.id)).join(Stocktake, Stocktake.id == StocktakeLine.stocktake_id)
             .where(Stocktake.state == "open", StocktakeLine.state == "counted"))
    if store:
        stmt, bins, lines = (s.where(Stocktake.store == store) for s in (stmt, bins, lines))
    return {"open": session.scalar(stmt) or 0, "bins_to_count": session.scalar(bins) or 0,
            "lines_to_approve": session.scalar(lines) or 0}


def print_failures(session: Session) -> int:
    return session.scalar(select(func.count(PrintJob.id)).where(PrintJob.state == "failed")) or 0


def card_differences(session: Session) -> dict[str, int]:
    """Per store: bin × part balances whose bin card disagrees with the account (the reconciliation's summary)."""
    rows = session.execute(
        select(Location.store, func.count()).select_from(Balance).join(Location, Location.id == Balance.location_id)
        .where(Location.kind == "bin", Balance.qty != Balance.card_qty).group_by(Location.store)).all()
    return {store: int(n) for store, n in rows if store}


def stock_value(session: Session) -> list[dict]:
    """Quantity and value held per store (the moving-average valuation), in store order NEW, RETURNED."""
    rows = session.execute(select(Valuation.store, func.coalesce(func.sum(Valuation.qty), 0),
                                  func.coalesce(func.sum(Valuation.value), 0))
                           .group_by(Valuation.store).order_by(Valuation.store)).all()
    return [{"store": store, "qty": int(qty), "value": Decimal(value).quantize(Decimal("0.01"))}
            for store, qty, value in rows]


def claims_waiting(session: Session) -> dict[str, int]:
    """Claims by the step they wait at: filed (assessment), pending_quality, pending_manager."""
    rows = session.execute(select(Claim.status, func.count(Claim.id))
                           .where(Claim.status.in_(("filed", "pending_quality", "pending_manager")))
                           .group_by(Claim.status)).all()
    return {status: int(n) for status, n in rows}


def orders_waiting(session: Session) -> dict[str, int]:
    """Orders held on credit, waiting for their written copy, and to pick; dealer returns under negotiation."""
    rows = dict(session.execute(select(Order.status, func.count(Order.id))
                                .where(Order.status.in_(("held", "awaiting_written") + PICKABLE))
                                .group_by(Order.status)).all())
    negotiating = session.scalar(select(func.count(DealerReturn.id))
                                 .where(DealerReturn.status == "negotiating")) or 0
    return {"held": rows.get("held", 0), "awaiting_written": rows.get("awaiting_written", 0),
            "to_pick": sum(rows.get(s, 0) for s in PICKABLE), "returns_negotiating": negotiating}


def tickets_waiting(session: Session, *, technician: str | None = None, now: datetime) -> dict[str, int]:
    """Tickets not yet dispatched and overdue ones; with `technician`, that technician's open jobs instead."""
    active = Ticket.status.in_(("open", "dispatched", "arrived", "reopened"))
    if technician:
        mine = and_(active, Ticket.assignee_kind == "technician", Ticket.assignee == technician)
        return {"mine": session.scalar(select(func.count(Ticket.id)).where(mine)) or 0,
                "mine_overdue": session.scalar(select(func.count(Ticket.id)).where(
                    mine, Ticket.arrived_at.is_(None), Ticket.due_at < now)) or 0}
    return {"undispatched": session.scalar(select(func.count(Ticket.id)).where(
                or_(Ticket.status == "open", Ticket.status == "reopened"))) or 0,
            "overdue": session.scalar(select(func.count(Ticket.id)).where(
                active, Ticket.arrived_at.is_(None), Ticket.due_at < now)) or 0,
            "today": session.scalar(select(func.count(Ticket.id)).where(
                Ticket.created_at >= _start_of_day(now), Ticket.created_at < _start_of_day(now) + timedelta(days=1)))
            or 0}
