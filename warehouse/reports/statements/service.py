"""Customer-service reports: the weekly report every Friday (客服周报: accepted, chased, answered, called back,
complaints and their state) and the monthly report with the service-quality analysis (客服月报).

Counts come from the tickets, hand-offs, call attempts and complaints of the period [start, end) (UTC days): a
callback made is a call that reached the customer, calls not reached are counted apart. Every KPI figure — the
service-quality, callback and complaint sections included — comes from the KPI registry
(`warehouse.service.kpi_registry`, all wired); a KPI declared without a measure would read "not available yet" and
be named in the notes.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from warehouse.db import utcnow
from warehouse.reports import Chart, Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.period import Period
from warehouse.reports.statements.words import N_, Translate
from warehouse.service import kpi_registry as registry
from warehouse.service import rules
from warehouse.service.models import Callback, Complaint, Handoff, Ticket
from warehouse.service.targets import month_targets

WEEKLY = N_("Weekly customer-service report")
MONTHLY = N_("Monthly customer-service report")
CAPTIONS = {"section": N_("Section"), "item": N_("Item"), "count": N_("Count (cases)"), "rate": N_("Rate"),
            "figure": N_("Figure"), "target": N_("Target"), "remark": N_("Remark")}
SECTIONS = {"accepted": N_("Accepted (calls logged)"), "chased": N_("Chased"), "answered": N_("Answered"),
            "callbacks": N_("Called back"), "complaints": N_("Complaints"), "service": N_("Service KPIs"),
            "quality": N_("Service quality"), "stock": N_("Claims and stock"),
            "agent": N_("By agent"), "technician": N_("By technician"), "station": N_("By station"),
            "region": N_("By region")}
KINDS = {"repair": N_("Repair"), "installation": N_("Installation and commissioning"),
         "maintenance": N_("Maintenance visit"), "factory_repair": N_("Repair at the factory"),
         "complaint": N_("Complaint"), "inquiry": N_("Inquiry"), "suggestion": N_("Suggestion")}
W = {"handoffs_new": N_("Handed off to a department"), "handoffs_answered": N_("Department answers received"),
     "handoffs_overdue": N_("Hand-offs past their due date, unanswered at the end"),
     "jobs_late": N_("Jobs due in the period not reached in time"),
     "answered": N_("Inquiries, suggestions and complaints answered"),
     "callbacks": N_("Callbacks made"), "satisfied": N_("Satisfied"), "not_satisfied": N_("Not satisfied (reopened)"),
     "not_reached": N_("Calls not reached (tried again)"),
     "complaints_closed": N_("Complaints closed"), "complaints_unclosed": N_("Complaints not closed at the end"),
     "complaints_new": N_("Complaints logged"), "complaints_answered": N_("Complaints answered"),
     "complaints_open": N_("Complaints not answered at the end"), "total": N_("Total"),
     "not_available": N_("not available yet"), "met": N_("met"), "missed": N_("missed"),
     "n_of_d": N_("{n} of {d}")}
NOTE_REGISTRY = N_("Figures of the complaint, callback and service-quality sections come from the KPI registry; "
                   "those marked \"not available yet\" fill in once customer care records them: {names}.")
NOTE_ALL = N_("Every KPI of the registry is available.")
NOTE_PERIOD = N_("Period in UTC days; a KPI counts the records of the period (see docs/service.md).")
CHART = N_("KPIs against targets (%)")
ACTUAL, TARGET = N_("Actual"), N_("Target")
SECTION_OF_KPI = {"service": "service", "callbacks": "callbacks", "complaints": "complaints", "quality": "quality",
                  "stock": "stock"}


def columns(t: Translate) -> list[Column]:
    kinds = {"count": ("qty", False), "rate": ("percent", False), "figure": ("money", False)}
    return [Column(k, t(c), kinds.get(k, ("text", None))[0], total=kinds.get(k, ("text", None))[1])
            for k, c in CAPTIONS.items()]


def _count(session: Session, *where) -> int:
    return session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0


def activity_rows(session: Session, period: Period, t: Translate):
    """Accepted, chased, answered, called back, complaints — counts of the period."""
    start, end = period.start_at, period.end_at
    in_p = lambda col: and_(col >= start, col < end)  # noqa: E731
    sec = lambda k: t(SECTIONS[k])  # noqa: E731
    by_kind = dict(session.execute(select(Ticket.kind, func.count()).where(in_p(Ticket.created_at))
                                   .group_by(Ticket.kind)).all())
    for kind in rules.KINDS:
        yield {"section": sec("accepted"), "item": t(KINDS[kind]), "count": by_kind.get(kind, 0)}
    yield {"section": sec("accepted"), "item": t(W["total"]), "count": sum(by_kind.values())}
    h = Handoff
    yield {"section": sec("chased"), "item": t(W["handoffs_new"]),
           "count": session.scalar(select(func.count()).select_from(h).where(in_p(h.created_at))) or 0}
    yield {"section": sec("chased"), "item": t(W["handoffs_answered"]),
           "count": session.scalar(select(func.count()).select_from(h).where(in_p(h.answered_at))) or 0}
    yield {"section": sec("chased"), "item": t(W["handoffs_overdue"]),
           "count": session.scalar(select(func.count()).select_from(h).where(
               h.due_at < end, or_(h.answered_at.is_(None), h.answered_at >= end))) or 0}
    yield {"section": sec("chased"), "item": t(W["jobs_late"]),
           "count": _count(session, in_p(Ticket.due_at), or_(Ticket.arrived_at > Ticket.due_at,
                                                             and_(Ticket.arrived_at.is_(None), Ticket.due_at < utcnow())))}
    yield {"section": sec("answered"), "item": t(W["answered"]),
           "count": _count(session, Ticket.kind.in_(rules.ANSWERED_KINDS), in_p(Ticket.answered_at))}
    cb = session.execute(select(func.count().filter(Callback.reached.is_(True)),
                                func.count().filter(Callback.reached.is_(True), Callback.satisfied.is_(True)),
                                func.count().filter(Callback.reached.is_(True), Callback.satisfied.is_(False)),
                                func.count().filter(Callback.reached.is_(False)))
                         .where(in_p(Callback.at))).one()
    yield {"section": sec("callbacks"), "item": t(W["callbacks"]), "count": cb[0]}
    yield {"section": sec("callbacks"), "item": t(W["satisfied"]), "count": cb[1]}
    yield {"section": sec("callbacks"), "item": t(W["not_satisfied"]), "count": cb[2]}
    yield {"section": sec("callbacks"), "item": t(W["not_reached"]), "count": cb[3]}
    complaint = Ticket.kind == "complaint"
    yield {"section": sec("complaints"), "item": t(W["complaints_new"]),
           "count": _count(session, complaint, in_p(Ticket.created_at))}
    yield {"section": sec("complaints"), "item": t(W["complaints_answered"]),
           "count": _count(session, complaint, in_p(Ticket.answered_at))}
    yield {"section": sec("complaints"), "item": t(W["complaints_open"]),
           "count": _count(session, complaint, Ticket.created_at < end,
                           or_(Ticket.answered_at.is_(None), Ticket.answered_at >= end))}
    closed = select(func.count()).select_from(Complaint)
    yield {"section": sec("complaints"), "item": t(W["complaints_closed"]),
           "count": session.scalar(closed.where(in_p(Complaint.closed_at))) or 0}
    yield {"section": sec("complaints"), "item": t(W["complaints_unclosed"]),
           "count": session.scalar(closed.join(Ticket, Ticket.id == Complaint.ticket_id).where(
               Ticket.created_at < end, or_(Complaint.closed_at.is_(None), Complaint.closed_at >= end))) or 0}


def _kpi_cells(kpi: registry.Kpi, entry: dict, target, t: Translate) -> dict:
    value = entry["value"]
    cells = {"count": entry.get("denominator"), "rate": None, "figure": None, "target": "", "remark": ""}
    if not entry.get("available", True):
        cells["remark"] = t(W["not_available"])
        return cells
    if kpi.kind == "ratio":
        cells["rate"] = value
        if entry.get("denominator"):
            cells["remark"] = t(W["n_of_d"]).format(n=entry["numerator"], d=entry["denominator"])
    elif value is not None:
        cells["figure"] = Decimal(str(value))
    if target is not None:
        cells["target"] = f"{target * 100:.2f}%" if kpi.kind == "ratio" else f"{target:g}"
        ok = registry.met(kpi, value, target)
        if ok is not None:
            cells["remark"] = (cells["remark"] + " " if cells["remark"] else "") + t(W["met"] if ok else W["missed"])
    return cells


def _label(kpi: registry.Kpi, t: Translate) -> str:
    return t(kpi.label) + (f" ({t(kpi.unit)})" if kpi.unit else "")


def kpi_rows(session: Session, period: Period, t: Translate, goals: dict):
    for entry in registry.evaluate(session, start=period.start_at, end=period.end_at):
        kpi = registry.REGISTRY[entry["name"]]
        yield {"section": t(SECTIONS[SECTION_OF_KPI[kpi.section]]), "item": _label(kpi, t),
               **_kpi_cells(kpi, entry, goals.get(kpi.name), t)}


def breakdown_rows(session: Session, period: Period, t: Translate):
    for dim in registry.DIMENSIONS:
        for entry in registry.evaluate(session, start=period.start_at, end=period.end_at, by=dim):
            kpi = registry.REGISTRY[entry["name"]]
            for b in entry["by"]:
                yield {"section": t(SECTIONS[dim]), "item": f"{b['key']} · {_label(kpi, t)}",
                       **_kpi_cells(kpi, {**b, "available": True}, None, t)}


def notes(t: Translate) -> list[str]:
    missing = [t(k.label) for k in registry.REGISTRY.values() if k.measure is None]
    return [t(NOTE_PERIOD), t(NOTE_REGISTRY).format(names="、".join(missing)) if missing else t(NOTE_ALL)]


def _sorted(rows):
    """Rows grouped by section in the order they came (the base sorts by `group_by`; keep first appearance)."""
    rows = list(rows)
    order = {}
    for r in rows:
        order.setdefault(r["section"], len(order))
    return sorted(rows, key=lambda r: order[r["section"]])


def _row(r: dict) -> dict:
    return {k: r.get(k, "" if k in ("target", "remark") else None) for k in CAPTIONS}


def targets_chart(session: Session, period: Period, t: Translate, goals: dict) -> Chart:
    ratios = [e for e in registry.evaluate(session, start=period.start_at, end=period.end_at)
              if e["kind"] == "ratio" and e["available"]]
    return Chart(t(CHART), [t(registry.REGISTRY[e["name"]].label) for e in ratios],
                 [(t(ACTUAL), [round((e["value"] or 0) * 100, 2) for e in ratios]),
                  (t(TARGET), [round((goals.get(e["name"]) or 0) * 100, 2) for e in ratios])], kind="hbar")


def target_month(week: Period) -> str:
    """The month whose targets a week is held to: its Thursday's, where most of its days lie (the ISO rule that puts
    a week in a year). Week 2026-W49, Monday 30 November to Sunday 6 December, answers to December's targets."""
    return f"{week.start + timedelta(days=3):%Y-%m}"


@statement("service-weekly", title=WEEKLY, periods=("week",), permission="kpis.read")
def service_weekly(session: Session, *, period: Period, t: Translate) -> Report:
    goals = month_targets(session, month=target_month(period))
    rows = [*activity_rows(session, period, t), *kpi_rows(session, period, t, goals)]
    return Report(title=t(WEEKLY), period=f"{period.label} ({period.start:%Y-%m-%d} – {period.last_day:%Y-%m-%d})",
                  columns=columns(t), rows=[_row(r) for r in _sorted(rows)], group_by=None, notes=notes(t),
                  signatures=True, sheet_name=period.label)


@statement("service-monthly", title=MONTHLY, periods=("month",), permission="kpis.read")
def service_monthly(session: Session, *, period: Period, t: Translate) -> Report:
    goals = month_targets(session, month=period.label)
    rows = [*activity_rows(session, period, t), *kpi_rows(session, period, t, goals),
            *breakdown_rows(session, period, t)]
    return Report(title=t(MONTHLY), period=period.label, columns=columns(t), rows=[_row(r) for r in _sorted(rows)],
                  notes=notes(t), signatures=True, charts=[targets_chart(session, period, t, goals)],
                  sheet_name=period.label)
