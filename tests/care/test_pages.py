"""The customer-care pages through the test client (SQLite): forms write through the same use cases, a refusal is
shown in the reader's language with nothing written, and the ticket page suggests published solutions."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.care.conftest import ok
from warehouse.care.models import Checklist, KbEntry, Repairman, ServiceCheck, Training


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def rows(session, model) -> int:
    session.rollback()
    try:
        return session.scalar(select(func.count()).select_from(model))
    finally:
        session.rollback()


def test_entry_written_reviewed_and_suggested_on_the_ticket(client, auth, care, session):
    agent = auth.headers("service_agent", "agent1")
    ok(client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "months": 12,
                                                       "effective_from": "2015-01-01"}, headers=care["admin"]), 201)
    ok(client.post("/api/v1/units", json={"serial": "SN-0001", "model": "KFR-35GW", "sold_on": "2025-01-10"},
                   headers=care["admin"]), 201)
    t = ok(client.post("/api/v1/tickets", json={"serial": "SN-0001", "category": "device",
                                                "description": "空调压缩机不启动"}, headers=agent), 201)["ticket_no"]
    auth.login("service_agent", "agent1")
    r = client.post("/care/kb/new", data={"title": "", "symptom": "x", "solution": "y"})
    assert r.status_code == 400 and "请填写标题。" in r.get_data(as_text=True)
    assert rows(session, KbEntry) == 0
    r = client.post("/care/kb/new", data={"title": "压缩机不启动", "model": "KFR-35GW", "symptom": "压缩机不启动",
                                          "solution": "更换启动电容"})
    assert r.status_code == 302
    eid = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "推荐解决方案" in client.get(f"/service/tickets/{t}").get_data(as_text=True)
    assert "更换启动电容" not in client.get(f"/service/tickets/{t}").get_data(as_text=True)  # a draft
    client.post(f"/care/kb/{eid}/submit")
    assert client.get(f"/care/kb/{eid}").status_code == 200
    auth.login("customer_supervisor", "sup")
    r = client.post(f"/care/kb/{eid}/review", data={"decision": "return"}, follow_redirects=True)
    assert "请填写备注。" in r.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(KbEntry.status)) == "in_review"
    session.rollback()
    r = client.post(f"/care/kb/{eid}/review", data={"decision": "publish"}, follow_redirects=True)
    assert "已发布。" in r.get_data(as_text=True)
    page = client.get(f"/service/tickets/{t}").get_data(as_text=True)
    assert "更换启动电容" in page
    assert "压缩机不启动" in client.get("/care/kb?q=ysj").get_data(as_text=True)
    assert client.get("/care/kb/999").status_code == 404


def test_checklist_check_and_station_file_pages(client, auth, care, session):
    auth.login("customer_supervisor", "sup")
    before = rows(session, Checklist)
    r = client.post("/care/checklists", data={"code": "VIS", "name": "上门服务规范", "target": "visit",
                                              "items": "着装 | 5\n鞋套 | x", "pass_score": "4"})
    assert r.status_code == 400 and rows(session, Checklist) == before
    r = client.post("/care/checklists", data={"code": "VIS", "name": "上门服务规范", "target": "visit",
                                              "items": "着装 | 5\n鞋套 | 5", "pass_score": "8"})
    assert r.status_code == 302 and rows(session, Checklist) == before + 1
    r = client.post("/care/checks/new?checklist=VIS", data={"agent": "tech1", "score-1": "6", "score-2": "5"})
    assert r.status_code == 400 and "第 1 项的得分范围为 0 至 5" in r.get_data(as_text=True)
    assert rows(session, ServiceCheck) == 0
    r = client.post("/care/checks/new?checklist=VIS", data={"agent": "tech1", "score-1": "5", "score-2": "3",
                                                            "comments": "未穿鞋套"})
    assert r.status_code == 302 and rows(session, ServiceCheck) == 1
    page = client.get("/care/checks").get_data(as_text=True)
    assert "1 次抽查中 1 次合规" in page and 'data-agent="tech1"' in page
    assert client.get("/care/checks/new?checklist=STN").status_code == 404   # a station sheet is no standard
    r = client.post("/care/stations/ST-A", data={"what": "repairman", "name": "王师傅", "joined_on": "2020-13-01"})
    assert r.status_code == 400 and rows(session, Repairman) == 0
    assert client.post("/care/stations/ST-A", data={"what": "repairman", "name": "王师傅"}).status_code == 302
    man = session.scalar(select(Repairman.id))
    session.rollback()
    r = client.post("/care/stations/ST-A", data={"what": "training", "repairman_id": str(man), "course": "变频培训",
                                                 "trained_on": "2025-06-01", "passed": "1"})
    assert r.status_code == 302 and rows(session, Training) == 1
    page = client.get("/care/stations/ST-A").get_data(as_text=True)
    assert "王师傅" in page and "变频培训" in page
    assert client.get("/care/stations/NOPE").status_code == 404
    # the agent keeps the knowledge base but inspects nobody
    auth.login("service_agent", "agent1")
    assert client.get("/care/inspections").status_code == 403
    assert client.get("/care/kb").status_code == 200


@pytest.mark.parametrize("url", ["/care/kb?q=a%00b", f"/care/kb/{2**63}", "/care/stations/ST%00A",
                                 "/care/inspections/new?checklist=%00", f"/care/inspections/{2**63}",
                                 "/care/checks?month=%00"])
def test_pages_with_hostile_query_or_path_are_400(client, auth, care, url):
    auth.login("customer_supervisor", "sup")
    r = client.get(url)
    assert r.status_code == 400 and "<h1>400</h1>" in r.get_data(as_text=True), url


def test_inspection_form_with_hostile_scores_writes_nothing(client, auth, care, session):
    from warehouse.care.models import Inspection

    auth.login("customer_supervisor", "sup")
    for bad in (str(2**63), "1" + "0" * 4999, "-1", "3.5", "\x00"):
        r = client.post("/care/inspections/new?checklist=STN", data={
            "target": "ST-A", "inspected_on": "2025-11-02", "score-1": bad, "score-2": "1", "score-3": "1"})
        assert r.status_code == 400, bad
    assert rows(session, Inspection) == 0
