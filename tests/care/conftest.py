from __future__ import annotations

import pytest

from tests.factories import make_part, make_user


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Customer-care flows run on SQLite and again on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def ok(r, status=200):
    assert r.status_code == status, (r.status_code, r.json)
    return r.json


@pytest.fixture
def care(client, auth, session):
    """Two stations, a dealer, a unit model with a unit and a ticket, an agent and a technician, and the supervisor's
    checklists: a station sheet of 3 items (max 40 + 30 + 30 = 100), a dealer sheet (max 10), a call standard of
    2 items (max 5 + 5, pass 8)."""
    make_part(session, part_number="CMP-1", name="压缩机")
    for name, role in (("agent1", "service_agent"), ("agent2", "service_agent"), ("tech1", "technician")):
        make_user(session, username=name, role=role)
    session.commit()
    admin = auth.headers("admin")
    sup = auth.headers("customer_supervisor", "sup")
    for code, region in (("ST-A", "华东"), ("ST-B", "华东"), ("ST-C", "华北")):
        ok(client.post("/api/v1/stations", json={"code": code, "name": f"{code} 维修站", "region": region},
                       headers=admin), 201)
    ok(client.post("/api/v1/dealers", json={"code": "D1", "name": "东方经销", "credit_limit": "1000.00"},
                   headers=admin), 201)
    ok(client.post("/api/v1/checklists", json={"code": "STN", "name": "维修站考核表", "target": "station", "items": [
        {"text": "接待规范", "max_score": 40}, {"text": "维修质量", "max_score": 30},
        {"text": "备件管理", "max_score": 30}]}, headers=sup), 201)
    ok(client.post("/api/v1/checklists", json={"code": "DLR", "name": "经销商巡查表", "target": "dealer", "items": [
        {"text": "门店形象", "max_score": 10}]}, headers=sup), 201)
    ok(client.post("/api/v1/checklists", json={"code": "CALL", "name": "电话服务规范", "target": "call",
                                                "pass_score": 8, "items": [{"text": "问候语", "max_score": 5},
                                                                           {"text": "确认信息", "max_score": 5}]},
                   headers=sup), 201)
    return {"admin": admin, "sup": sup}
