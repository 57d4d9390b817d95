"""月度维修库存记录 (monthly repair stock record): the parts on each technician's van — opening, refills received,
parts used in repairs, other issues (back to a bin, a stocktake loss, a transfer), closing — and the parts the
authorised stations used from their own stock on the jobs completed in the month.

Quantities are the ledger's moves into and out of each van (a location of kind `technician`): opening = moves
before the month, refills = moves into the van in it, used = the van's `service` moves (a job's parts to the
customer), other = any other move out; closing = opening + refills − used − other on every row.
Values: a van is part of the new-parts store, so a refill or a return to a bin moves no value (the ledger books
such a transfer at the standard cost, a figure of no account); value leaves the store only when a part is used.
So the record shows the *cost of the parts used* (each service move's qty × its booked moving-average cost, half up
to the cent once, `ledger.cost.sql_cents`) and the *closing value* (closing qty × the part's moving-average cost
in the new-parts store at the end of the month, from its store flows, as the stock statement values it).
Station lines come from the jobs' parts (`service_ticket_part` without a move: the station's own stock, which has
no value in our books), so they have a quantity used only.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from warehouse.catalog.models import Part
from warehouse.ledger.cost import money, moving_average, sql_cents
from warehouse.ledger.models import Move
from warehouse.locations.models import Location
from warehouse.reports import Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.flows import no_jit, total
from warehouse.reports.statements.period import Period
from warehouse.reports.statements.stock import store_values
from warehouse.reports.statements.words import N_, Translate
from warehouse.service.models import Station, Ticket, TicketPart

TITLE = N_("Monthly repair stock record")
CAPTIONS = {"section": N_("Section"), "holder": N_("Van / station"), "holder_name": N_("Technician / station"),
            "part_number": N_("Part number"), "name": N_("Name"),
            "open_q": N_("Opening qty"), "in_q": N_("Refills qty"), "used_q": N_("Used in repairs qty"),
            "used_v": N_("Cost of parts used"), "other_q": N_("Other issues qty"), "close_q": N_("Closing qty"),
            "unit_cost": N_("Unit cost"), "close_v": N_("Closing value")}
VANS, STATIONS = N_("Technicians' vans"), N_("Stations (own stock)")
CENT = Decimal("0.01")


def van_sums(period: Period):
    """Per van and part: opening, refills, used, other issues and closing, in qty and cents."""
    dst, src = aliased(Location), aliased(Location)
    bucket = case((Move.created_at >= period.start_at, 1), else_=0)
    cents = sql_cents(Move.qty, Move.unit_cost)
    ins = (select(Move.to_location_id.label("van"), Move.part_id, bucket.label("b"), Move.qty.label("q"),
                  cents.label("c"), literal("in").label("kind"))
           .join(dst, dst.id == Move.to_location_id).where(dst.kind == "technician", Move.created_at < period.end_at))
    outs = (select(Move.from_location_id.label("van"), Move.part_id, bucket.label("b"), (-Move.qty).label("q"),
                   (-cents).label("c"), case((Move.doc_type == "service", "used"), else_="other").label("kind"))
            .join(src, src.id == Move.from_location_id)
            .where(src.kind == "technician", Move.created_at < period.end_at))
    f = union_all(ins, outs).subquery("van_moves")
    before, during = f.c.b == 0, f.c.b == 1
    cols = [total(before, f.c.q).label("open_q"), total(before, f.c.c).label("open_c")]
    for kind, sign in (("in", 1), ("used", -1), ("other", -1)):
        cond = during & (f.c.kind == kind)
        cols += [(total(cond, f.c.q) * sign).label(f"{kind}_q"), (total(cond, f.c.c) * sign).label(f"{kind}_c")]
    cols += [func.sum(f.c.q).label("close_q"), func.sum(f.c.c).label("close_c"), total(during, 1).label("moves")]
    agg = select(f.c.van, f.c.part_id, *cols).group_by(f.c.van, f.c.part_id).subquery()
    return (select(agg, Location.code, Location.name.label("technician"), Part.part_number, Part.name,
                   Part.standard_cost)
            .join(Location, Location.id == agg.c.van).join(Part, Part.id == agg.c.part_id)
            .where((agg.c.moves > 0) | (agg.c.open_q != 0))
            .order_by(Location.code, Part.part_number))


def _money(cents) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)


def rows(session: Session, period: Period, t: Translate):
    no_jit(session)
    values = store_values(session, until=period.end_at, slow_since=period.end_at)
    section = t(VANS)
    for r in session.execute(van_sums(period).execution_options(stream_results=True, yield_per=2000)):
        qty, cents, _ = values.get((r.part_id, "NEW"), (0, 0, False))
        unit_cost = moving_average(Decimal(cents) * CENT, qty, default=r.standard_cost)
        line = {"section": section, "holder": r.code, "holder_name": r.technician or "",
                "part_number": r.part_number, "name": r.name, "used_v": _money(r.used_c),
                "unit_cost": unit_cost, "close_v": money(int(r.close_q), unit_cost)}
        for k in ("open", "in", "used", "other", "close"):
            line[f"{k}_q"] = int(getattr(r, f"{k}_q"))
        yield line
    section = t(STATIONS)
    q = (select(Station.code, Station.name, Part.part_number, Part.name, func.sum(TicketPart.qty))
         .select_from(TicketPart).join(Ticket, Ticket.id == TicketPart.ticket_id)
         .join(Station, Station.code == Ticket.assignee).join(Part, Part.id == TicketPart.part_id)
         .where(Ticket.assignee_kind == "station", TicketPart.move_id.is_(None),
                Ticket.completed_at >= period.start_at, Ticket.completed_at < period.end_at)
         .group_by(Station.code, Station.name, Part.part_number, Part.name)
         .order_by(Station.code, Part.part_number))
    for code, sname, pn, name, qty in session.execute(q):
        line = {"section": section, "holder": code, "holder_name": sname, "part_number": pn, "name": name}
        line.update({k: None for k in CAPTIONS if k.endswith(("_q", "_v")) or k == "unit_cost"})
        line["used_q"] = int(qty)
        yield line


def columns(t: Translate) -> list[Column]:
    out = []
    for key, caption in CAPTIONS.items():
        kind = "qty" if key.endswith("_q") else "money" if key.endswith("_v") or key == "unit_cost" else "text"
        out.append(Column(key, t(caption), kind, total=False if key == "unit_cost" else None, width={"section": 8, "holder": 10, "holder_name": 10,
                                                        "part_number": 12, "name": 14}.get(key, 7)))
    return out


@statement("repair-stock", title=TITLE, periods=("month",), permission="stock.read")
def repair_stock(session: Session, *, period: Period, t: Translate) -> Report:
    return Report(title=t(TITLE), period=period.label, columns=columns(t), rows=rows(session, period, t),
                  group_by=("section", "holder"), totals=False, signatures=True, landscape=True,
                  sheet_name=period.label)
