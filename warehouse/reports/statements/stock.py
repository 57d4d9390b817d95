"""Stock statement (库存报表): quantity and value by store, bin and part as of the end of a day or month, with the
parts that are slow movers and those below their reorder point.

Quantities are Σ moves in − Σ moves out of each bin (or van) posted before the end of the period; a part's value
in a store is the sum of its store flows in cents (`flows.py`); the unit cost shown is that value / quantity (half
up, 4 places, the ledger's moving-average rule), and a bin's value is its quantity × that unit cost rounded to the
cent (so the bin lines of a part add up to the part's value within a cent per bin).
Slow mover: no issue (sales or repair) out of the store in the `SLOW_DAYS` days before the end. Below reorder
point: the part's quantity in the new-parts store is less than its reorder point.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.ledger.cost import money, moving_average
from warehouse.ledger.models import Move
from warehouse.locations.models import STOCK_KINDS, Location
from warehouse.reports import Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.flows import ISSUE_KINDS, STORE_NAMES, store_flows, total
from warehouse.reports.statements.period import Period, at
from warehouse.reports.statements.words import N_, Translate

SLOW_DAYS = 90
TITLE = N_("Stock statement")
CAPTIONS = {"store": N_("Store"), "location": N_("Bin"), "part_number": N_("Part number"), "name": N_("Name"),
            "unit": N_("Unit"), "qty": N_("Quantity"), "unit_cost": N_("Unit cost"), "value": N_("Value"),
            "reorder_point": N_("Reorder point"), "flag": N_("Remark")}
SLOW = N_("Slow mover")
BELOW = N_("Below reorder point")
AS_OF = N_("As of the end of {day}")
COUNTS = N_("Slow movers (no issue in {days} days): {slow}; below reorder point: {below}")
CENT = Decimal("0.01")


def bin_quantities(until):
    """Per part × stock-holding location, Σ in − Σ out of the moves posted before `until`."""
    ins = select(Move.part_id, Move.to_location_id.label("location_id"), Move.qty.label("q")) \
        .where(Move.created_at < until)
    outs = select(Move.part_id, Move.from_location_id.label("location_id"), (literal(0) - Move.qty).label("q")) \
        .where(Move.created_at < until)
    u = union_all(ins, outs).subquery()
    return select(u.c.part_id, u.c.location_id, func.sum(u.c.q).label("qty")).group_by(u.c.part_id,
                                                                                       u.c.location_id).subquery()


def store_values(session: Session, *, until, slow_since):
    """{(part_id, store): (qty, cents, issued since slow_since?)} from the store flows before `until`."""
    f = store_flows(until=until, bucket=case((Move.created_at >= slow_since, 1), else_=0))
    issued = total((f.c.bucket == 1) & f.c.kind.in_(ISSUE_KINDS), f.c.moves)
    q = select(f.c.part_id, f.c.store, func.sum(f.c.qty), func.sum(f.c.cents), issued).group_by(f.c.part_id,
                                                                                               f.c.store)
    return {(p, s): (int(qty), int(cents), bool(n)) for p, s, qty, cents, n in session.execute(q)}


def rows(session: Session, period: Period, t: Translate, counts: dict):
    until = period.end_at
    values = store_values(session, until=until, slow_since=at(period.end - timedelta(days=SLOW_DAYS)))
    b = bin_quantities(until)
    q = (select(Location.store, Location.code, Part.id, Part.part_number, Part.name, Part.unit, Part.reorder_point,
                Part.standard_cost, b.c.qty)
         .select_from(b).join(Location, Location.id == b.c.location_id).join(Part, Part.id == b.c.part_id)
         .where(Location.kind.in_(STOCK_KINDS), Location.store.is_not(None), b.c.qty != 0)
         .order_by(Location.store, Location.code, Part.part_number))
    for store, code, part_id, pn, name, unit, reorder, std, qty in session.execute(
            q.execution_options(stream_results=True, yield_per=2000)):
        s_qty, cents, issued = values.get((part_id, store), (0, 0, False))
        unit_cost = moving_average(Decimal(cents) * CENT, s_qty, default=std)
        flags = []
        if not issued:
            flags.append(t(SLOW))
            counts["slow"].add((part_id, store))
        if store == "NEW" and s_qty < (reorder or 0):
            flags.append(t(BELOW))
            counts["below"].add(part_id)
        yield {"store": t(STORE_NAMES.get(store, store)), "location": code, "part_number": pn, "name": name,
               "unit": unit, "qty": int(qty), "unit_cost": unit_cost, "value": money(int(qty), unit_cost),
               "reorder_point": reorder or 0, "flag": "，".join(flags)}


def columns(t: Translate) -> list[Column]:
    kinds = {"qty": "qty", "unit_cost": "money", "value": "money", "reorder_point": "qty"}
    return [Column(k, t(c), kinds.get(k, "text"), total=False if k in ("unit_cost", "reorder_point") else None)
            for k, c in CAPTIONS.items()]


@statement("stock", title=TITLE, periods=("day", "month"))
def stock(session: Session, *, period: Period, t: Translate) -> Report:
    # The PDF prints the notes on page 1, before the rows stream: a first pass counts the flagged parts.
    counts = {"slow": set(), "below": set()}
    for _ in rows(session, period, t, counts):
        pass
    notes = [t(AS_OF).format(day=period.last_day.isoformat()),
             t(COUNTS).format(days=SLOW_DAYS, slow=len(counts["slow"]), below=len(counts["below"]))]
    return Report(title=t(TITLE), period=period.label, columns=columns(t),
                  rows=rows(session, period, t, {"slow": set(), "below": set()}), notes=notes, group_by="store",
                  totals=True, signatures=True, sheet_name=period.label)
