"""Follow-up calls on schedule (回访): the service agents' call list and every call attempt.

What is due (the schedule, pure functions below, tested across a year with a fixed clock):
- **job**: every completed field job waits for its callback (ticket status `completed`) from its completion on;
  a reached call closes it (satisfied) or reopens it (not satisfied) — `services.callback`, CONTRACT's callback.
- **periodic**: a unit under maintenance (a completed installation or maintenance job, or a maintenance contract
  in force) is called counted from its latest completion notice (完工通知单: the latest completed field job on
  the unit, or the contract's start when no job came later): in the first year every quarter (3, 6, 9, 12 months),
  in the second year every six months (18, 24 months); after that only while a contract runs (every six months).
  A later job restarts the count. An entry stays on the list from its date until it is reached or the next one
  falls due.
- **seasonal**: 7 days before the heating season (every unit under maintenance) and before the cooling season
  (air conditioners only) a reminder, on the list until the season starts. Season starts are set per region
  (`Season`, the manager edits them; '*' for every other region), else DEFAULT_SEASONS.

Periodic and seasonal calls have no ticket of their own: their attempts are `Callback` rows with the unit and
the entry's `due_on`. An attempt not reached is a row with `reached` false; the entry stays on the list (retries)
and is flagged `unreachable` after MAX_TRIES attempts without reaching anyone.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from warehouse.errors import Conflict, ValidationError
from warehouse.service import clock, rules
from warehouse.service.models import Callback, MaintenanceContract, Season, Ticket, TicketEvent
from warehouse.warranty.models import Customer, ProductModel, Unit

PURPOSES = ("job", "periodic", "seasonal")
SEASONS = ("heating", "cooling")
# First year each quarter, second year every six months (months after the completion notice).
PERIODIC_MONTHS = (3, 6, 9, 12, 18, 24)
CONTRACT_STEP = 6  # months between calls after the second year, while a maintenance contract runs
SEASON_LEAD = timedelta(days=7)
# (month, day) the season starts where no Season row says otherwise (northern China: heating from 15 November).
DEFAULT_SEASONS = {"heating": (11, 15), "cooling": (6, 1)}
MAX_TRIES = 3
NOTES_LEN = 2000
# An air conditioner: its product model's category is one of these, or its model code is a GB room-AC code (KF…).
AC_CATEGORIES = ("air_conditioner", "ac", "空调")
LIST_LIMIT = 500


# --- the schedule (pure) ------------------------------------------------------------------------------------------

def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def periodic_dates(anchor: date, *, until: date, contract_until: date | None = None) -> list[date]:
    """The periodic call dates counted from a completion notice on `anchor`, up to `until` (inclusive)."""
    out = [add_months(anchor, m) for m in PERIODIC_MONTHS]
    if contract_until is not None:
        m = PERIODIC_MONTHS[-1] + CONTRACT_STEP
        while add_months(anchor, m) <= min(until, contract_until):
            out.append(add_months(anchor, m))
            m += CONTRACT_STEP
    return [d for d in out if d <= until]


def periodic_due(anchor: date, on: date, *, contract_until: date | None = None) -> tuple[date, int] | None:
    """The periodic entry on the list on day `on`: (its date, months after the anchor), the latest one due — an
    entry is superseded once the next falls due; the last one stays for CONTRACT_STEP months."""
    dates = periodic_dates(anchor, until=on, contract_until=contract_until)
    if not dates:
        return None
    due = dates[-1]
    months = (due.year - anchor.year) * 12 + due.month - anchor.month
    if add_months(anchor, months + CONTRACT_STEP) <= on and months >= PERIODIC_MONTHS[-1]:
        return None  # the last one, left unanswered for six months, is off the list
    return due, months


def season_start(on: date, month: int, day: int) -> date:
    """The next start of a season on or after `on`'s reminder window (this year's, or next year's if passed)."""
    start = date(on.year, month, min(day, calendar.monthrange(on.year, month)[1]))
    return start if start > on else date(on.year + 1, month, min(day, calendar.monthrange(on.year + 1, month)[1]))


def seasonal_due(on: date, month: int, day: int) -> tuple[date, date] | None:
    """(reminder date, season start) when `on` is within the 7 days before the season starts, else None."""
    start = season_start(on, month, day)
    due = start - SEASON_LEAD
    return (due, start) if due <= on < start else None


def is_air_conditioner(model: str | None, category: str | None) -> bool:
    return (category or "").lower() in AC_CATEGORIES or (model or "").upper().startswith("KF")


