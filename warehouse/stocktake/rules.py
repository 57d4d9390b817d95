"""Cycle counting (ABC): fast movers are counted more often.

Parts are ranked by how many moves they had in the last `ACTIVITY_DAYS`; the top fifth is class A, the next 30 %
class B, the rest (and parts that did not move) class C. A bin–part is due when its last approved count is older than
its class's interval, or it was never counted.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case

ACTIVITY_DAYS = 90
# (class, share of parts ranked by activity, count interval in days)
CLASSES = (("A", 0.2, 30), ("B", 0.5, 90), ("C", 1.0, 180))


def cycle_class(cume_dist):
    """SQL: the ABC class of a part from its cumulative rank among parts by activity (0 < cume_dist ≤ 1)."""
    return case(*[(cume_dist <= share, cls) for cls, share, _ in CLASSES[:-1]], else_=CLASSES[-1][0])


def due_before(cls, now: datetime, literal_time):
    """SQL: the time before which a bin–part of class `cls` is due again."""
    return case(*[(cls == c, literal_time(now - timedelta(days=days))) for c, _, days in CLASSES[:-1]],
                else_=literal_time(now - timedelta(days=CLASSES[-1][2])))


def plausible(physical: int, account: int, cap: int) -> bool:
    """Whether a counted line can be approved: the count and the adjustment it makes both within the quantity cap
    (anything beyond it is a typo or a runaway tally, and posting it would fail the whole approval)."""
    return 0 <= physical <= cap and abs(physical - account) <= cap
