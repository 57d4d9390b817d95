"""A hand-built ledger whose figures are worked out by hand in the tests (on SQLite and PostgreSQL).

April 2024: receive A 10 @ 12.50 (125.00) into N-1; receive C 4 @ 2.3333 (9.33) into N-1.
May 2024:   receive A 5 @ 14.00 (70.00) → average (125 + 70) / 15 = 13.0000;
            issue A 3 to a customer (39.00); transfer A 2 from N-1 to N-2 (inside the store: no flow);
            issue A 1 to scrap (13.00, "other issues");
            receive B 3 @ 0.3333 (0.9999 → 1.00); issue B 1 at 0.3333 (0.33).
June 2024:  issue A 1 (after May).
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import make_engine
from warehouse.ledger.models import Move
from warehouse.ledger.services import issue, receive, transfer


@pytest.fixture
def s(any_db_url):
    eng = make_engine(any_db_url)
    session = Session(eng, expire_on_commit=False)
    yield session
    session.close()
    eng.dispose()


def _on(session, posted, y, m, d):
    session.execute(update(Move).where(Move.id == posted.move_id)
                    .values(created_at=datetime(y, m, d, 10, 0, tzinfo=timezone.utc)))


@pytest.fixture
def ledger(s):
    make_part(s, part_number="A", name="压缩机", category="空调")
    make_part(s, part_number="B", name="膨胀阀", category="空调", reorder_point=5)
    make_part(s, part_number="C", name="刹车片", category="制动")
    make_bin(s, "N-A01-01")
    make_bin(s, "N-A01-02")
    kw = {"actor": "t"}
    _on(s, receive(s, part_number="A", location="N-A01-01", qty=10, unit_cost=Decimal("12.50"), **kw), 2024, 4, 3)
    _on(s, receive(s, part_number="C", location="N-A01-01", qty=4, unit_cost=Decimal("2.3333"), **kw), 2024, 4, 5)
    _on(s, receive(s, part_number="A", location="N-A01-01", qty=5, unit_cost=Decimal("14.00"), **kw), 2024, 5, 2)
    _on(s, issue(s, part_number="A", location="N-A01-01", qty=3, **kw), 2024, 5, 6)
    _on(s, transfer(s, part_number="A", from_location="N-A01-01", to_location="N-A01-02", qty=2, **kw), 2024, 5, 7)
    _on(s, issue(s, part_number="A", location="N-A01-01", qty=1, to="@SCRAP", **kw), 2024, 5, 8)
    _on(s, receive(s, part_number="B", location="N-A01-01", qty=3, unit_cost=Decimal("0.3333"), **kw), 2024, 5, 9)
    _on(s, issue(s, part_number="B", location="N-A01-01", qty=1, **kw), 2024, 5, 31)
    _on(s, issue(s, part_number="A", location="N-A01-01", qty=1, **kw), 2024, 6, 1)
    s.commit()
    return s
