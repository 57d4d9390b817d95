"""Monthly KPI targets (set by a manager, `kpis.targets`) and the month's scorecard: every KPI of the registry with
its actual, its target and whether the target is met; a KPI's 12-month trend for the charts.

A target belongs to a calendar month (`YYYY-MM`, which must exist: 2025-13 is refused) and one KPI of the
registry; it lies between 0 and the KPI's `target_max` (1 for a rate). Setting null removes it. All targets of one
request are checked before any is written.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warehouse.db import utcnow
from warehouse.errors import ValidationError
from warehouse.service import kpi_registry as registry
from warehouse.service import rules
from warehouse.service.models import KpiTarget

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
PLACES = Decimal("0.0001")


def check_month(month) -> tuple:
    """[start, end) of a month that exists (1900-01 … 2099-12), else 400 `month_format`."""
    m = MONTH.match(month) if isinstance(month, str) else None
    if m is None or not 1900 <= int(m.group(1)) <= 2099 or not 1 <= int(m.group(2)) <= 12:
        raise ValidationError(field="month", reason="month_format")
    return rules.month_bounds(month)


def _target(kpi: registry.Kpi, raw) -> Decimal:
    if isinstance(raw, bool):
        raise ValidationError(field=kpi.name, reason="not_decimal")
    try:
        value = Decimal(str(raw).strip()) if isinstance(raw, (str, int, float, Decimal)) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(field=kpi.name, reason="not_decimal")
    if value.as_tuple().exponent < -4:
        raise ValidationError(field=kpi.name, reason="too_many_decimals", places=4)
    if not 0 <= value <= Decimal(str(kpi.target_max)):
        raise ValidationError(field=kpi.name, reason="out_of_range", min=0, max=kpi.target_max)
    return value


def set_targets(session: Session, *, month: str, targets: dict, actor: str) -> dict:
    """Set (or with None remove) the month's targets of the KPIs named; returns the month's targets."""
    check_month(month)
    if not isinstance(targets, dict) or not targets:
        raise ValidationError(field="targets", reason="required")
    checked = {}
    for name, raw in targets.items():
        kpi = registry.get(name)
        checked[name] = None if raw is None or raw == "" else _target(kpi, raw)
    existing = {t.kpi: t for t in session.scalars(select(KpiTarget).where(KpiTarget.month == month,
                                                                          KpiTarget.kpi.in_(list(checked))))}
    for name, value in checked.items():
        row = existing.get(name)
        if value is None:
            if row is not None:
                session.execute(delete(KpiTarget).where(KpiTarget.id == row.id))
        elif row is None:
            session.add(KpiTarget(month=month, kpi=name, target=value, set_by=actor, set_at=utcnow()))
        else:
            row.target, row.set_by, row.set_at = value, actor, utcnow()
    session.flush()
    return {"month": month, "targets": month_targets(session, month=month)}


def month_targets(session: Session, *, month: str) -> dict[str, float]:
    return {k: float(v) for k, v in session.execute(select(KpiTarget.kpi, KpiTarget.target)
                                                    .where(KpiTarget.month == month))}


def scorecard(session: Session, *, month: str, by: str | None = None) -> dict:
    """The month's KPIs from the registry with their targets: `{month, kpis: [entry + target, met]}`; with `by`
    also `breakdown: {dimension, kpis: [entry with by: [...]]}`."""
    start, end = check_month(month)
    goals = month_targets(session, month=month)
    entries = registry.evaluate(session, start=start, end=end)
    for e in entries:
        e["target"] = goals.get(e["name"])
        e["met"] = registry.met(registry.REGISTRY[e["name"]], e["value"], e["target"])
    out = {"month": month, "kpis": entries}
    if by is not None:
        out["breakdown"] = {"dimension": by, "kpis": registry.evaluate(session, start=start, end=end, by=by)}
    return out


def months_back(month: str, n: int) -> list[str]:
    y, m = int(month[:4]), int(month[5:7])
    out = []
    for _ in range(n):
        out.insert(0, f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def trend(session: Session, *, name: str, month: str, n: int = 12) -> list[tuple[str, float | None, float | None]]:
    """(month, actual, target) of one KPI for the `n` months ending with `month`."""
    check_month(month)
    kpi = registry.get(name)
    months = months_back(month, n)
    goals = {m: float(v) for m, v in session.execute(select(KpiTarget.month, KpiTarget.target)
                                                     .where(KpiTarget.kpi == name, KpiTarget.month.in_(months)))}
    out = []
    for m in months:
        start, end = rules.month_bounds(m)
        value = None
        if kpi.measure is not None and start <= utcnow():
            value = registry.evaluate(session, start=start, end=end, names=(name,))[0]["value"]
        out.append((m, value, goals.get(m)))
    return out
