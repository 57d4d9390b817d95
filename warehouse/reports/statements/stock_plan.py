"""库存计划 (stock plan): per part, average monthly usage, lead time, on hand, on order, backordered, the suggested
order quantity and the shortage ahead, as of the end of a day or month. The arithmetic is
`warehouse.purchasing.rules` (quoted in docs/reports.md); on hand and usage come from the new-parts store's flows,
on order from the purchase requests not yet received, backordered from dealer orders (0 until they exist).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.purchasing.queries import stock_plan as plan_rows
from warehouse.reports import Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.period import Period
from warehouse.reports.statements.words import N_, Translate

TITLE = N_("Stock plan")
CAPTIONS = {"part_number": N_("Part number"), "name": N_("Name"), "unit": N_("Unit"), "category": N_("Category"),
            "usage": N_("Average monthly usage"), "lead_time_days": N_("Lead time (days)"),
            "reorder_point": N_("Reorder point"), "on_hand": N_("On hand"), "on_order": N_("On order"),
            "backordered": N_("Backordered"), "suggested": N_("Suggested order"), "shortage": N_("Shortage ahead")}
KINDS = {"usage": ("money", False), "lead_time_days": ("qty", False), "reorder_point": ("qty", False),
         "on_hand": ("qty", None), "on_order": ("qty", None), "backordered": ("qty", None),
         "suggested": ("qty", None), "shortage": ("qty", None)}
NOTE = N_("As of the end of {day}. Usage: issues of the last 180 days. Suggested = max(reorder point, demand over "
          "the lead time + one month) − (on hand + on order − backordered).")


@statement("stock-plan", title=TITLE, periods=("day", "month"))
def stock_plan(session: Session, *, period: Period, t: Translate) -> Report:
    cols = [Column(k, t(c), KINDS.get(k, ("text", None))[0], total=KINDS.get(k, ("text", None))[1])
            for k, c in CAPTIONS.items()]
    rows = ({k: r[k] for k in CAPTIONS} for r in plan_rows(session, until=period.end_at))
    return Report(title=t(TITLE), period=period.label, columns=cols, rows=rows,
                  notes=[t(NOTE).format(day=period.last_day.isoformat())], totals=True, signatures=True,
                  landscape=True, sheet_name=period.label)
