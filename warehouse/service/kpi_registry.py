"""The KPI registry: one definition per service KPI — its name (the API's field), its label in zh/en (N_ words the
shell translates), its kind, which way is better, the dimensions it can be read by, and the function that counts
it. The API (`GET /kpis`), the KPI page with its targets and charts, and the service reports all read KPIs from here
and nowhere else.

A measure function has the signature `fn(session, *, start, end, by=None) -> {key: figure}` for a period
[start, end) in UTC (a month, or a report's week) grouped by `by` (None: the whole period, key None; or one of
`DIMENSIONS`); the figure by kind:

| kind      | figure                   | value                                      |
|-----------|--------------------------|--------------------------------------------|
| `ratio`   | (numerator, denominator) | numerator / denominator, 0–1, 4 places      |
| `average` | (sum, count)             | sum / count, 2 places                      |
| `median`  | [values]                 | the median, 2 places                       |
| `count`   | int                      | the count                                  |

The value is None (`null`) when the denominator, count or list is empty.

KPIs whose records belong to customer care (complaints and their clock, follow-up call completion, the service
standard checks) are declared here with `measure=None` until their module is wired in with `plug(name, fn)` — one
line each, below `_WIRED`. Until then they read as "not available yet" (`available: false`), and the reports
say so. A plugged function replaces a default measure of the same name (complaint rate, average score).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from warehouse.errors import ValidationError
from warehouse.reports.statements.words import N_
from warehouse.service import measures, rules

DIMENSIONS = measures.DIMENSIONS
KINDS = ("ratio", "average", "median", "count")
Measure = Callable[..., dict]


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str  # an N_ word (English msgid; zh in the catalogs)
    kind: str
    higher_is_better: bool
    measure: Measure | None
    dimensions: tuple[str, ...] = DIMENSIONS
    unit: str = ""  # "" for ratios (shown as %), else an N_ word: minutes, points
    section: str = "service"  # the report section it belongs to: service | complaints | callbacks | quality | stock
    target_max: float | None = None  # the largest target a manager may set (1 for a ratio)


MINUTES, POINTS = N_("minutes"), N_("points (1–5)")
REGISTRY: dict[str, Kpi] = {}


def declare(kpi: Kpi) -> None:
    REGISTRY[kpi.name] = kpi


def plug(name: str, fn: Measure, dimensions: tuple[str, ...] | None = None) -> None:
    """Wire a measure function into a declared KPI (replacing its default measure), with the dimensions it reads."""
    if name not in REGISTRY:
        raise KeyError(name)
    extra = {} if dimensions is None else {"dimensions": dimensions}
    REGISTRY[name] = replace(REGISTRY[name], measure=fn, **extra)


for _k in (
    Kpi("repair_timeliness_rate", N_("Repair timeliness (reached in time)"), "ratio", True,
        measures.repair_timeliness, target_max=1),
    Kpi("first_response_minutes", N_("First response time (median)"), "median", False,
        measures.first_response_minutes, unit=MINUTES, target_max=100000),
    Kpi("satisfaction", N_("Customer satisfaction (satisfied callbacks)"), "ratio", True, measures.satisfaction,
        section="callbacks", target_max=1),
    Kpi("satisfaction_score", N_("Average satisfaction score"), "average", True, measures.satisfaction_score,
        unit=POINTS, section="callbacks", target_max=5),
    Kpi("callback_completion_rate", N_("Callback completion (calls made / due)"), "ratio", True, None,
        section="callbacks", target_max=1),
    Kpi("complaint_rate", N_("Complaint rate (customers)"), "ratio", False, measures.complaint_rate,
        dimensions=("region",), section="complaints", target_max=1),
    Kpi("complaint_response_rate", N_("Complaints answered within 24 hours"), "ratio", True, None,
        section="complaints", target_max=1),
    Kpi("repeat_repair_rate", N_("Repeat repairs within 30 days"), "ratio", False, measures.repeat_repairs,
        target_max=1),
    Kpi("compliance_rate", N_("Service-standard compliance"), "ratio", True, None, section="quality",
        target_max=1),
    Kpi("station_inspection_score", N_("Station inspection score (points scored / possible)"), "ratio", True, None,
        dimensions=("station", "region"), section="quality", target_max=1),
    Kpi("claim_approval_rate", N_("Warranty claim approval rate"), "ratio", True, measures.claim_approval,
        dimensions=("technician", "station", "region"), section="stock", target_max=1),
    Kpi("stock_accuracy", N_("Stock accuracy (account, item and card agree)"), "ratio", True,
        measures.stock_accuracy, dimensions=(), section="stock", target_max=1),
):
    declare(_k)

# --- the customer-care measures (warehouse/service/care_kpis.py): by agent and region
from warehouse.service import care_kpis, clock  # noqa: E402

_CARE = ("agent", "region")
plug("callback_completion_rate", care_kpis.callback_completion_rate, _CARE)
plug("complaint_rate", care_kpis.complaint_rate, _CARE)
plug("complaint_response_rate", lambda session, *, start, end, by=None: care_kpis.complaint_response_rate(
    session, start=start, end=end, now=clock.now(), by=by), _CARE)
plug("satisfaction_score", care_kpis.satisfaction_score, _CARE)

# --- service quality and inspections (warehouse/care/kpis.py)
from warehouse.care import kpis as care_quality  # noqa: E402

plug("compliance_rate", care_quality.compliance, ("agent",))
plug("station_inspection_score", care_quality.station_scores, ("station", "region"))


def get(name: str) -> Kpi:
    if name not in REGISTRY:
        raise ValidationError(field="kpi", reason="one_of", allowed=", ".join(REGISTRY))
    return REGISTRY[name]


def value(kpi: Kpi, figure) -> float | int | None:
    """The KPI's value from its figure (None when nothing was counted)."""
    if figure is None:
        return None
    if kpi.kind == "ratio":
        return rules.rate(*figure)
    if kpi.kind == "average":
        return rules.average(*figure)
    if kpi.kind == "median":
        return rules.median(figure)
    return int(figure)