@dataclass
class Entry:
    purpose: str
    due_on: date
    unit_id: int | None
    ticket_id: int | None = None
    season: str | None = None
    season_starts: date | None = None
    months: int | None = None


# --- settings ---------------------------------------------------------------------------------------------------

def _region(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "*"
    if not isinstance(value, str) or len(value.strip()) > 64:
        raise ValidationError(field="region", reason="too_long", max=64)
    return value.strip()


def set_season(session: Session, *, season: str, start_month: int, start_day: int, region: str | None = None
               ) -> Season:
    """When a season starts in a region ('*' for any other region)."""
    if season not in SEASONS:
        raise ValidationError(field="season", reason="one_of", allowed=", ".join(SEASONS))
    for name, v, hi in (("start_month", start_month, 12), ("start_day", start_day, 31)):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= hi:
            raise ValidationError(field=name, reason="out_of_range", min=1, max=hi)
    if start_day > calendar.monthrange(2001, start_month)[1]:  # no 30 February (29 February neither: not yearly)
        raise ValidationError(field="start_day", reason="out_of_range", min=1,
                              max=calendar.monthrange(2001, start_month)[1])
    region = _region(region)
    row = session.scalar(select(Season).where(Season.region == region, Season.season == season)) \
        or Season(region=region, season=season)
    row.start_month, row.start_day = start_month, start_day
    session.add(row)
    session.flush()
    return row


def seasons(session: Session) -> list[dict]:
    rows = session.scalars(select(Season).order_by(Season.region, Season.season)).all()
    return [{"region": r.region, "season": r.season, "start_month": r.start_month, "start_day": r.start_day}
            for r in rows]


def _season_table(session: Session) -> dict[tuple[str, str], tuple[int, int]]:
    table = {("*", s): md for s, md in DEFAULT_SEASONS.items()}
    for r in session.scalars(select(Season)):
        table[(r.region, r.season)] = (r.start_month, r.start_day)
    return table


def add_contract(session: Session, *, serial: str, starts_on: date, actor: str, ends_on: date | None = None
                 ) -> MaintenanceContract:
    from warehouse.warranty.services import get_unit, normalise_serial
    if not isinstance(starts_on, date):
        raise ValidationError(field="starts_on", reason="required")
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError(field="ends_on", reason="before_previous", not_before=starts_on.isoformat())
    unit = get_unit(session, normalise_serial(serial))
    row = MaintenanceContract(unit_id=unit.id, starts_on=starts_on, ends_on=ends_on, created_by=actor)
    session.add(row)
    session.flush()
    return row


# --- what is due on a day -----------------------------------------------------------------------------------------

def _maintained_units(session: Session, on: date) -> dict[int, dict]:
    """Units under maintenance on `on`: {unit_id: {anchor, contract_until, region, owner}}."""
    day_end = datetime(on.year, on.month, on.day, tzinfo=clock.now().tzinfo) + timedelta(days=1)
    jobs = session.execute(select(Ticket.unit_id, Ticket.kind, Ticket.completed_at, Ticket.region, Ticket.created_by)
                           .where(Ticket.unit_id.is_not(None), Ticket.completed_at.is_not(None),
                                  Ticket.completed_at < day_end, Ticket.kind.in_(rules.FIELD_KINDS))
                           .order_by(Ticket.completed_at)).all()
    contracts = session.execute(select(MaintenanceContract.unit_id, MaintenanceContract.starts_on,
                                       MaintenanceContract.ends_on)
                                .where(MaintenanceContract.starts_on <= on,
                                       or_(MaintenanceContract.ends_on.is_(None),
                                           MaintenanceContract.ends_on >= on))).all()
    units: dict[int, dict] = {}
    qualifies = set()
    for unit_id, kind, completed_at, region, created_by in jobs:
        u = units.setdefault(unit_id, {"anchor": None, "contract_until": None, "region": None, "owner": None})
        u["anchor"], u["owner"] = completed_at.date(), created_by  # ordered: the latest wins
        u["region"] = region or u["region"]
        if kind in ("installation", "maintenance"):
            qualifies.add(unit_id)
    for unit_id, starts_on, ends_on in contracts:
        u = units.setdefault(unit_id, {"anchor": None, "contract_until": None, "region": None, "owner": None})
        qualifies.add(unit_id)
        u["contract_until"] = ends_on or date.max
        if u["anchor"] is None or starts_on > u["anchor"]:
            u["anchor"] = starts_on
    return {k: v for k, v in units.items() if k in qualifies}


def due_entries(session: Session, *, on: date) -> list[tuple[Entry, dict]]:
    """Every periodic and seasonal entry due on `on` (answered or not), with its unit's facts."""
    units = _maintained_units(session, on)
    if not units:
        return []
    table = _season_table(session)
    models = dict(session.execute(select(Unit.id, Unit.model).where(Unit.id.in_(list(units)))).all())
    categories = dict(session.execute(select(ProductModel.code, ProductModel.category)
                                      .where(ProductModel.code.in_(set(models.values())))).all())
    out = []
    for unit_id, u in units.items():
        p = periodic_due(u["anchor"], on, contract_until=u["contract_until"] if u["contract_until"] else None)
        if p is not None:
            out.append((Entry("periodic", p[0], unit_id, months=p[1]), u))
        model = models.get(unit_id)
        for season in SEASONS:
            if season == "cooling" and not is_air_conditioner(model, categories.get(model)):
                continue
            month, day = table.get((u["region"] or "*", season)) or table[("*", season)]
            s = seasonal_due(on, month, day)
            if s is not None:
                out.append((Entry("seasonal", s[0], unit_id, season=season, season_starts=s[1]), u))
    return out


def call_list(session: Session, *, on: date | None = None, with_customers: bool) -> list[dict]:
    """The service agents' call list for day `on` (default: today by the care clock): completed jobs waiting for
    their callback, then periodic and seasonal calls due and not answered yet — each with its attempts so far and
    what to tell the customer (`talk`: a code and its parameters, worded by the shell)."""
    on = on or clock.now().date()
    rows: list[dict] = []
    jobs = session.execute(select(Ticket, Unit.serial, Unit.model).outerjoin(Unit, Unit.id == Ticket.unit_id)
                           .where(Ticket.status == "completed", Ticket.kind.in_(rules.FIELD_KINDS))
                           .order_by(Ticket.completed_at).limit(LIST_LIMIT)).all()
    tries = _tries_by_ticket(session, [t.id for t, _s, _m in jobs])
    for t, serial, model in jobs:
        n, last = tries.get(t.id, (0, None))
        rows.append({"purpose": "job", "ticket_no": t.ticket_no, "serial": serial, "model": model,
                     "due_on": t.completed_at.date().isoformat(), "region": t.region, "owner": t.created_by,
                     "customer_id": t.customer_id, "season": None, "season_starts": None, "months": None,
                     "attempts": n, "last_attempt_at": last, "unreachable": n >= MAX_TRIES,
                     "talk": {"code": "job", "kind": t.kind, "completed_on": t.completed_at.date().isoformat(),
                              "ticket_no": t.ticket_no}})
    entries = due_entries(session, on=on)
    answered, tries2 = _entry_calls(session, entries)
    unit_ids = {e.unit_id for e, _u in entries}
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    for e, u in sorted(entries, key=lambda p: (p[0].due_on, p[0].unit_id)):
        key = (e.purpose, e.unit_id, e.due_on)
        if key in answered:
            continue
        n, last = tries2.get(key, (0, None))
        unit = units[e.unit_id]
        talk = {"code": e.season or "periodic", "model": unit.model, "serial": unit.serial}
        if e.season:
            talk["season_starts"] = e.season_starts.isoformat()
        else:
            talk["months"] = e.months
        rows.append({"purpose": e.purpose, "ticket_no": None, "serial": unit.serial, "model": unit.model,
                     "due_on": e.due_on.isoformat(), "region": u["region"], "owner": u["owner"],
                     "customer_id": unit.customer_id, "season": e.season,
                     "season_starts": e.season_starts.isoformat() if e.season_starts else None,
                     "months": e.months, "attempts": n, "last_attempt_at": last,
                     "unreachable": n >= MAX_TRIES, "talk": talk})
    _customers(session, rows, with_customers)
    rows.sort(key=lambda r: (r["unreachable"], r["due_on"]))
    return rows


def _customers(session: Session, rows: list[dict], with_customers: bool) -> None:
    ids = {r["customer_id"] for r in rows if r["customer_id"]}
    found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))} \
        if ids and with_customers else {}
    for r in rows:
        c = found.get(r.pop("customer_id"))
        if with_customers:
            r["customer"] = None if c is None else {"id": c.id, "name": c.name, "phone": c.phone,
                                                    "key_account": c.key_account}


