"""The reconciliation report: one row per bin–part with account, card, physical, status, cause and value.

One statement: balances ⋈ bins ⋈ parts ⟕ current count lines ⟕ valuation, an index look-up for the few rows with
a shelf difference (wrong bin?), one sort; the rows are read through Core and become dicts without ORM processing.
"""
from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from warehouse.catalog.models import Part
from warehouse.errors import ValidationError
from warehouse.ledger.cost import sql_cents, sql_moving_average, sql_money
from warehouse.ledger.models import Balance, Valuation
from warehouse.locations.models import COUNTED_KINDS, STORES, Location
from warehouse.reconciliation import rules
from warehouse.stocktake.models import Stocktake, StocktakeBin, StocktakeLine
from warehouse.stocktake.queries import get_stocktake


def _in_view(line, store: str, stocktake_id: int | None):
    """SQL: `line` (an alias of the count lines) stands for the shelf in this view — a current line of the stocktake,
    or, store-wide, the pending count (counted, or awaiting its recount) of the store's open stocktakes: a count
    supersedes the bin–part's pending count in every other open stocktake, so there is at most one, and approved
    lines are in the ledger already. Join conditions, not a derived table, so both databases look lines up by index
    instead of materialising them."""
    if stocktake_id is not None:
        return and_(line.stocktake_id == stocktake_id, line.is_current.is_(True))
    return and_(line.is_current.is_(True), line.state.in_(("counted", "rejected")),
                line.stocktake_id.in_(select(Stocktake.id).where(Stocktake.state == "open",
                                                                 Stocktake.store == store)))


def _figures(*, store: str, stocktake: Stocktake | None, zone: str | None):
    """Per bin–part: account, card, physical (the count moved on by the moves since), difference and cost."""
    b, loc, p, v = Balance, Location, Part, Valuation
    line = aliased(StocktakeLine, name="l")
    # Net moves since the count, excluding the count's own adjustment: projects the count to today.
    later = b.qty - line.account_at_count - line.adjusted
    physical = line.physical + later
    # A typed (paper) card counts as of the count, moved on by the confirmations since; an approved line's card is
    # the maintained one.
    card = case((and_(line.card.is_not(None), line.state != "approved"),
                 line.card + b.card_qty - line.card_at_count), else_=b.card_qty)
    avg_cost = case((v.qty > 0, sql_moving_average(v.value, v.qty)), else_=p.standard_cost)
    stmt = (select(b.part_id, p.part_number, p.name, p.name_en, loc.code.label("location"),
                   b.qty.label("account"), card.label("card"), physical.label("physical"),
                   # = physical − account, from the line alone (the wrong-bin look-up compares lines)
                   (line.physical - line.account_at_count - line.adjusted).label("diff"),
                   later.label("later"), avg_cost.label("avg_cost"),
                   line.counter, line.state.label("line_state"))
            .select_from(b)
            .join(loc, loc.id == b.location_id)
            .join(p, p.id == b.part_id)
            .outerjoin(line, and_(line.location_id == b.location_id, line.part_id == b.part_id,
                                  _in_view(line, store, stocktake.id if stocktake else None)))
            .outerjoin(v, and_(v.part_id == b.part_id, v.store == store))
            .where(loc.kind.in_(COUNTED_KINDS), loc.store == store,
                   or_(b.qty != 0, b.card_qty != 0, line.id.is_not(None))))
    if stocktake is not None:
        stmt = stmt.join(StocktakeBin, and_(StocktakeBin.location_id == b.location_id,
                                            StocktakeBin.stocktake_id == stocktake.id))
        if stocktake.category:
            stmt = stmt.where(p.category == stocktake.category)
    if zone:
        stmt = stmt.where(loc.zone == zone.strip().upper())
    return stmt.subquery("f")