def _basis(kpi: Kpi, figure) -> dict:
    if kpi.kind in ("ratio", "average"):
        n, d = figure if figure is not None else (0, 0)
        return {"numerator": n if kpi.kind == "ratio" else round(float(n), 2), "denominator": d}
    if kpi.kind == "median":
        return {"numerator": None, "denominator": len(figure or ())}
    return {"numerator": None, "denominator": None}


def evaluate(session: Session, *, start: datetime, end: datetime, by: str | None = None,
             names: tuple[str, ...] | None = None) -> list[dict]:
    """Every KPI (or those `names`) for [start, end): by None one entry per KPI
    `{name, kind, available, value, numerator, denominator, higher_is_better}`; by a dimension the same with
    `by: [{key, value, numerator, denominator}]` (empty for a KPI that is not read by that dimension)."""
    if by is not None and by not in DIMENSIONS:
        raise ValidationError(field="by", reason="one_of", allowed=", ".join(DIMENSIONS))
    out = []
    for kpi in (REGISTRY[n] for n in (names or REGISTRY)):
        entry = {"name": kpi.name, "kind": kpi.kind, "unit": kpi.unit, "section": kpi.section,
                 "available": kpi.measure is not None, "higher_is_better": kpi.higher_is_better}
        if kpi.measure is None:
            entry.update(value=None, numerator=None, denominator=None, **({"by": []} if by else {}))
        elif by is None:
            figures = kpi.measure(session, start=start, end=end, by=None)
            figure = next(iter(figures.values())) if figures else None
            entry.update(value=value(kpi, figure), **_basis(kpi, figure))
        else:
            figures = kpi.measure(session, start=start, end=end, by=by) if by in kpi.dimensions else {}
            entry["by"] = [{"key": key, "value": value(kpi, f), **_basis(kpi, f)}
                           for key, f in sorted(figures.items(), key=lambda kv: str(kv[0]))]
        out.append(entry)
    return out


def met(kpi: Kpi, actual, target) -> bool | None:
    """Whether an actual meets its target (None when either is missing)."""
    if actual is None or target is None:
        return None
    return actual >= target if kpi.higher_is_better else actual <= target
