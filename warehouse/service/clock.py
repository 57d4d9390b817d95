"""The customer-care clock: the call list (what is due today) and the complaint clocks (response and result
deadlines, escalation) read `now()`. It is the server's UTC time; a test sets it (`set_now`) to walk through a year
of callbacks or to let a complaint's 24 hours run out without sleeping. The care steps (call attempts, a complaint's
response, result and closure) are stamped with it too, so a late answer is late under a set clock as well; the
ticket itself is logged at the server's time (`warehouse.db.utcnow`)."""
from __future__ import annotations

from datetime import datetime

from warehouse.db import utcnow

_fixed: datetime | None = None


def now() -> datetime:
    return _fixed if _fixed is not None else utcnow()


def set_now(value: datetime | None) -> None:
    """Fix the clock at `value` (aware UTC), or back to the real time with None. Tests only."""
    global _fixed
    _fixed = value
