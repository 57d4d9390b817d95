"""Month aggregates of customer care for the KPI and dashboard pages: pure SQL aggregates over [start, end),
grouped by an optional dimension, answered as {key: (numerator, denominator)} (key None without a dimension), so the
caller divides (rules.ratio: a fraction 0–1, None on an empty denominator) and can add months or groups up exactly.

- Service-standard compliance: a check counts in the month of its `checked_at`; numerator = compliant checks
  (score ≥ the checklist's pass score at the time of the check), denominator = checks. Dimensions: `agent` (whose
  call or visit was checked), `kind` (call | visit), `month` ('YYYY-MM' of checked_at, UTC).
- Station inspection scores: an inspection counts in the month of its `inspected_on`; numerator = points scored,
  denominator = points possible, summed over the inspections (a station inspected twice on sheets of 100 points,
  scoring 80 and 90, has 170 / 200 = 0.85). Dimensions: `station`, `region`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.care import rules
from warehouse.care.models import Inspection, ServiceCheck
from warehouse.errors import ValidationError
from warehouse.service.queries import MONTH
from warehouse.service.rules import month_bounds

COMPLIANCE_BY = (None, "agent", "kind", "month")
STATION_BY = (None, "station", "region")


def month_range(month) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of 'YYYY-MM', UTC; 400 month_format otherwise."""
    if not isinstance(month, str) or not MONTH.match(month):
        raise ValidationError(field="month", reason="month_format")
    return month_bounds(month)


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _month_key(col, session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", col), "YYYY-MM")
    return func.strftime("%Y-%m", col)


def _dimension(by, allowed):
    if by not in allowed:
        raise ValidationError(field="by", reason="one_of", allowed=", ".join(a for a in allowed if a))


def compliance(session: Session, *, start, end, by: str | None = None) -> dict:
    """{key: (compliant checks, checks)} of the checks made in [start, end)."""
    _dimension(by, COMPLIANCE_BY)
    key = {None: None, "agent": ServiceCheck.agent, "kind": ServiceCheck.kind,
           "month": _month_key(ServiceCheck.checked_at, session) if by == "month" else None}[by]
    num = func.count().filter(ServiceCheck.compliant.is_(True))
    cols = [num, func.count()] if key is None else [key.label("k"), num, func.count()]
    stmt = select(*cols).where(ServiceCheck.checked_at >= start, ServiceCheck.checked_at < end)
    if key is None:
        n, d = session.execute(stmt).one()
        return {None: (n, d)} if d else {}
    return {k: (n, d) for k, n, d in session.execute(stmt.group_by(key))}


def station_scores(session: Session, *, start, end, by: str | None = "station") -> dict:
    """{key: (points scored, points possible)} of the station inspections made in [start, end)."""
    _dimension(by, STATION_BY)
    key = {None: None, "station": Inspection.target_code, "region": Inspection.region}[by]
    sums = [func.sum(Inspection.score), func.sum(Inspection.max_score)]
    stmt = select(*sums if key is None else [key.label("k"), *sums]).where(
        Inspection.target_kind == "station", Inspection.inspected_on >= _day(start), Inspection.inspected_on < _day(end))
    if key is None:
        n, d = session.execute(stmt).one()
        return {None: (int(n), int(d))} if d else {}
    return {k: (int(n), int(d)) for k, n, d in session.execute(stmt.group_by(key))}


def station_ranking(session: Session, *, start, end) -> list[dict]:
    """The stations inspected in [start, end), best first: points scored / possible, competition ranking
    (1, 2, 2, 4); each with its name and region as of its latest inspection there and the number of inspections."""
    latest = (select(Inspection.target_code, func.max(Inspection.id).label("last"), func.count().label("n"))
              .where(Inspection.target_kind == "station", Inspection.inspected_on >= _day(start),
                     Inspection.inspected_on < _day(end)).group_by(Inspection.target_code).subquery())
    facts = {code: (name, region, n) for code, name, region, n in session.execute(
        select(latest.c.target_code, Inspection.target_name, Inspection.region, latest.c.n)
        .join(Inspection, Inspection.id == latest.c.last))}
    rows = [{"station": code, "name": facts[code][0], "region": facts[code][1], "inspections": facts[code][2],
             "score": n, "max_score": d, "rate": rules.ratio(n, d)}
            for code, (n, d) in sorted(station_scores(session, start=start, end=end, by="station").items())]
    return rules.rank(rows)
