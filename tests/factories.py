"""Plain factory functions: make_part(session, **overrides). Each flushes, none commits."""
from __future__ import annotations

import itertools
import os
import time
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select

from warehouse.accounts.models import User
from warehouse.accounts.services import create_user
from warehouse.catalog.services import create_part
from warehouse.db import utcnow
from warehouse.locations.models import Location
from warehouse.locations.services import create_bin

_seq = itertools.count(1)


def today() -> date:
    """The UTC date when the test asks, as the app reads it. Never keep it in a module constant: a suite that runs
    past midnight would hold yesterday's date against the app's today (a CI run across a month's end failed so)."""
    return utcnow().date()


@contextmanager
def zone_a_day_away():
    """Run with the server's local zone a calendar day away from UTC (UTC+14 late in the UTC day, UTC-12 early), so
    that a `date.today()` where the app's UTC `utcnow().date()` belongs shows as the wrong day."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "TST-14" if utcnow().hour >= 10 else "TST+12"  # POSIX rules: no zone database needed
    time.tzset()
    try:
        assert date.today() != today()
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def make_user(session, *, username: str, role: str, password: str = "password-123") -> User:
    existing = session.scalar(select(User).where(User.username == username))
    return existing or create_user(session, username=username, password=password, role=role)


def make_part(session, **overrides):
    n = next(_seq)
    data = {"part_number": f"T-{n:05d}", "name": f"测试零件{n}", "name_en": f"Test part {n}",
            "standard_cost": "10.00", "dealer_price": "15.00"}
    data.update(overrides)
    return create_part(session, **data)


def make_bin(session, code: str | None = None, store: str = "NEW") -> Location:
    if code is None:
        n = next(_seq)
        code = f"{'N' if store == 'NEW' else 'R'}-{'ABCDEFGHJK'[n // 100 % 10]}{n % 100:02d}-{n % 7 + 1:02d}"
    existing = session.scalar(select(Location).where(Location.code == code))
    return existing or create_bin(session, code=code, store=store)
