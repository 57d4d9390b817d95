from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.factories import make_bin, make_part, make_user, today



@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Field-service flows run on SQLite and again on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def world(client, auth, session):
    """A policy, two units (in and out of warranty) with customers, two technicians, a stocked NEW bin."""
    make_part(session, part_number="CMP-1", name="压缩机", category="compressor", dealer_price="350.00")
    make_part(session, part_number="FAN-1", name="风扇电机", dealer_price="80.00")
    make_bin(session, "N-A01-01", "NEW")
    for name in ("tech1", "tech2"):
        make_user(session, username=name, role="technician")
    session.commit()
    admin = auth.headers("admin")
    for part, qty in (("CMP-1", 5), ("FAN-1", 5)):
        r = client.post("/api/v1/stock/receive", json={"part_number": part, "location": "N-A01-01", "qty": qty,
                                                       "unit_cost": "100.00"}, headers=admin)
        assert r.status_code == 201, r.json
    r = client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "months": 12,
                                                        "effective_from": "2015-01-01"}, headers=admin)
    assert r.status_code == 201, r.json
    for serial, days, customer in (("SN-0001", 10, {"name": "张三", "phone": "13800000001", "address": "南京路1号"}),
                                   ("SN-0002", 800, {"name": "李四", "phone": "13900000002"})):
        r = client.post("/api/v1/units", json={"serial": serial, "model": "KFR-35GW", "customer": customer,
                                               "sold_on": (today() - timedelta(days=days)).isoformat()}, headers=admin)
        assert r.status_code == 201, r.json
    return admin


def backdate(session, ticket_no: str, **values):
    """Arrange the past: move a ticket's clocks (the API only records the present)."""
    from warehouse.service.models import Ticket
    session.execute(update(Ticket).where(Ticket.ticket_no == ticket_no).values(**values))
    session.commit()


def refill(client, auth, technician: str, lines: list[tuple[str, int]]):
    r = client.post("/api/v1/vans/refills", json={"lines": [{"part_number": p, "qty": q, "from_location": "N-A01-01"}
                                                            for p, q in lines]},
                    headers=auth.headers("technician", technician))
    assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/vans/refills/{r.json['request_no']}/review", json={"approve": True},
                    headers=auth.headers("manager"))
    assert r.status_code == 200 and r.json["status"] == "approved", r.json
    return r.json
