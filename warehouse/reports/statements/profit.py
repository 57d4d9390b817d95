"""售后配件月利润表 (monthly parts profit): revenue, cost of the parts sold at their moving-average cost, gross margin
and margin % — first summed by category and by dealer, then one line per part sold in the month — with a 12-month
revenue / margin chart.

Where each figure comes from (all in whole cents, each line rounded half up once, totals are sums of lines):
- dealer sales: the `shipment` moves of the month (packing area → dealer); revenue = qty × the order line's unit
  price (net of tax; the tax is the invoice's, not income); cost = qty × the move's booked unit cost, which is the
  store's moving-average cost when it left (`ledger.cost.sql_cents`);
- dealer returns restocked in the month (`dealer_return` moves into a store): the same, negative (revenue at the
  return line's price, cost at the cost it came back at). A scrapped return is a credit on the dealer's account, not
  a sale reversed here;
- charged repairs (field service): tickets whose quote was accepted and whose job was completed in the month; parts
  revenue = the quote's lines (qty × customer price), cost = the ticket's `service` moves out of the van; labour =
  the quote's labour, with no parts cost. They are summed under "Charged repairs" in the dealer summary and labour
  is its own category line.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.dealers.models import Dealer
from warehouse.ledger.cost import sql_cents
from warehouse.ledger.models import Move
from warehouse.locations.models import Location
from warehouse.orders.models import DealerReturn, DealerReturnLine, Order, OrderLine
from warehouse.reports import Chart, Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.flows import no_jit
from warehouse.reports.statements.period import Period, months_before
from warehouse.reports.statements.words import N_, Translate
from warehouse.service.models import Ticket

TITLE = N_("Monthly parts profit statement")
CAPTIONS = {"section": N_("Section"), "category": N_("Category"), "code": N_("Code"), "name": N_("Name"),
            "qty": N_("Quantity"), "revenue": N_("Revenue"), "cost": N_("Cost of sales"),
            "margin": N_("Gross margin"), "pct": N_("Margin %")}
BY_CATEGORY, BY_DEALER, BY_PART = N_("By category"), N_("By dealer"), N_("By part")
UNCATEGORISED = N_("Uncategorised")
REPAIRS = N_("Charged repairs (field service)")
LABOUR = N_("Repair labour")
CHART_TITLE = N_("Revenue and gross margin, last 12 months")
NOTE = N_("Revenue net of tax; cost at the moving-average cost the parts left the store at; each section adds up "
          "to the same total.")
REPAIR_KEY = -1  # the dealer key of charged repairs
CENT = Decimal("0.01")


def sales_moves(*, since, until, bucket=None):
    """A subquery of the dealer sales and restocked returns posted in [since, until): part_id, dealer_id, bucket,
    qty, revenue and cost in cents (signed: a return is negative)."""
    key = (bucket if bucket is not None else literal(0)).label("bucket")
    when = (Move.created_at >= since, Move.created_at < until)
    sold = (select(Move.part_id, Order.dealer_id, key, Move.qty.label("qty"),
                   sql_cents(Move.qty, OrderLine.unit_price).label("rev"),
                   sql_cents(Move.qty, Move.unit_cost).label("cost"))
            .join(Order, Order.order_no == Move.doc_no)
            .join(OrderLine, (OrderLine.order_id == Order.id) & (OrderLine.part_id == Move.part_id))
            .where(Move.doc_type == "shipment", *when))
    back = (select(Move.part_id, DealerReturn.dealer_id, key, (-Move.qty).label("qty"),
                   (-sql_cents(Move.qty, DealerReturnLine.unit_price)).label("rev"),
                   (-sql_cents(Move.qty, Move.unit_cost)).label("cost"))
            .join(DealerReturn, DealerReturn.return_no == Move.doc_no)
            .join(DealerReturnLine, (DealerReturnLine.return_id == DealerReturn.id)
                  & (DealerReturnLine.part_id == Move.part_id))
            .join(Location, Location.id == Move.to_location_id)
            .where(Move.doc_type == "dealer_return", Location.store.is_not(None), *when))
    return union_all(sold, back).subquery("sales")


def _cents(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def charged_repairs(session: Session, *, since, until) -> list[dict]:
    """The charged repairs completed in [since, until): per ticket, its completion time, labour cents and
    {part_id: [qty, revenue cents, cost cents]}."""
    tickets = list(session.scalars(select(Ticket).where(Ticket.quote_accepted_at.is_not(None),
                                                        Ticket.completed_at >= since, Ticket.completed_at < until)
                                   .order_by(Ticket.id)))
    if not tickets:
        return []
    numbers = [t.ticket_no for t in tickets]
    costs = defaultdict(int)
    for doc_no, part_id, cents in session.execute(
            select(Move.doc_no, Move.part_id, func.sum(sql_cents(Move.qty, Move.unit_cost)))
            .where(Move.doc_type == "service", Move.doc_no.in_(numbers)).group_by(Move.doc_no, Move.part_id)):
        costs[(doc_no, part_id)] += int(cents)
    pns = {ln.get("part_number") for t in tickets for ln in (t.quote_lines or []) if ln.get("part_number")}
    ids = dict(session.execute(select(Part.part_number, Part.id).where(Part.part_number.in_(pns))).all()) if pns else {}
    out = []
    for t in tickets:
        parts: dict[int, list[int]] = {}
        for ln in t.quote_lines or []:
            pid = ids.get(ln.get("part_number"))
            if pid is None:
                continue
            got = parts.setdefault(pid, [0, 0, 0])
            got[0] += int(ln["qty"])
            got[1] += _cents(Decimal(str(ln["price"])) * int(ln["qty"]))
        for (doc_no, pid), cents in costs.items():
            if doc_no == t.ticket_no:
                parts.setdefault(pid, [0, 0, 0])[2] += cents
        out.append({"at": t.completed_at, "labour": _cents(t.quote_labour or 0), "parts": parts})
    return out


def _money(cents) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)


def _line(section, category, code, name, qty, rev, cost) -> dict:
    return {"section": section, "category": category, "code": code, "name": name, "qty": int(qty),
            "revenue": _money(rev), "cost": _money(cost), "margin": _money(rev - cost),
            "pct": (Decimal(rev - cost) / Decimal(rev)) if rev else None}


@dataclass
class Sums:
    """One pass over the 12 months ending with the statement's month: the month's sums per (part, dealer) and every
    month's revenue and cost (the chart), in cents; the charged repairs of the month."""
    months: list[Period]
    by_part_dealer: dict[tuple[int, int], list[int]]  # (part_id, dealer_id) → [qty, revenue, cost], the month
    revenue: list[int]  # per month, oldest first (sales, returns and charged repairs)
    cost: list[int]
    repairs: list[dict]  # the month's charged repairs (see `charged_repairs`)


