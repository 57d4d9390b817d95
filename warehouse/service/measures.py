"""The KPI measures whose records exist in field service, warranty and stocktake: one function per KPI, each
counting a period [start, end) (UTC) overall or grouped by one dimension. The KPI registry (`kpi_registry.py`)
names them; their definitions are in docs/service.md.

Every function has the registry's signature `fn(session, *, start, end, by=None) -> {key: figure}`:
- `by` is None (one key, None: the whole period) or a dimension — `agent`, `technician`, `station`, `region`;
  a record without a value for that dimension (a job a station did has no technician) counts only in the total;
- the figure is `(numerator, denominator)` for a ratio, `(sum, count)` for an average, the list of values for a
  median, an int for a count.

Dimensions of a ticket: the agent is who logged the call (`created_by`), the technician or the station is the
job's assignee at the time of reading (a reassigned job counts once, for whoever holds it last), the region is the
ticket's. A callback's agent is who made the call.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from warehouse.db import utcnow
from warehouse.dealers.models import Dealer
from warehouse.service import rules
from warehouse.service.models import Callback, Station, Ticket
from warehouse.stocktake.models import StocktakeLine
from warehouse.warranty.models import Claim
from warehouse.warranty.rules import FINAL

DIMENSIONS = ("agent", "technician", "station", "region")
_SKIP = object()


def _ticket_key(by, agent, assignee_kind, assignee, region):
    if by is None:
        return None
    value = {"agent": agent, "technician": assignee if assignee_kind == "technician" else None,
             "station": assignee if assignee_kind == "station" else None, "region": region}[by]
    return value if value else _SKIP


def _in(col, start: datetime, end: datetime):
    return and_(col >= start, col < end)


_T = (Ticket.created_by, Ticket.assignee_kind, Ticket.assignee, Ticket.region)


def repair_timeliness(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(jobs reached by their due time, jobs due in the period that were reached or whose due time has passed)."""
    now = utcnow()
    out: dict = defaultdict(lambda: [0, 0])
    for *dims, arrived, due in session.execute(
            select(*_T, Ticket.arrived_at, Ticket.due_at)
            .where(_in(Ticket.due_at, start, end), or_(Ticket.arrived_at.is_not(None), Ticket.due_at < now))):
        key = _ticket_key(by, *dims)
        if key is not _SKIP:
            out[key][1] += 1
            out[key][0] += arrived is not None and arrived <= due
    return {k: tuple(v) for k, v in out.items()}


def _callbacks(session: Session, start, end, by):
    for actor, _agent, kind, assignee, region, satisfied, score in session.execute(
            select(Callback.actor, *_T, Callback.satisfied, Callback.score).join(Ticket, Ticket.id == Callback.ticket_id)
            .where(_in(Callback.at, start, end), Callback.purpose == "job", Callback.reached.is_(True))):
        key = _ticket_key(by, actor, kind, assignee, region)
        if key is not _SKIP:
            yield key, satisfied, score


