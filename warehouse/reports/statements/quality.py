"""质量信息反馈表 (quality information feedback): the month's warranty claims (failures) by part, supplier, model and
failure cause, with the units concerned and, for parts and models, the failures per 1,000 units sold; a 12-month
chart of failures closes the PDF.

Figures come from `warehouse.warranty.quality.failures` (claims filed in the period; units sold up to its end), the
same numbers the quality statistics pages and API show. Each dimension is a group whose subtotal is the month's
claims, so the four subtotals agree with one another.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part, Supplier
from warehouse.reports import Chart, Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.period import Period, months_before
from warehouse.reports.statements.words import N_, Translate
from warehouse.warranty.quality import failures

TITLE = N_("Quality information feedback")
DIMENSIONS = {"part": N_("By part"), "supplier": N_("By supplier"), "model": N_("By model"),
              "cause": N_("By failure cause")}
CAUSES = {"quality": N_("Quality defect"), "human": N_("Human damage"), "wear": N_("Normal wear"),
          "installation": N_("Installation"), "": N_("Not assessed")}
CAPTIONS = {"dimension": N_("Grouping"), "key": N_("Code"), "name": N_("Name"), "claims": N_("Claims"),
            "qty": N_("Parts failed"), "units": N_("Units affected"), "units_sold": N_("Units sold"),
            "per_1000": N_("Failures per 1,000 units sold")}
CHART_TITLE = N_("Warranty claims, last 12 months")
CLAIMS = N_("Claims")
NO_SUPPLIER = N_("No supplier")


def columns(t: Translate) -> list[Column]:
    kinds = {"claims": ("qty", None), "qty": ("qty", None), "units": ("qty", False), "units_sold": ("qty", False),
             "per_1000": ("money", False)}  # a rate at 2 decimals, never summed
    return [Column(k, t(c), kinds.get(k, ("text", None))[0], total=kinds.get(k, ("text", None))[1])
            for k, c in CAPTIONS.items()]


def rows(session: Session, period: Period, t: Translate):
    part_names = dict(session.execute(select(Part.part_number, Part.name)).all())
    supplier_names = dict(session.execute(select(Supplier.code, Supplier.name)).all())
    for dim, caption in DIMENSIONS.items():
        for r in failures(session, start=period.start, end=period.end, by=dim):
            key = r["key"] or ""
            name = {"part": part_names.get(key, ""), "supplier": supplier_names.get(key, t(NO_SUPPLIER)),
                    "cause": t(CAUSES.get(key, key)), "model": ""}[dim]
            yield {"dimension": t(caption), "key": key, "name": name, "claims": r["claims"], "qty": r["qty"],
                   "units": r["units"], "units_sold": r.get("units_sold"), "per_1000": r.get("per_1000")}


def failures_trend(session: Session, period: Period, t: Translate) -> Chart:
    months = months_before(period, 12)
    counts = {r["key"]: r["claims"] for r in failures(session, start=months[0].start, end=months[-1].end,
                                                       by="month")}
    return Chart(t(CHART_TITLE), [m.label for m in months], [(t(CLAIMS), [counts.get(m.label, 0) for m in months])])


@statement("quality-feedback", title=TITLE, periods=("month",), permission="claims.read")
def quality_feedback(session: Session, *, period: Period, t: Translate) -> Report:
    return Report(title=t(TITLE), period=period.label, columns=columns(t), rows=list(rows(session, period, t)),
                  group_by="dimension", signatures=True, charts=[failures_trend(session, period, t)],
                  sheet_name=period.label)