def sums(session: Session, period: Period) -> Sums:
    """One aggregate query (one scan of the moves, one join to the orders) for the statement and its chart: the
    statement's month grouped by part and dealer, the 11 months before by month only."""
    no_jit(session)
    months = months_before(period, 12)
    last = len(months) - 1
    month_no = case(*((Move.created_at < m.end_at, i) for i, m in enumerate(months)), else_=len(months))
    s = sales_moves(since=months[0].start_at, until=months[-1].end_at, bucket=month_no)
    in_month = s.c.bucket == last
    keyed = select(s.c.bucket, case((in_month, s.c.part_id), else_=None).label("part_id"),
                   case((in_month, s.c.dealer_id), else_=None).label("dealer_id"), s.c.qty, s.c.rev,
                   s.c.cost).subquery("keyed")
    q = (select(keyed.c.bucket, keyed.c.part_id, keyed.c.dealer_id, func.sum(keyed.c.qty), func.sum(keyed.c.rev),
                func.sum(keyed.c.cost)).group_by(keyed.c.bucket, keyed.c.part_id, keyed.c.dealer_id))
    out = Sums(months, {}, [0] * len(months), [0] * len(months), [])
    for bucket, part_id, dealer_id, qty, rev, cost in session.execute(q):
        out.revenue[bucket] += int(rev)
        out.cost[bucket] += int(cost)
        if bucket == last:
            out.by_part_dealer[(part_id, dealer_id)] = [int(qty), int(rev), int(cost)]
    for rep in charged_repairs(session, since=months[0].start_at, until=months[-1].end_at):
        at = rep["at"] if rep["at"].tzinfo else rep["at"].replace(tzinfo=months[0].start_at.tzinfo)
        i = next(n for n, m in enumerate(months) if at < m.end_at)
        out.revenue[i] += rep["labour"] + sum(p[1] for p in rep["parts"].values())
        out.cost[i] += sum(p[2] for p in rep["parts"].values())
        if i == last:
            out.repairs.append(rep)
    return out


