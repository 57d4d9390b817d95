from __future__ import annotations

import pytest

from tests.factories import make_bin, make_part


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Dealer flows run on SQLite and again on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def shop(client, auth, session):
    """Two parts in NEW bins (10 and 3 on hand), a dealer D001 with a 10,000 limit; bearer headers by role."""
    make_part(session, part_number="CMP-1", name="压缩机", dealer_price="100.00")
    make_part(session, part_number="FLT-2", name="过滤器", dealer_price="20.00")
    make_part(session, part_number="OTH-9", name="其他零件", dealer_price="5.00")
    for code in ("N-A01-01", "N-B02-01", "N-C01-01"):
        make_bin(session, code, "NEW")
    make_bin(session, "R-A01-01", "RETURNED")
    session.commit()
    h = {r: auth.headers(r) for r in ("admin", "manager", "order_clerk", "shipper", "finance", "new_store_clerk")}
    for pn, loc, qty in (("CMP-1", "N-B02-01", 10), ("FLT-2", "N-A01-01", 3), ("OTH-9", "N-C01-01", 5)):
        r = client.post("/api/v1/stock/receive", json={"part_number": pn, "location": loc, "qty": qty,
                                                       "unit_cost": "60.00"}, headers=h["new_store_clerk"])
        assert r.status_code == 201, r.json
    r = client.post("/api/v1/dealers", json={"code": "D001", "name": "华东经销商", "credit_limit": "10000.00",
                                             "address": "上海市浦东新区", "payment_terms_days": 30},
                    headers=h["admin"])
    assert r.status_code == 201, r.json
    return h
