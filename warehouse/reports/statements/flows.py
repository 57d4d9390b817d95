"""The ledger seen from a store: every move that enters or leaves a store (NEW, RETURNED) as one signed flow, with
its value in cents and the kind of receipt or issue it is. Transfers between bins of one store are not flows.

A flow's kind comes from the counterparty at the other end of the move:
- in: `purchase` from a supplier; `in_other` from anything else (a dealer's or customer's return, a stocktake gain,
  an assessed intake, a technician bringing parts back, a reversal of an issue);
- out: `sales` to a customer or dealer; `repair` to a technician (a van, a repair job); `out_other` to anything
  else (a supplier return, scrap, a stocktake loss, a reversal of a receipt).

Values are the ledger's: each move's qty × its booked unit cost, rounded half-up to the cent once
(`ledger.cost.sql_cents`), so every sum of flows is a sum of printed cents.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select, text, union_all
from sqlalchemy.orm import aliased

from warehouse.ledger.cost import sql_cents
from warehouse.ledger.models import Move
from warehouse.locations.models import Location
from warehouse.reports.statements.words import N_

IN_KINDS = ("purchase", "in_other")
OUT_KINDS = ("sales", "repair", "out_other")
ISSUE_KINDS = ("sales", "repair")  # what the department calls issues (发出): to dealers, customers, repairs
STORE_NAMES = {"NEW": N_("New-parts store"), "RETURNED": N_("Returned-parts store")}


def store_flows(*, until: datetime, since: datetime | None = None, bucket=None):
    """A subquery of flows posted before `until` (and from `since`): part_id, store, bucket, qty and cents (signed:
    + in, − out), moves (how many), kind. `bucket` is an SQL expression over `Move` (e.g. "in the period?", a
    month number) that the flows are summed by; without one every flow of a part, store and kind is one row.

    The moves are first summed by part, the two locations and the bucket in one pass over `move` (each move's cents
    computed once, no join) — a CTE, so both sides of the split read the same sums — and only those sums are joined
    to the locations and split into flows, which keeps a statement over a million moves to one scan."""
    cents = sql_cents(Move.qty, Move.unit_cost)
    when = [Move.created_at < until] + ([Move.created_at >= since] if since is not None else [])
    key = (bucket if bucket is not None else literal(0)).label("bucket")
    sums = (select(Move.part_id, Move.from_location_id, Move.to_location_id, key, func.sum(Move.qty).label("qty"),
                   func.sum(cents).label("cents"), func.count().label("moves"))
            .where(*when).group_by(Move.part_id, Move.from_location_id, Move.to_location_id, key).cte("sums"))
    src, dst = aliased(Location), aliased(Location)

    def side(store, other, sign: int, kind):
        crosses = and_(store.store.is_not(None), or_(other.store.is_(None), other.store != store.store))
        return (select(sums.c.part_id, store.store.label("store"), sums.c.bucket,
                       (sums.c.qty * literal(sign)).label("qty"), (sums.c.cents * literal(sign)).label("cents"),
                       sums.c.moves, kind.label("kind"))
                .select_from(sums).join(src, src.id == sums.c.from_location_id)
                .join(dst, dst.id == sums.c.to_location_id).where(crosses))

    kind_in = case((src.kind == "supplier", "purchase"), else_="in_other")
    kind_out = case((dst.kind.in_(("customer", "dealer")), "sales"), (dst.kind == "technician", "repair"),
                    else_="out_other")
    return union_all(side(dst, src, 1, kind_in), side(src, dst, -1, kind_out)).subquery("flows")


def total(cond, col):
    return func.coalesce(func.sum(case((cond, col), else_=0)), 0)


def no_jit(session) -> None:
    """PostgreSQL compiles a statement with this many CASE sums just in time, which costs more (≈ 0.7 s) than it
    saves on a few hundred thousand rows; statements switch it off for their own transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
