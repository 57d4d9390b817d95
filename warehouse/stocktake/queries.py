"""Reads of stocktakes for counters and managers. Blind: nothing here shows an expected quantity unless asked to
`reveal` it (a stocktake opened as not blind, or a reader who may see the reconciliation)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.ledger.models import Balance
from warehouse.locations.models import Location
from warehouse.stocktake.errors import NotInStocktake, UnknownStocktake
from warehouse.stocktake.models import Stocktake, StocktakeBin, StocktakeLine


def get_stocktake(session: Session, stocktake_id: int) -> Stocktake:
    st = session.get(Stocktake, stocktake_id) if isinstance(stocktake_id, int) else None
    if st is None:
        raise UnknownStocktake(stocktake=stocktake_id)
    return st


def stocktake_dict(st: Stocktake) -> dict:
    return {"id": st.id, "doc_no": st.doc_no, "store": st.store, "state": st.state, "scope": st.scope,
            "category": st.category, "blind": st.blind, "note": st.note, "opened_by": st.opened_by,
            "opened_at": st.opened_at.isoformat(), "approved_by": st.approved_by,
            "approved_at": st.approved_at.isoformat() if st.approved_at else None}


def line_dict(line: StocktakeLine) -> dict:
    """A count as its counter may see it: what was counted, never what was expected."""
    return {"line_id": line.id, "stocktake": line.stocktake_id, "part_number": line.part.part_number,
            "location": line.location.code, "physical": line.physical, "card": line.card, "counter": line.counter,
            "counted_at": line.counted_at.isoformat(), "state": line.state, "recount_of": line.recount_of}


def list_stocktakes(session: Session, *, store: str | None = None, state: str | None = None,
                    limit: int = 100) -> list[dict]:
    stmt = select(Stocktake).order_by(Stocktake.id.desc()).limit(limit)
    if store:
        stmt = stmt.where(Stocktake.store == store)
    if state:
        stmt = stmt.where(Stocktake.state == state)
    return [stocktake_dict(st) for st in session.scalars(stmt)]


def _uncounted(st: Stocktake):
    """Per bin of the stocktake: the parts the ledger or the card expects there that nobody counted yet — what
    "Bin done" would count as 0 (the same selection as `services.finish_bin`). A number of parts, not of units."""
    line = select(StocktakeLine.id).where(StocktakeLine.stocktake_id == st.id,
                                          StocktakeLine.location_id == Balance.location_id,
                                          StocktakeLine.part_id == Balance.part_id)
    stmt = (select(Balance.location_id, func.count().label("n"))
            .join(StocktakeBin, (StocktakeBin.location_id == Balance.location_id)
                  & (StocktakeBin.stocktake_id == st.id))
            .where((Balance.qty != 0) | (Balance.card_qty != 0), ~line.exists()))
    if st.category:
        stmt = stmt.join(Part, Part.id == Balance.part_id).where(Part.category == st.category)
    return stmt.group_by(Balance.location_id).subquery()


def _bins(st: Stocktake):
    counted = (select(StocktakeLine.location_id, func.count().label("n"))
               .where(StocktakeLine.stocktake_id == st.id, StocktakeLine.is_current.is_(True))
               .group_by(StocktakeLine.location_id).subquery())
    uncounted = _uncounted(st)
    return (select(Location.code, Location.zone, StocktakeBin.done_by, StocktakeBin.done_at,
                   func.coalesce(counted.c.n, 0).label("lines"), func.coalesce(uncounted.c.n, 0).label("uncounted"))
            .join(StocktakeBin, StocktakeBin.location_id == Location.id)
            .outerjoin(counted, counted.c.location_id == Location.id)
            .outerjoin(uncounted, uncounted.c.location_id == Location.id)
            .where(StocktakeBin.stocktake_id == st.id).order_by(Location.code))


def _bin_dict(r) -> dict:
    return {"location": r.code, "zone": r.zone, "lines": r.lines, "uncounted": r.uncounted, "done_by": r.done_by,
            "done_at": r.done_at.isoformat() if r.done_at else None}


def bin_status(session: Session, st: Stocktake, code: str) -> dict:
    """One bin of a stocktake as the sheet lists it: current counts, parts not counted yet, done by whom."""
    row = session.execute(_bins(st).where(Location.code == (code or "").strip().upper())).first()
    if row is None:
        raise NotInStocktake(location=code, doc_no=st.doc_no)
    return {"stocktake": st.id, "state": st.state, **_bin_dict(row)}


def sheet(session: Session, st: Stocktake, *, reveal: bool, zone: str | None = None) -> dict:
    """The count sheet: bins in scope with their progress (and the parts not counted yet in each: what "Bin done"
    would count as 0), the current counts, and — only when `reveal` — the quantities the ledger expects."""
    bins = _bins(st)
    lines = (select(StocktakeLine).join(Location, Location.id == StocktakeLine.location_id)
             .where(StocktakeLine.stocktake_id == st.id, StocktakeLine.is_current.is_(True))
             .order_by(Location.code, StocktakeLine.id))
    if zone:
        bins, lines = bins.where(Location.zone == zone), lines.where(Location.zone == zone)
    rows = session.execute(bins).all()
    current = list(session.scalars(lines))
    out = {**stocktake_dict(st),
           "bins": [_bin_dict(r) for r in rows],
           "lines": [line_dict(line) for line in current],
           "progress": {"bins": len(rows), "done": sum(1 for r in rows if r.done_at)}}
    if reveal:  # beside each count, the account when it was counted and the variance (counted − account)
        for shown, line in zip(out["lines"], current):
            shown["account"] = line.account_at_count
            shown["variance"] = line.physical - line.account_at_count
        expected = (select(Location.code, Part.part_number, Balance.qty)
                    .join(Balance, Balance.location_id == Location.id).join(Part, Part.id == Balance.part_id)
                    .join(StocktakeBin, StocktakeBin.location_id == Location.id)
                    .where(StocktakeBin.stocktake_id == st.id, Balance.qty != 0)
                    .order_by(Location.code, Part.part_number))
        if st.category:
            expected = expected.where(Part.category == st.category)
        if zone:
            expected = expected.where(Location.zone == zone)
        out["expected"] = [{"location": r.code, "part_number": r.part_number, "qty": r.qty}
                           for r in session.execute(expected)]
    return out