def satisfaction(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(satisfied callbacks, callbacks) made in the period: reached calls on a job (a call not reached, a periodic or
    a season call is not a callback on a job)."""
    out: dict = defaultdict(lambda: [0, 0])
    for key, satisfied, _score in _callbacks(session, start, end, by):
        out[key][0] += bool(satisfied)
        out[key][1] += 1
    return {k: tuple(v) for k, v in out.items()}


def satisfaction_score(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(sum of scores, callbacks with a score) made in the period."""
    out: dict = defaultdict(lambda: [0, 0])
    for key, _satisfied, score in _callbacks(session, start, end, by):
        if score is not None:
            out[key][0] += score
            out[key][1] += 1
    return {k: tuple(v) for k, v in out.items()}


def complaint_rate(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(distinct customers with a complaint ticket logged in the period, distinct customers with a field job
    completed in it). A customer who complains twice counts once; by region only (a complaint has no assignee)."""
    if by not in (None, "region"):
        return {}
    complained, served = defaultdict(set), defaultdict(set)
    for customer, region in session.execute(
            select(Ticket.customer_id, Ticket.region).where(Ticket.kind == "complaint", Ticket.customer_id.is_not(None),
                                                           _in(Ticket.created_at, start, end))):
        if by is None or region:
            complained[region if by else None].add(customer)
    for customer, region in session.execute(
            select(Ticket.customer_id, Ticket.region).where(Ticket.kind.in_(rules.FIELD_KINDS),
                                                           Ticket.customer_id.is_not(None),
                                                           _in(Ticket.completed_at, start, end))):
        if by is None or region:
            served[region if by else None].add(customer)
    return {k: (len(complained.get(k, ())), len(served.get(k, ()))) for k in set(complained) | set(served)}


def first_response_minutes(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """Minutes from the call being logged to the first response (`rules.first_response`), for every ticket whose
    first response falls in the period: a list per key, for the median."""
    out: dict = defaultdict(list)
    q = (select(*_T, Ticket.created_at, Ticket.contacted_at, Ticket.answered_at, Ticket.arrived_at)
         .where(or_(_in(Ticket.contacted_at, start, end), _in(Ticket.answered_at, start, end),
                    _in(Ticket.arrived_at, start, end))))
    for *dims, created, contacted, answered, arrived in session.execute(q):
        first = rules.first_response(contacted_at=contacted, answered_at=answered, arrived_at=arrived)
        if first is None or not start <= first < end:
            continue
        key = _ticket_key(by, *dims)
        if key is not _SKIP:
            out[key].append(max(0.0, (first - created).total_seconds() / 60))
    return dict(out)


def repeat_repairs(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(repair jobs completed in the period whose unit needed another repair logged within 30 days of that
    completion, repair jobs with a unit completed in the period). Counted against whoever did the first repair;
    a month's figure is final 30 days after it ends."""
    jobs = session.execute(select(*_T, Ticket.id, Ticket.unit_id, Ticket.completed_at)
                           .where(Ticket.kind.in_(rules.REPAIR_KINDS), Ticket.unit_id.is_not(None),
                                  _in(Ticket.completed_at, start, end))).all()
    later: dict = defaultdict(list)
    if jobs:
        for unit, logged in session.execute(
                select(Ticket.unit_id, Ticket.created_at)
                .where(Ticket.kind.in_(rules.REPAIR_KINDS), Ticket.created_at > start,
                       Ticket.unit_id.in_({j.unit_id for j in jobs}))):
            later[unit].append(logged)
    out: dict = defaultdict(lambda: [0, 0])
    for *dims, _id, unit, completed in jobs:
        key = _ticket_key(by, *dims)
        if key is not _SKIP:
            out[key][1] += 1
            out[key][0] += rules.is_repeat(completed, later[unit])
    return {k: tuple(v) for k, v in out.items()}


def claim_approval(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(claims approved, claims decided — approved, rejected or charged — in the period). A claim is decided when
    its final status took effect: the assessment, or the confirmation when one was needed (the later of the two).
    Technician = who assessed it; station = the repair station that is the claim's dealer; region = the dealer's."""
    if by == "agent":
        return {}
    stations = dict(session.execute(select(Station.dealer_code, Station.code).where(Station.dealer_code.is_not(None))).all())
    q = (select(Claim.status, Claim.assessed_at, Claim.confirmed_at, Claim.assessed_by, Dealer.code, Dealer.region)
         .join(Dealer, Dealer.id == Claim.dealer_id)
         .where(Claim.status.in_(tuple(FINAL.values())),
                or_(_in(Claim.assessed_at, start, end), _in(Claim.confirmed_at, start, end))))
    out: dict = defaultdict(lambda: [0, 0])
    for status, assessed, confirmed, assessor, dealer, region in session.execute(q):
        decided = max(t for t in (assessed, confirmed) if t is not None)
        if not start <= decided < end:
            continue
        key = None if by is None else {"technician": assessor, "station": stations.get(dealer),
                                        "region": region}[by]
        if by is not None and not key:
            continue
        out[key][1] += 1
        out[key][0] += status == FINAL["approve"]
    return {k: tuple(v) for k, v in out.items()}


def stock_accuracy(session: Session, *, start: datetime, end: datetime, by: str | None = None) -> dict:
    """(bins whose account, item and card agreed at their last count in the period, bins counted in it). A bin's
    last count is, for each part counted in it, the latest count line of the period (a recount replaces the count
    it repeats); the bin agrees when every one of them has counted = account = card at the count (the card: the
    paper card's figure typed at the count, else the system's card). Overall only (bins have no agent)."""
    if by is not None:
        return {}
    last: dict = {}
    for loc, part, physical, account, card, card_at in session.execute(
            select(StocktakeLine.location_id, StocktakeLine.part_id, StocktakeLine.physical,
                   StocktakeLine.account_at_count, StocktakeLine.card, StocktakeLine.card_at_count)
            .where(_in(StocktakeLine.counted_at, start, end))
            .order_by(StocktakeLine.counted_at, StocktakeLine.id)):
        last[(loc, part)] = physical == account == (card if card is not None else card_at)
    bins: dict = {}
    for (loc, _part), agrees in last.items():
        bins[loc] = bins.get(loc, True) and agrees
    return {None: (sum(bins.values()), len(bins))} if bins else {}