def _opposite_found(f, store: str, stocktake_id: int | None):
    """Another current line of the view shows the same part with the opposite shelf difference: the part was found
    in the wrong bin. Correlated, so the database evaluates it only for the few rows with a difference, each with an
    index look-up by part."""
    o = aliased(StocktakeLine)
    return exists().where(o.part_id == f.c.part_id, _in_view(o, store, stocktake_id),
                          o.physical - o.account_at_count - o.adjusted == -f.c.diff)


def _report(f, opposite_found):
    """Status, cause and valued difference per row."""
    value = sql_money(f.c.diff, f.c.avg_cost)
    return select(f.c.part_number, f.c.name, f.c.name_en, f.c.location, f.c.account, f.c.card, f.c.physical,
                  rules.status(f.c.account, f.c.card, f.c.physical).label("status"),
                  rules.cause(a=f.c.account, c=f.c.card, diff=f.c.diff, later=f.c.later,
                              opposite_found=opposite_found).label("cause"),
                  value.label("value_diff"), f.c.later.label("moves_after_count"),
                  f.c.counter, f.c.line_state).subquery("report")


def reconcile(session: Session, *, store: str | None = None, stocktake: int | None = None, status: str | None = None,
              zone: str | None = None, limit: int | None = None, offset: int = 0) -> dict:
    """Every bin–part of a store (or of a stocktake's scope; then `store` may be omitted) with its three numbers,
    and the number of rows and value of differences by status (over the whole view, whatever the page)."""
    if status is not None and status not in rules.STATUSES:
        raise ValidationError(field="status", reason="one_of", allowed=", ".join(rules.STATUSES))
    st = get_stocktake(session, stocktake) if stocktake is not None else None
    store = store or (st.store if st else None)
    if store not in STORES:
        raise ValidationError(field="store", reason="one_of", allowed=", ".join(STORES))
    if st is not None and st.store != store:
        raise ValidationError(field="stocktake", reason="stocktake_store", doc_no=st.doc_no, store=st.store)
    if session.get_bind().dialect.name == "postgresql":
        # The planner prices the wrong-bin look-up per row and then spends longer JIT-compiling the statement than
        # the statement runs (0.6 s of 1.1 s at 100,000 rows); for this transaction only.
        session.execute(text("SET LOCAL jit = off"))
    f = _figures(store=store, stocktake=st, zone=zone)
    report = _report(f, _opposite_found(f, store, st.id if st else None))
    stmt = select(report).order_by(report.c.location, report.c.part_number)
    whole = status is None and limit is None and not offset
    if status:
        stmt = stmt.where(report.c.status == status)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    with _cyclic_gc_paused():
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


@contextmanager
def _cyclic_gc_paused():
    """A whole store is 100,000 row dicts: allocating them sets off repeated full collections of the process's heap
    (half a second in a running app). They hold no reference cycles, so nothing is lost by collecting afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _json(row: dict) -> dict:
    """Money as a decimal string (CONTRACT §4)."""
    if row["value_diff"] is not None:
        row["value_diff"] = f"{row['value_diff']:.2f}"
    return row


def pending_approval(session: Session, *, stocktake: int) -> dict:
    """What approving the stocktake now would post, for the approver to read before confirming: the counted lines
    awaiting approval, how many of them adjust the ledger, the units gained and lost, and the value of the
    adjustments (each line's valued difference as the report shows it, summed)."""
    st = get_stocktake(session, stocktake)
    f = _figures(store=st.store, stocktake=st, zone=None)
    counted = f.c.line_state == "counted"
    row = session.connection().execute(select(
        func.count(),
        func.coalesce(func.sum(case((f.c.diff != 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((f.c.diff > 0, f.c.diff), else_=0)), 0),
        func.coalesce(func.sum(case((f.c.diff < 0, -f.c.diff), else_=0)), 0),
        func.coalesce(func.sum(sql_cents(f.c.diff, f.c.avg_cost)), 0)).where(counted)).one()
    lines, adjusting, gained, lost, cents = row
    return {"stocktake": st.id, "lines": int(lines), "adjustments": int(adjusting), "units_gained": int(gained),
            "units_lost": int(lost), "value": f"{Decimal(int(cents)) / 100:.2f}"}