def _tries_by_ticket(session: Session, ids: list[int]) -> dict[int, tuple[int, str | None]]:
    """Unreached attempts since the job was last completed (a reopened job starts again)."""
    if not ids:
        return {}
    rows = session.execute(select(Callback.ticket_id, func.count(), func.max(Callback.at))
                           .join(Ticket, Ticket.id == Callback.ticket_id)
                           .where(Callback.ticket_id.in_(ids), Callback.reached.is_(False),
                                  Callback.at >= Ticket.completed_at)
                           .group_by(Callback.ticket_id)).all()
    return {tid: (n, last.isoformat() if last else None) for tid, n, last in rows}


def _entry_calls(session: Session, entries):
    if not entries:
        return set(), {}
    unit_ids = {e.unit_id for e, _u in entries}
    rows = session.execute(select(Callback.purpose, Callback.unit_id, Callback.due_on, Callback.reached,
                                  func.count(), func.max(Callback.at))
                           .where(Callback.unit_id.in_(unit_ids), Callback.purpose.in_(("periodic", "seasonal")))
                           .group_by(Callback.purpose, Callback.unit_id, Callback.due_on, Callback.reached)).all()
    answered, tries = set(), {}
    for purpose, unit_id, due_on, reached, n, last in rows:
        if reached:
            answered.add((purpose, unit_id, due_on))
        else:
            tries[(purpose, unit_id, due_on)] = (n, last.isoformat() if last else None)
    return answered, tries


