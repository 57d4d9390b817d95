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


def rows(session: Session, period: Period, t: Translate):
    no_jit(session)
    since, until = period.start_at, period.end_at
    repairs = charged_repairs(session, since=since, until=until)
    s = sales_moves(since=since, until=until)
    category = func.coalesce(Part.category, "")
    # Summaries: one small aggregate by category × dealer, summed both ways here.
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_dealer: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cat, dealer_id, qty, rev, cost in session.execute(
            select(category, s.c.dealer_id, func.sum(s.c.qty), func.sum(s.c.rev), func.sum(s.c.cost))
            .join(Part, Part.id == s.c.part_id).group_by(category, s.c.dealer_id)):
        for acc in (by_cat[cat], by_dealer[dealer_id]):
            acc[0] += int(qty)
            acc[1] += int(rev)
            acc[2] += int(cost)
    repair_parts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    labour = 0
    for r in repairs:
        labour += r["labour"]
        for pid, (q, rev, cost) in r["parts"].items():
            acc = repair_parts[pid]
            acc[0] += q
            acc[1] += rev
            acc[2] += cost
    part_info = {}
    if repair_parts:
        part_info = {pid: (cat or "", pn, name) for pid, cat, pn, name in session.execute(
            select(Part.id, Part.category, Part.part_number, Part.name).where(Part.id.in_(list(repair_parts))))}
        rep = by_dealer[REPAIR_KEY]
        for pid, (q, rev, cost) in repair_parts.items():
            acc = by_cat[part_info[pid][0]]
            for i, v in enumerate((q, rev, cost)):
                acc[i] += v
                rep[i] += v
    if labour:
        by_dealer[REPAIR_KEY][1] += labour

    section = t(BY_CATEGORY)
    for cat in sorted(by_cat):
        q, rev, cost = by_cat[cat]
        yield _line(section, cat or t(UNCATEGORISED), "", "", q, rev, cost)
    if labour:
        yield _line(section, t(LABOUR), "", "", 0, labour, 0)
    section = t(BY_DEALER)
    dealers = {d.id: d for d in session.scalars(select(Dealer).where(Dealer.id.in_(
        [k for k in by_dealer if k != REPAIR_KEY])))} if by_dealer else {}
    for key in sorted(by_dealer, key=lambda k: (k == REPAIR_KEY, dealers[k].code if k in dealers else "")):
        q, rev, cost = by_dealer[key]
        if key == REPAIR_KEY:
            yield _line(section, "", "", t(REPAIRS), q, rev, cost)
        else:
            yield _line(section, "", dealers[key].code, dealers[key].name, q, rev, cost)

    # One line per part, streamed from SQL; the charged-repair parts are merged in by (category, part number).
    section = t(BY_PART)
    pending = sorted(((info[0], info[1], info[2], pid) for pid, info in part_info.items()), reverse=True)
    agg = select(s.c.part_id, func.sum(s.c.qty).label("qty"), func.sum(s.c.rev).label("rev"),
                 func.sum(s.c.cost).label("cost")).group_by(s.c.part_id).subquery("per_part")
    q = (select(category.label("category"), Part.part_number, Part.name, Part.id, agg.c.qty, agg.c.rev, agg.c.cost)
         .select_from(agg).join(Part, Part.id == agg.c.part_id).order_by(category, Part.part_number))
    done: set[int] = set()  # repair parts already printed (merged into their sales line, or on their own)
    for cat, pn, name, pid, qty, rev, cost in session.execute(
            q.execution_options(stream_results=True, yield_per=2000)):
        while pending and (pending[-1][0], pending[-1][1]) < (cat, pn):
            pcat, ppn, pname, ppid = pending.pop()
            if ppid not in done:
                done.add(ppid)
                yield _line(section, pcat or t(UNCATEGORISED), ppn, pname, *repair_parts[ppid])
        qty, rev, cost = int(qty), int(rev), int(cost)
        if pid in repair_parts and pid not in done:
            done.add(pid)
            extra = repair_parts[pid]
            qty, rev, cost = qty + extra[0], rev + extra[1], cost + extra[2]
        yield _line(section, cat or t(UNCATEGORISED), pn, name, qty, rev, cost)
    for pcat, ppn, pname, ppid in reversed(pending):
        if ppid not in done:
            yield _line(section, pcat or t(UNCATEGORISED), ppn, pname, *repair_parts[ppid])
    if labour:
        yield _line(section, t(LABOUR), "", "", 0, labour, 0)


def profit_trend(session: Session, period: Period, t: Translate) -> Chart:
    """Revenue and gross margin (dealer sales, returns and charged repairs) in the 12 months ending with the period."""
    months = months_before(period, 12)
    month_no = case(*((Move.created_at < m.end_at, i) for i, m in enumerate(months)), else_=len(months))
    s = sales_moves(since=months[0].start_at, until=months[-1].end_at, bucket=month_no)
    rev, cost = [0] * len(months), [0] * len(months)
    no_jit(session)
    for bucket, r, c in session.execute(select(s.c.bucket, func.sum(s.c.rev), func.sum(s.c.cost))
                                        .group_by(s.c.bucket)):
        rev[bucket] += int(r)
        cost[bucket] += int(c)
    for rep in charged_repairs(session, since=months[0].start_at, until=months[-1].end_at):
        at = rep["at"] if rep["at"].tzinfo else rep["at"].replace(tzinfo=months[0].start_at.tzinfo)
        i = next(n for n, m in enumerate(months) if at < m.end_at)
        rev[i] += rep["labour"] + sum(p[1] for p in rep["parts"].values())
        cost[i] += sum(p[2] for p in rep["parts"].values())
    return Chart(t(CHART_TITLE), [m.label for m in months],
                 [(t(CAPTIONS["revenue"]), [float(_money(v)) for v in rev]),
                  (t(CAPTIONS["margin"]), [float(_money(r - c)) for r, c in zip(rev, cost)])])


def columns(t: Translate) -> list[Column]:
    kinds = {"qty": "qty", "revenue": "money", "cost": "money", "margin": "money", "pct": "percent"}
    widths = {"section": 8, "category": 10, "code": 12, "name": 18}
    return [Column(k, t(c), kinds.get(k, "text"), width=widths.get(k, 10),
                   ratio=("margin", "revenue") if k == "pct" else None) for k, c in CAPTIONS.items()]


@statement("monthly-profit", title=TITLE, periods=("month",), permission="reports.profit")
def monthly_profit(session: Session, *, period: Period, t: Translate) -> Report:
    return Report(title=t(TITLE), period=period.label, columns=columns(t), rows=rows(session, period, t),
                  group_by="section", totals=False, signatures=True, notes=[t(NOTE)],
                  charts=[profit_trend(session, period, t)], sheet_name=period.label)
