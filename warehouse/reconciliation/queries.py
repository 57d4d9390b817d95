"""The reconciliation report: one row per bin–part with account, card, physical, status, cause and value.

One statement: balances ⋈ bins ⋈ parts ⟕ current count lines ⟕ valuation ⟕ the few (part, difference) pairs that
reveal a wrong bin, then one sort; the rows are read through Core and become dicts without ORM processing.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import Numeric, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.errors import ValidationError
from warehouse.ledger.models import Balance, Valuation
from warehouse.locations.models import STORES, Location
from warehouse.reconciliation import rules
from warehouse.stocktake.models import Stocktake, StocktakeBin, StocktakeLine
from warehouse.stocktake.queries import get_stocktake

L = StocktakeLine
LINE_COLUMNS = (L.id, L.location_id, L.part_id, L.physical, L.card, L.counter, L.counted_at, L.account_at_count,
                L.card_at_count, L.adjusted, L.state)


def _current_lines(store: str, stocktake_id: int | None):
    """The count lines that stand for the shelf: the stocktake's current lines, or, store-wide, the latest current
    line of each bin–part among the store's open stocktakes."""
    if stocktake_id is not None:
        return select(*LINE_COLUMNS).where(L.stocktake_id == stocktake_id, L.is_current.is_(True)).subquery("l")
    ranked = (select(*LINE_COLUMNS, func.row_number().over(partition_by=(L.location_id, L.part_id),
                                                           order_by=(L.counted_at.desc(), L.id.desc())).label("rn"))
              .join(Stocktake, Stocktake.id == L.stocktake_id)
              .where(Stocktake.state == "open", Stocktake.store == store, L.is_current.is_(True)).subquery())
    return select(ranked).where(ranked.c.rn == 1).subquery("l")


def _figures(*, store: str, stocktake: Stocktake | None, zone: str | None):
    """Per bin–part: account, card, physical (the count moved on by the moves since), difference and cost."""
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
    stmt = (select(b.part_id, p.part_number, p.name, p.name_en, loc.code.label("location"), loc.zone,
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
    return stmt.subquery("f")


def _report(f, opposite):
    """Status, cause and valued difference per row."""
    value = func.round(type_coerce(f.c.diff * f.c.avg_cost, Numeric(18, 6)), 2)
    return (select(f.c.part_number, f.c.name, f.c.name_en, f.c.location, f.c.zone, f.c.account, f.c.card,
                   f.c.physical, rules.status(f.c.account, f.c.card, f.c.physical).label("status"),
                   rules.cause(a=f.c.account, c=f.c.card, diff=f.c.diff, later=f.c.later,
                               opposite_found=opposite.c.part_id.is_not(None)).label("cause"),
                   type_coerce(value, Numeric(18, 2)).label("value_diff"), f.c.physical_counted,
                   f.c.later.label("moves_after_count"), f.c.counter, f.c.counted_at, f.c.line_id,
                   f.c.line_state)
            .outerjoin(opposite, and_(opposite.c.part_id == f.c.part_id, opposite.c.diff == -f.c.diff))
            .subquery("report"))


def _opposites(store: str, stocktake_id: int | None):
    """(part, shelf difference) of every counted line with a difference. A row whose part shows the opposite
    difference here was found in the wrong bin. The difference is the line's own (physical − account at count −
    posted adjustment), so this reads the few differing lines, not the whole view again."""
    line = _current_lines(store, stocktake_id)
    diff = line.c.physical - line.c.account_at_count - line.c.adjusted
    return select(line.c.part_id, diff.label("diff")).where(diff != 0).distinct().subquery("opposite")


def reconcile(session: Session, *, store: str | None = None, stocktake: int | None = None, status: str | None = None,
              zone: str | None = None, limit: int | None = None, offset: int = 0) -> dict:
    """Every bin–part of a store (or of a stocktake's scope; then `store` may be omitted) with its three numbers,
    and the number of rows and value of differences by status (over the whole view, whatever the page)."""
    if status is not None and status not in rules.STATUSES:
        raise ValidationError(f"status must be one of {', '.join(rules.STATUSES)}", field="status")
    st = get_stocktake(session, stocktake) if stocktake is not None else None
    store = store or (st.store if st else None)
    if store not in STORES:
        raise ValidationError(f"store must be one of {', '.join(STORES)}", field="store")
    if st is not None and st.store != store:
        raise ValidationError(f"stocktake {st.doc_no} counts the {st.store} store", field="stocktake")
    report = _report(_figures(store=store, stocktake=st, zone=zone), _opposites(store, st.id if st else None))
    stmt = select(report).order_by(report.c.location, report.c.part_number)
    whole = status is None and limit is None and not offset
    if status:
        stmt = stmt.where(report.c.status == status)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    result = session.connection().execute(stmt)
    keys = list(result.keys())
    rows = [dict(zip(keys, r)) for r in result.all()]
    if whole:  # the summary of what was just read; a page or a filtered view asks the database for it
        summary = Counter(r["status"] for r in rows)
        total = sum(r["value_diff"] for r in rows if r["value_diff"])
    else:
        agg = session.connection().execute(select(report.c.status, func.count(), func.sum(report.c.value_diff))
                              .group_by(report.c.status)).all()
        summary = Counter({s: n for s, n, _ in agg})
        total = sum(value for _, _, value in agg if value)
    return {"store": store, "stocktake": st.id if st else None, "stocktake_state": st.state if st else None,
            "summary": {s: summary[s] for s in rules.STATUSES}, "value_diff_total": f"{Decimal(total):.2f}",
            "rows": [_json(r) for r in rows]}


def _json(row: dict) -> dict:
    """Money as a decimal string, times as ISO 8601 (CONTRACT §4)."""
    if row["value_diff"] is not None:
        row["value_diff"] = f"{row['value_diff']:.2f}"
    if row["counted_at"] is not None:
        row["counted_at"] = row["counted_at"].isoformat()
    return row