# --- recording a call ---------------------------------------------------------------------------------------------

def _score(score) -> int | None:
    if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5):
        raise ValidationError(field="score", reason="out_of_range", min=1, max=5)
    return score


def record_call(session: Session, *, actor: str, reached: bool, purpose: str = "job", ticket_no: str | None = None,
                serial: str | None = None, due_on: date | None = None, season: str | None = None,
                satisfied: bool | None = None, score: int | None = None, notes: str | None = None) -> Callback:
    """One call attempt. Not reached: recorded, the entry stays on the list (a retry). Reached: for a job the
    callback proper (satisfied closes it, not satisfied reopens it: `services.callback`); for a periodic or
    seasonal entry the call is done (satisfied and score optional)."""
    from warehouse.service import services as service
    if not isinstance(reached, bool):
        raise ValidationError(field="reached", reason="required")
    if purpose not in PURPOSES:
        raise ValidationError(field="purpose", reason="one_of", allowed=", ".join(PURPOSES))
    score = _score(score)
    if satisfied is not None and not isinstance(satisfied, bool):
        raise ValidationError(field="satisfied", reason="required")
    notes = service._text(notes, "notes", NOTES_LEN)
    now = clock.now()
    if purpose == "job":
        if not isinstance(ticket_no, str) or not ticket_no.strip():
            raise ValidationError(field="ticket_no", reason="required")
        if reached:
            if satisfied is None:
                raise ValidationError(field="satisfied", reason="required")
            return service.callback(session, ticket_no=ticket_no, satisfied=satisfied, actor=actor, score=score,
                                    notes=notes)
        ticket = service.get_ticket(session, ticket_no, lock=True)
        if ticket.status != "completed":
            from warehouse.service.errors import JobOpen, TicketState
            if ticket.status == "closed":
                raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step="callback")
            raise JobOpen(ticket_no=ticket.ticket_no, status=ticket.status)
        cb = Callback(ticket_id=ticket.id, unit_id=ticket.unit_id, purpose="job", reached=False, notes=notes,
                      actor=actor, at=now)
        session.add(cb)
        session.add(TicketEvent(ticket_id=ticket.id, kind="call_not_reached", at=now, actor=actor,
                                data={"notes": notes} if notes else None))
        session.flush()
        return cb
    # periodic or seasonal: the entry must be on today's list
    from warehouse.warranty.services import get_unit, normalise_serial
    if not isinstance(serial, str) or not serial.strip():
        raise ValidationError(field="serial", reason="required")
    if not isinstance(due_on, date):
        raise ValidationError(field="due_on", reason="required")
    unit = get_unit(session, normalise_serial(serial))
    entry = next((e for e, _u in due_entries(session, on=now.date())
                  if e.unit_id == unit.id and e.purpose == purpose and e.due_on == due_on
                  and (purpose == "periodic" or e.season == season)), None)
    if entry is None:
        raise Conflict(reason="call_not_due", serial=unit.serial, due_on=due_on.isoformat())
    done = session.scalar(select(Callback.id).where(Callback.purpose == purpose, Callback.unit_id == unit.id,
                                                    Callback.due_on == due_on, Callback.reached.is_(True)))
    if done is not None:
        raise Conflict(reason="call_done", serial=unit.serial, due_on=due_on.isoformat())
    cb = Callback(ticket_id=None, unit_id=unit.id, purpose=purpose, due_on=due_on, season=entry.season,
                  reached=reached, satisfied=satisfied if reached else None, score=score if reached else None,
                  notes=notes, actor=actor, at=now)
    session.add(cb)
    session.flush()
    return cb
