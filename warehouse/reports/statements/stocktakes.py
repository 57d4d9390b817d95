"""Stocktake statements: the variance report of one stocktake (盘点差异表) and the month's stocktake statistics
(盘点统计).

- `stocktake-variance --stocktake ID`: every current count of the stocktake — bin, part, what the account said at
  the count, what was counted, the difference, and its value: for an approved line the value of the adjustment the
  approval posted (its move's qty × booked unit cost, to the cent), for a line still awaiting approval the
  difference × today's moving-average cost of the store.
- `stocktake-monthly --month`: per stocktake with lines approved in the month, the lines approved, those that
  agreed, gains and losses in quantity and value (from the adjustment moves), the net value and the accuracy
  (agreeing lines / lines; its total is the ratio of the column totals).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.ledger.cost import money, moving_average, sql_cents
from warehouse.ledger.models import Move, Valuation
from warehouse.locations.models import Location
from warehouse.reports import Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.flows import STORE_NAMES, total
from warehouse.reports.statements.period import Period
from warehouse.reports.statements.words import N_, Translate
from warehouse.stocktake.errors import UnknownStocktake
from warehouse.stocktake.models import Stocktake, StocktakeLine
from warehouse.stocktake.queries import get_stocktake

VARIANCE = N_("Stocktake variance report")
MONTHLY = N_("Monthly stocktake statistics")
STATES = {"counted": N_("Awaiting approval"), "rejected": N_("Recount requested"), "approved": N_("Approved"),
          "superseded": N_("Superseded")}
V_CAPTIONS = {"location": N_("Bin"), "part_number": N_("Part number"), "name": N_("Name"),
              "account": N_("Account"), "physical": N_("Counted"), "difference": N_("Difference"),
              "value": N_("Value of difference"), "counter": N_("Counter"), "state": N_("State")}
M_CAPTIONS = {"doc_no": N_("Stocktake"), "store": N_("Store"), "scope": N_("Scope"), "lines": N_("Lines"),
              "exact": N_("Lines agreeing"), "gain_q": N_("Gain qty"), "gain_v": N_("Gain value"),
              "loss_q": N_("Loss qty"), "loss_v": N_("Loss value"), "net_v": N_("Net value"),
              "accuracy": N_("Accuracy")}
V_NOTE = N_("{store}, scope: {scope}, opened by {opened_by} on {opened_at}")
CENT = Decimal("0.01")


def _stocktake(session: Session, value) -> Stocktake:
    try:
        stocktake_id = int(value)
    except (TypeError, ValueError):
        raise UnknownStocktake(stocktake=value) from None
    if not 0 < stocktake_id < 2**31:
        raise UnknownStocktake(stocktake=value)
    return get_stocktake(session, stocktake_id)


def variance_rows(session: Session, st: Stocktake, t: Translate):
    averages = {p: moving_average(v, q, default=std) for p, q, v, std in session.execute(
        select(Valuation.part_id, Valuation.qty, Valuation.value, Part.standard_cost)
        .join(Part, Part.id == Valuation.part_id).where(Valuation.store == st.store))}
    q = (select(Location.code, Part.id, Part.part_number, Part.name, Part.standard_cost, StocktakeLine.account_at_count,
                StocktakeLine.physical, StocktakeLine.counter, StocktakeLine.state, StocktakeLine.adjusted,
                Move.unit_cost)
         .select_from(StocktakeLine).join(Location, Location.id == StocktakeLine.location_id)
         .join(Part, Part.id == StocktakeLine.part_id).outerjoin(Move, Move.id == StocktakeLine.move_id)
         .where(StocktakeLine.stocktake_id == st.id, StocktakeLine.is_current.is_(True))
         .order_by(Location.code, Part.part_number))
    for code, part_id, pn, name, std, account, physical, counter, state, adjusted, booked in session.execute(q):
        if state == "approved":
            diff = adjusted
            value = money(abs(diff), booked) * (1 if diff >= 0 else -1) if diff else Decimal("0.00")
        else:
            diff = physical - account
            cost = averages.get(part_id, moving_average(0, 0, default=std))
            value = money(abs(diff), cost) * (1 if diff >= 0 else -1)
        yield {"location": code, "part_number": pn, "name": name, "account": account, "physical": physical,
               "difference": diff, "value": value, "counter": counter, "state": t(STATES.get(state, state))}


def _check(session: Session, *, period: Period | None, stocktake) -> None:
    _stocktake(session, stocktake)


@statement("stocktake-variance", title=VARIANCE, periods=(), options=("stocktake",), check=_check)
def stocktake_variance(session: Session, *, period: Period | None, t: Translate, stocktake) -> Report:
    st = _stocktake(session, stocktake)
    kinds = {"account": "qty", "physical": "qty", "difference": "qty", "value": "money"}
    cols = [Column(k, t(c), kinds.get(k, "text")) for k, c in V_CAPTIONS.items()]
    note = t(V_NOTE).format(store=t(STORE_NAMES.get(st.store, st.store)), scope=st.scope, opened_by=st.opened_by,
                            opened_at=f"{st.opened_at:%Y-%m-%d}")
    return Report(title=t(VARIANCE), period=st.doc_no, columns=cols, rows=variance_rows(session, st, t),
                  notes=[note], totals=True, signatures=True, sheet_name=st.doc_no)


def monthly_rows(session: Session, period: Period, t: Translate):
    line, move = StocktakeLine, Move
    cents = sql_cents(move.qty, move.unit_cost)
    gain, loss = line.adjusted > 0, line.adjusted < 0
    q = (select(Stocktake.id, Stocktake.store, Stocktake.scope, func.count(line.id),
                total(line.adjusted == 0, 1), total(gain, line.adjusted), total(gain, cents),
                total(loss, -line.adjusted), total(loss, cents))
         .select_from(line).join(Stocktake, Stocktake.id == line.stocktake_id)
         .outerjoin(move, move.id == line.move_id)
         .where(line.state == "approved", line.reviewed_at >= period.start_at, line.reviewed_at < period.end_at)
         .group_by(Stocktake.id, Stocktake.store, Stocktake.scope).order_by(Stocktake.id))
    for st_id, store, scope, lines, exact, gain_q, gain_c, loss_q, loss_c in session.execute(q):
        gain_v, loss_v = Decimal(int(gain_c)) * CENT, Decimal(int(loss_c)) * CENT
        yield {"doc_no": f"ST-{st_id}", "store": t(STORE_NAMES.get(store, store)), "scope": scope, "lines": lines,
               "exact": int(exact), "gain_q": int(gain_q), "gain_v": gain_v, "loss_q": int(loss_q),
               "loss_v": loss_v, "net_v": gain_v - loss_v, "accuracy": Decimal(int(exact)) / lines}


@statement("stocktake-monthly", title=MONTHLY, periods=("month",))
def stocktake_monthly(session: Session, *, period: Period, t: Translate) -> Report:
    kinds = {"lines": "qty", "exact": "qty", "gain_q": "qty", "gain_v": "money", "loss_q": "qty",
             "loss_v": "money", "net_v": "money", "accuracy": "percent"}
    cols = [Column(k, t(c), kinds.get(k, "text"), ratio=("exact", "lines") if k == "accuracy" else None)
            for k, c in M_CAPTIONS.items()]
    return Report(title=t(MONTHLY), period=period.label, columns=cols, rows=monthly_rows(session, period, t),
                  totals=True, signatures=True, sheet_name=period.label)
