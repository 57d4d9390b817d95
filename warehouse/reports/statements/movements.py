"""配件收发月统计表 (monthly parts receipts and issues): for each store, category and part, the opening quantity and
value, the receipts and issues of the month by kind, and the closing quantity and value.

Every figure is a sum of store flows (`flows.py`) aggregated in SQL: opening = flows before the month, receipts
and issues = flows in it by kind, closing = opening + receipts − issues, so the identity holds on every row in
quantity and value. Parts that did not move in the month are summed into one line per store and category ("parts
without movements, n"), so the paper lists what moved while the totals still cover the whole stock.
A 12-month chart of issues (sales, repairs) by value closes the PDF.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.ledger.models import Move
from warehouse.reports import Chart, Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.flows import STORE_NAMES, no_jit, store_flows, total
from warehouse.reports.statements.period import Period, months_before
from warehouse.reports.statements.words import N_, Translate

TITLE = N_("Monthly parts receipts and issues")
UNCATEGORISED = N_("Uncategorised")
UNMOVED = N_("Parts without movements: {n}")
CAPTIONS = {
    "store": N_("Store"), "category": N_("Category"), "part_number": N_("Part number"), "name": N_("Name"),
    "open_q": N_("Opening qty"), "open_v": N_("Opening value"),
    "purchase_q": N_("Purchased qty"), "purchase_v": N_("Purchased value"),
    "in_other_q": N_("Other receipts qty"), "in_other_v": N_("Other receipts value"),
    "sales_q": N_("Sales issues qty"), "sales_v": N_("Sales issues value"),
    "repair_q": N_("Repair issues qty"), "repair_v": N_("Repair issues value"),
    "out_other_q": N_("Other issues qty"), "out_other_v": N_("Other issues value"),
    "close_q": N_("Closing qty"), "close_v": N_("Closing value"),
}
WIDTHS = {"store": 8, "category": 8, "part_number": 12, "name": 14}
FLOW_KINDS = ("purchase", "in_other", "sales", "repair", "out_other")
CHART_TITLE = N_("Issues by value, last 12 months (new-parts store)")
SALES, REPAIRS = N_("Sales issues"), N_("Repair issues")
CENT = Decimal("0.01")


def columns(t: Translate) -> list[Column]:
    out = []
    for key, caption in CAPTIONS.items():
        kind = "text" if key in ("store", "category", "part_number", "name") else \
            ("qty" if key.endswith("_q") else "money")
        out.append(Column(key, t(caption), kind, width=WIDTHS.get(key, 7 if kind == "qty" else 10)))
    return out


def movement_sums(session: Session, period: Period):
    """Per store and part: opening, each kind's flows in the period (positive), closing — in qty and cents."""
    f = store_flows(until=period.end_at, bucket=case((Move.created_at >= period.start_at, 1), else_=0))
    before, during = f.c.bucket == 0, f.c.bucket == 1
    cols = [total(before, f.c.qty).label("open_q"), total(before, f.c.cents).label("open_c")]
    for kind in FLOW_KINDS:
        sign = -1 if kind in ("sales", "repair", "out_other") else 1
        cond = during & (f.c.kind == kind)
        cols += [(total(cond, f.c.qty) * sign).label(f"{kind}_q"), (total(cond, f.c.cents) * sign).label(f"{kind}_c")]
    cols += [func.sum(f.c.qty).label("close_q"), func.sum(f.c.cents).label("close_c"), total(during, f.c.moves).label("moves")]
    agg = select(f.c.store, f.c.part_id, *cols).group_by(f.c.store, f.c.part_id).subquery()
    category = func.coalesce(Part.category, "")
    return (select(agg, Part.part_number, Part.name, category.label("category"))
            .join(Part, Part.id == agg.c.part_id)
            .where(or_(agg.c.moves > 0, agg.c.open_q != 0, agg.c.open_c != 0))
            .order_by(agg.c.store, category, Part.part_number))


def rows(session: Session, period: Period, t: Translate):
    """The statement's rows, streamed: moved parts one by one, unmoved parts summed per store and category."""
    no_jit(session)
    result = session.execute(movement_sums(session, period).execution_options(stream_results=True, yield_per=2000))
    pending = None  # (store, category, count, qty, cents) of the current group's unmoved parts

    def unmoved_line(store, category, n, q, c):
        line = {"store": store, "category": category, "part_number": "", "name": t(UNMOVED).format(n=n),
                "open_q": q, "open_v": _money(c), "close_q": q, "close_v": _money(c)}
        for kind in FLOW_KINDS:
            line[f"{kind}_q"], line[f"{kind}_v"] = 0, Decimal("0.00")
        return line

    for r in result:
        store = t(STORE_NAMES.get(r.store, r.store))
        category = r.category or t(UNCATEGORISED)
        if pending and (pending[0], pending[1]) != (store, category):
            yield unmoved_line(*pending)
            pending = None
        if not r.moves:
            n, q, c = (pending[2:] if pending else (0, 0, 0))
            pending = (store, category, n + 1, q + r.open_q, c + r.open_c)
            continue
        line = {"store": store, "category": category, "part_number": r.part_number, "name": r.name,
                "open_q": int(r.open_q), "open_v": _money(r.open_c),
                "close_q": int(r.close_q), "close_v": _money(r.close_c)}
        for kind in FLOW_KINDS:
            line[f"{kind}_q"], line[f"{kind}_v"] = int(getattr(r, f"{kind}_q")), _money(getattr(r, f"{kind}_c"))
        yield line
    if pending:
        yield unmoved_line(*pending)


def _money(cents) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)


def issues_trend(session: Session, period: Period, t: Translate) -> Chart:
    """Sales and repair issues out of the new-parts store by value, in the 12 months ending with the period."""
    months = months_before(period, 12)
    month_no = case(*((Move.created_at < m.end_at, i) for i, m in enumerate(months)), else_=len(months))
    f = store_flows(until=months[-1].end_at, since=months[0].start_at, bucket=month_no)
    cols = []
    for i, _m in enumerate(months):
        in_month = f.c.bucket == i
        cols += [total(in_month & (f.c.kind == "sales"), f.c.cents), total(in_month & (f.c.kind == "repair"), f.c.cents)]
    no_jit(session)
    row = session.execute(select(*cols).where(f.c.store == "NEW")).one()
    sales = [-float(_money(row[2 * i])) for i in range(len(months))]
    repairs = [-float(_money(row[2 * i + 1])) for i in range(len(months))]
    return Chart(t(CHART_TITLE), [m.label for m in months], [(t(SALES), sales), (t(REPAIRS), repairs)])


@statement("monthly-movements", title=TITLE, periods=("month",))
def monthly_movements(session: Session, *, period: Period, t: Translate) -> Report:
    return Report(title=t(TITLE), period=period.label, columns=columns(t), rows=rows(session, period, t),
                  group_by=("store", "category"), totals=True, signatures=True, landscape=True,
                  charts=[issues_trend(session, period, t)], sheet_name=period.label)
