"""The stock plan's arithmetic (pure; the docstring is the definition docs/reports.md quotes).

- average monthly usage = issues (sales and repairs out of the new-parts store) in the USAGE_DAYS before the plan
  date, ÷ USAGE_DAYS × 30;
- demand over the lead time = ⌈usage × lead time days ÷ 30⌉;
- target = the larger of the reorder point and demand over the lead time + ⌈usage × COVER_MONTHS⌉ (a month of
  cover after the order arrives);
- available = on hand + on order − backordered;
- suggested order = target − available, when positive;
- shortage ahead = demand over the lead time − available, when positive (what will be missing before anything
  ordered today can arrive).
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

USAGE_DAYS = 180
COVER_MONTHS = 1


def monthly_usage(issued: int) -> Decimal:
    return (Decimal(issued) * 30 / USAGE_DAYS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding=ROUND_CEILING))


def plan(*, usage: Decimal, lead_days: int, on_hand: int, on_order: int, backordered: int,
         reorder_point: int) -> dict:
    lead_demand = _ceil(usage * lead_days / 30)
    target = max(reorder_point, lead_demand + _ceil(usage * COVER_MONTHS))
    available = on_hand + on_order - backordered
    return {"lead_demand": lead_demand, "target": target, "available": available,
            "suggested": max(0, target - available), "shortage": max(0, lead_demand - available)}
