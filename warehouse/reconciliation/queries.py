"""The reconciliation report: one row per bin–part with account, card, physical, status, cause and value."""
from __future__ import annotations

from sqlalchemy import Numeric, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.errors import ValidationError
from warehouse.ledger.models import Balance, Valuation
from warehouse.locations.models import STORES, Location
from warehouse.reconciliation import rules
from warehouse.stocktake.models import Stocktake, StocktakeBin, StocktakeLine
from warehouse.stocktake.queries import get_stocktake

COLUMNS = ("part_number", "name", "name_en", "location", "zone", "account", "card", "physical", "status", "cause",
           "value_diff", "physical_counted", "moves_after_count", "counter", "counted_at", "line_id", "line_state")


def _current_lines(store: str, stocktake_id: int | None):
    """The count lines that stand for the shelf: the stocktake's current lines, or, store-wide, the latest current
    line of each bin–part among the store's open stocktakes."""
    L = StocktakeLine
    if stocktake_id is not None:
        return select(L).where(L.stocktake_id == stocktake_id, L.is_current.is_(True)).subquery("l")
    ranked = (select(L, func.row_number().over(partition_by=(L.location_id, L.part_id),
                                               order_by=(L.counted_at.desc(), L.id.desc())).label("rn"))
              .join(Stocktake, Stocktake.id == L.stocktake_id)
              .where(Stocktake.state == "open", Stocktake.store == store, L.is_current.is_(True)).subquery())
    return select(ranked).where(ranked.c.rn == 1).subquery("l")


def _rows(session: Session, *, store: str, stocktake: Stocktake | None, zone: str | None):
    """The per-row figures, before status and cause (a CTE: the cause looks across rows for wrong bins)."""
    b, loc, p, v = Balance, Location, Part, Valuation
    line = _current_lines(store, stocktake.id if stocktake else None)
    # Net moves since the count, excluding the count's own adjustment: projects the count to today.
    later = b.qty - line.c.account_at_count - line.c.adjusted
    physical = line.c.physical + later
    # A typed (paper) card counts as of the count, moved on by the confirmations since; an approved line's card is
    # the maintained one.
    card = case((and_(line.c.card.is_not(None), line.c.state != "approved"),
                 line.c.card + b.card_qty - line.c.card_at_count), else_=b.card_qty)
    avg_cost = case((v.qty > 0, type_coerce(v.value, Numeric(18, 6)) / v.qty), else_=p.standard_cost)
    stmt = (select(p.id.label("part_id"), p.part_number, p.name, p.name_en, loc.code.label("location"), loc.zone,
                   b.qty.label("account"), card.label("card"), physical.label("physical"),
                   (physical - b.qty).label("diff"), later.label("later"), avg_cost.label("avg_cost"),
                   line.c.physical.label("physical_counted"), line.c.counter, line.c.counted_at,
                   line.c.id.label("line_id"), line.c.state.label("line_state"))
            .select_from(b)
            .join(loc, loc.id == b.location_id)
            .join(p, p.id == b.part_id)
            .outerjoin(line, and_(line.c.location_id == b.location_id, line.c.part_id == b.part_id))
            .outerjoin(v, and_(v.part_id == b.part_id, v.store == store))
            .where(loc.kind == "bin", loc.store == store,
                   or_(b.qty != 0, b.card_qty != 0, line.c.id.is_not(None))))
    if stocktake is not None:
        stmt = stmt.join(StocktakeBin, and_(StocktakeBin.location_id == b.location_id,
                                            StocktakeBin.stocktake_id == stocktake.id))
        if stocktake.category:
            stmt = stmt.where(p.category == stocktake.category)
    if zone:
        stmt = stmt.where(loc.zone == zone.strip().upper())
    return stmt.cte("base")


def _report(base):
    """Status, cause and valued difference per row."""
    opposite = (select(base.c.part_id, base.c.diff).where(base.c.diff != 0).distinct().subquery("opposite"))
    found = opposite.c.part_id.is_not(None)
    status = rules.status(base.c.account, base.c.card, base.c.physical)
    cause = rules.cause(a=base.c.account, c=base.c.card, diff=base.c.diff, later=base.c.later, opposite_found=found)
    value = func.round(type_coerce(base.c.diff * base.c.avg_cost, Numeric(18, 6)), 2)
    return (select(base.c.part_number, base.c.name, base.c.name_en, base.c.location, base.c.zone, base.c.account,
                   base.c.card, base.c.physical, status.label("status"), cause.label("cause"),
                   type_coerce(value, Numeric(18, 2)).label("value_diff"), base.c.physical_counted,
                   base.c.later.label("moves_after_count"), base.c.counter, base.c.counted_at, base.c.line_id,
                   base.c.line_state)
            .outerjoin(opposite, and_(opposite.c.part_id == base.c.part_id, opposite.c.diff == -base.c.diff))
            .subquery("report"))


def reconcile(session: Session, *, store: str | None = None, stocktake: int | None = None, status: str | None = None,
              zone: str | None = None, limit: int | None = None, offset: int = 0) -> dict:
    """Every bin–part of a store (or of a stocktake's scope; then `store` may be omitted) with its three numbers,
    and the number of rows and value of differences by status."""
    if status is not None and status not in rules.STATUSES:
        raise ValidationError(f"status must be one of {', '.join(rules.STATUSES)}", field="status")
    st = get_stocktake(session, stocktake) if stocktake is not None else None
    store = store or (st.store if st else None)
    if store not in STORES:
        raise ValidationError(f"store must be one of {', '.join(STORES)}", field="store")
    if st is not None and st.store != store:
        raise ValidationError(f"stocktake {st.doc_no} counts the {st.store} store", field="stocktake")
    report = _report(_rows(session, store=store, stocktake=st, zone=zone))
    summary = {s: 0 for s in rules.STATUSES}
    total = 0
    for s, n, value in session.execute(select(report.c.status, func.count(), func.sum(report.c.value_diff))
                                       .group_by(report.c.status)):
        summary[s] = n
        total += value or 0
    stmt = select(report).order_by(report.c.location, report.c.part_number)
    if status:
        stmt = stmt.where(report.c.status == status)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = [
        {**r._asdict(), "value_diff": None if r.value_diff is None else f"{r.value_diff:.2f}",
         "counted_at": r.counted_at.isoformat() if r.counted_at else None}
        for r in session.execute(stmt)
    ]
    return {"store": store, "stocktake": st.id if st else None, "stocktake_state": st.state if st else None,
            "summary": summary, "value_diff_total": f"{total:.2f}", "rows": rows}