def _add(acc: list[int], values) -> None:
    for i, v in enumerate(values):
        acc[i] += v


def _parts(session: Session, ids) -> dict[int, tuple[str, str, str]]:
    """{part_id: (category, part number, name)}, looked up in chunks (SQLite's limit on bound parameters)."""
    ids, out = sorted(ids), {}
    for i in range(0, len(ids), 900):
        out.update({pid: (cat or "", pn, name) for pid, cat, pn, name in session.execute(
            select(Part.id, Part.category, Part.part_number, Part.name).where(Part.id.in_(ids[i:i + 900])))})
    return out


def rows(session: Session, data: Sums, t: Translate):
    """Summaries by category and by dealer, then one line per part (sorted by category and part number)."""
    by_part: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_dealer: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (part_id, dealer_id), figures in data.by_part_dealer.items():
        _add(by_part[part_id], figures)
        _add(by_dealer[dealer_id], figures)
    labour = 0
    for r in data.repairs:
        labour += r["labour"]
        for pid, figures in r["parts"].items():
            _add(by_part[pid], figures)
            _add(by_dealer[REPAIR_KEY], figures)
    if labour:
        by_dealer[REPAIR_KEY][1] += labour
    info = _parts(session, by_part)
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pid, figures in by_part.items():
        _add(by_cat[info[pid][0]], figures)

    section = t(BY_CATEGORY)
    for cat in sorted(by_cat):
        yield _line(section, cat or t(UNCATEGORISED), "", "", *by_cat[cat])
    if labour:
        yield _line(section, t(LABOUR), "", "", 0, labour, 0)
    section = t(BY_DEALER)
    ids = [k for k in by_dealer if k != REPAIR_KEY]
    dealers = {d.id: d for d in session.scalars(select(Dealer).where(Dealer.id.in_(ids)))} if ids else {}
    for key in sorted(by_dealer, key=lambda k: (k == REPAIR_KEY, dealers[k].code if k in dealers else "")):
        if key == REPAIR_KEY:
            yield _line(section, "", "", t(REPAIRS), *by_dealer[key])
        else:
            yield _line(section, "", dealers[key].code, dealers[key].name, *by_dealer[key])
    section = t(BY_PART)
    for pid in sorted(by_part, key=lambda p: (info[p][0], info[p][1])):
        cat, pn, name = info[pid]
        yield _line(section, cat or t(UNCATEGORISED), pn, name, *by_part[pid])
    if labour:
        yield _line(section, t(LABOUR), "", "", 0, labour, 0)


def chart(data: Sums, t: Translate) -> Chart:
    return Chart(t(CHART_TITLE), [m.label for m in data.months],
                 [(t(CAPTIONS["revenue"]), [float(_money(v)) for v in data.revenue]),
                  (t(CAPTIONS["margin"]), [float(_money(r - c)) for r, c in zip(data.revenue, data.cost)])])


def profit_trend(session: Session, period: Period, t: Translate) -> Chart:
    """Revenue and gross margin (dealer sales, returns and charged repairs) in the 12 months ending with the period."""
    return chart(sums(session, period), t)


def columns(t: Translate) -> list[Column]:
    kinds = {"qty": "qty", "revenue": "money", "cost": "money", "margin": "money", "pct": "percent"}
    widths = {"section": 8, "category": 10, "code": 12, "name": 18}
    return [Column(k, t(c), kinds.get(k, "text"), width=widths.get(k, 10),
                   ratio=("margin", "revenue") if k == "pct" else None) for k, c in CAPTIONS.items()]


@statement("monthly-profit", title=TITLE, periods=("month",), permission="reports.profit")
def monthly_profit(session: Session, *, period: Period, t: Translate) -> Report:
    data = sums(session, period)
    return Report(title=t(TITLE), period=period.label, columns=columns(t), rows=rows(session, data, t),
                  group_by="section", totals=False, signatures=True, notes=[t(NOTE)], charts=[chart(data, t)],
                  sheet_name=period.label)
