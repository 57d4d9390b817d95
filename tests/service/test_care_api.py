"""Customer care through the API: call attempts beside CONTRACT's callback (not reached → retry, reached and not
satisfied → the job reopens), complaints to closure with the 24-hour clock and escalation read against a set clock,
repeat and batch flags, a quality incident linked; bad input → 4xx and nothing written; customer data by role."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.service.conftest import backdate
from warehouse.db import utcnow
from warehouse.service import clock
from warehouse.service.models import Callback, Complaint, Ticket, TicketEvent

T = "/api/v1/tickets"


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.set_now(None)


def counts(session) -> tuple:
    out = tuple(session.scalar(select(func.count()).select_from(t)) for t in (Ticket, TicketEvent, Callback,
                                                                               Complaint))
    session.rollback()
    return out


def completed_job(client, auth, serial="SN-0001", kind="repair") -> str:
    agent = auth.headers("service_agent", "agent")
    r = client.post(T, json={"serial": serial, "category": "device", "kind": kind, "description": "不制冷"},
                    headers=agent)
    assert r.status_code == 201, r.json
    no = r.json["ticket_no"]
    assert client.post(f"{T}/{no}/dispatch", json={"technician": "tech1"}, headers=agent).status_code == 200
    now = utcnow().isoformat()
    tech = auth.headers("technician", "tech1")
    assert client.post(f"{T}/{no}/arrive", json={"at": now}, headers=tech).status_code == 200
    r = client.post(f"{T}/{no}/complete", json={"at": now}, headers=tech)
    assert r.status_code == 200, r.json
    return no


def test_call_attempts_not_reached_then_not_satisfied_reopens(client, auth, world, session):
    agent = auth.headers("service_agent", "agent")
    no = completed_job(client, auth)
    due = client.get("/api/v1/callbacks/due", headers=agent).json["entries"]
    [entry] = [e for e in due if e["ticket_no"] == no]
    assert entry["purpose"] == "job" and entry["attempts"] == 0 and entry["customer"]["name"] == "张三"
    assert no in entry["script"]
    for n in (1, 2):
        r = client.post("/api/v1/callbacks/attempts", json={"ticket_no": no, "reached": False,
                                                            "notes": "无人接听"}, headers=agent)
        assert r.status_code == 201 and r.json["status"] == "completed", r.json
        [entry] = [e for e in client.get("/api/v1/callbacks/due", headers=agent).json["entries"]
                   if e["ticket_no"] == no]
        assert entry["attempts"] == n and not entry["unreachable"]
    before = counts(session)
    for bad in ({"ticket_no": no, "reached": True, "satisfied": False, "score": 6},
                {"ticket_no": no, "reached": True, "satisfied": False, "score": 0},
                {"ticket_no": no, "reached": True, "score": 3},            # reached: satisfied or not?
                {"ticket_no": no, "reached": True, "satisfied": True, "score": True},
                {"purpose": "periodic", "reached": True},                  # which entry?
                {"ticket_no": no}):
        r = client.post("/api/v1/callbacks/attempts", json=bad, headers=agent)
        assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input", (bad, r.json)
    r = client.post(f"{T}/{no}/callback", json={"satisfied": False, "score": 9}, headers=agent)
    assert r.status_code == 400
    assert counts(session) == before
    r = client.post("/api/v1/callbacks/attempts", json={"ticket_no": no, "reached": True, "satisfied": False,
                                                        "score": 2, "notes": "还是不制冷"}, headers=agent)
    assert r.status_code == 201 and r.json["status"] == "reopened", r.json
    assert no not in [e["ticket_no"] for e in client.get("/api/v1/callbacks/due", headers=agent).json["entries"]]
    view = client.get(f"{T}/{no}", headers=agent).json
    assert view["reopened"] == 1 and [c["reached"] for c in view["callbacks"]] == [False, False, True]
    # a reopened job is not waiting for a callback: another attempt is refused, nothing written
    before = counts(session)
    r = client.post("/api/v1/callbacks/attempts", json={"ticket_no": no, "reached": False}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "job_open"
    assert counts(session) == before
    # KPIs count reached callbacks only
    k = client.get(f"/api/v1/kpis?month={utcnow():%Y-%m}", headers=auth.headers("manager")).json
    assert k["callbacks"] == 1 and k["satisfaction"] == 0.0 and k["satisfaction_score"] == 2.0


def test_complaint_to_closure_with_escalation_on_a_set_clock(client, auth, world, session):
    agent = auth.headers("service_agent", "agent")
    auth.headers("customer_supervisor", "sup")
    r = client.post("/api/v1/complaints", json={"description": "维修后仍漏水，师傅态度差", "serial": "SN-0001",
                                                "responsible": "sup", "problem": "漏水"}, headers=agent)
    assert r.status_code == 201, r.json
    c = r.json
    no = c["ticket_no"]
    assert c["status"] == "open" and c["responsible"] == "sup" and not c["escalated"]
    assert c["customer"]["name"] == "张三"
    logged = Ticket.__table__
    created = session.scalar(select(logged.c.created_at).where(logged.c.ticket_no == no))
    session.rollback()
    clock.set_now(created + timedelta(hours=23, minutes=59))
    assert not client.get(f"/api/v1/complaints/{no}", headers=agent).json["escalated"]
    assert client.get("/api/v1/complaints?escalated=true", headers=agent).json["complaints"] == []
    clock.set_now(created + timedelta(hours=24, minutes=1))
    c = client.get(f"/api/v1/complaints/{no}", headers=agent).json
    assert c["escalated"] and c["escalation"] == ["response_late"]
    assert c["escalated_at"] == (created + timedelta(hours=24)).isoformat()
    assert [x["ticket_no"] for x in client.get("/api/v1/complaints?escalated=true",
                                               headers=auth.headers("manager")).json["complaints"]] == [no]
    # closing without a result: 409, nothing written
    before = counts(session)
    r = client.post(f"/api/v1/complaints/{no}/close", json={"customer_answer": "不接受"}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "complaint_no_result"
    r = client.post(f"/api/v1/complaints/{no}/close", json={"result": "   "}, headers=agent)
    assert r.status_code == 409
    r = client.post(f"/api/v1/complaints/{no}/opinion", json={"opinion": ""}, headers=agent)
    assert r.status_code == 400
    assert counts(session) == before
    r = client.post(f"/api/v1/complaints/{no}/respond", json={"text": "已致歉，明天上门"}, headers=agent)
    assert r.status_code == 200 and r.json["status"] == "responded"
    assert r.json["escalation"] == ["response_late"]  # answered, but late: stays escalated
    r = client.post(f"/api/v1/complaints/{no}/opinion", json={"opinion": "更换密封件，师傅培训"},
                    headers=auth.headers("customer_supervisor", "sup"))
    assert r.status_code == 200 and r.json["opinion_by"] == "sup"
    r = client.post(f"/api/v1/complaints/{no}/close", json={"result": "已更换密封件，不再漏水",
                                                            "customer_answer": "满意", "customer_accepts": True},
                    headers=agent)
    assert r.status_code == 200 and r.json["status"] == "closed" and r.json["customer_accepts"] is True
    r = client.post(f"/api/v1/complaints/{no}/result", json={"result": "again"}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "complaint_state"
    assert client.get("/api/v1/complaints?escalated=true", headers=agent).json["complaints"] == []


def test_serious_complaint_is_escalated_at_once_and_result_deadline(client, auth, world):
    agent = auth.headers("service_agent", "agent")
    r = client.post("/api/v1/complaints", json={"description": "起火冒烟", "severity": "serious",
                                                "customer": {"name": "赵六", "phone": "13600000006"}},
                    headers=agent)
    assert r.status_code == 201 and r.json["escalation"] == ["serious"] and r.json["responsible"] == "agent"
    no = r.json["ticket_no"]
    assert client.post(f"/api/v1/complaints/{no}/respond", json={"text": "已联系"}, headers=agent).status_code == 200
    due = r.json["result_due"]
    from datetime import datetime
    clock.set_now(datetime.fromisoformat(due) + timedelta(minutes=1))
    c = client.get(f"/api/v1/complaints/{no}", headers=agent).json
    assert c["escalation"] == ["serious", "result_late"]
    # a normal complaint logged through /tickets gets its record too, the agent responsible
    r = client.post(T, json={"category": "other", "kind": "complaint", "description": "电话打不通",
                             "customer": {"name": "钱七", "phone": "13500000007"}}, headers=agent)
    c = client.get(f"/api/v1/complaints/{r.json['ticket_no']}", headers=agent).json
    assert c["responsible"] == "agent" and c["severity"] == "normal"


def test_repeat_and_batch_complaints_and_incident_link(client, auth, world, session):
    agent = auth.headers("service_agent", "agent")
    nos = []
    for customer in ({"name": "甲", "phone": "13000000001"}, {"name": "乙", "phone": "13000000002"},
                     {"name": "甲", "phone": "13000000001"}, {"name": "丙", "phone": "13000000003"}):
        r = client.post("/api/v1/complaints", json={"description": "外机噪音大", "problem": "外机噪音",
                                                    "customer": customer}, headers=agent)
        assert r.status_code == 201, r.json
        nos.append(r.json["ticket_no"])
    first, second, third, fourth = (client.get(f"/api/v1/complaints/{n}", headers=agent).json for n in nos)
    assert not first["repeat"] and third["repeat"] and third["repeat_of"] == nos[0]
    assert not second["batch"] or second["batch_customers"] >= 3
    assert fourth["batch"] and fourth["batch_customers"] == 3
    r = client.post(f"/api/v1/complaints/{nos[3]}/incident", json={"incident_no": "QI-NOPE"}, headers=agent)
    assert r.status_code == 404
    assert session.scalar(select(Complaint.incident_no).where(Complaint.incident_no.is_not(None))) is None
    session.rollback()
    manager = auth.headers("manager")
    r = client.post("/api/v1/quality/incidents", json={"part_number": "FAN-1", "title": "外机噪音",
                                                       "model": "KFR-35GW"}, headers=manager)
    assert r.status_code == 201, r.json
    inc = r.json["incident_no"]
    r = client.post(f"/api/v1/complaints/{nos[3]}/incident", json={"incident_no": inc}, headers=agent)
    assert r.status_code == 200 and r.json["incident_no"] == inc


def test_who_sees_complaints_and_customers(client, auth, world):
    agent = auth.headers("service_agent", "agent")
    r = client.post("/api/v1/complaints", json={"description": "x", "serial": "SN-0001"}, headers=agent)
    no = r.json["ticket_no"]
    for role in ("technician", "shipper", "finance", "new_store_clerk"):
        r = client.get(f"/api/v1/complaints/{no}", headers=auth.headers(role))
        assert r.status_code == 403, role
        assert client.get("/api/v1/callbacks/due", headers=auth.headers(role)).status_code == 403, role
    r = client.get(f"/api/v1/complaints/{no}", headers=auth.headers("customer_supervisor"))
    assert r.status_code == 200 and r.json["customer"]["name"] == "张三"
    r = client.post("/api/v1/complaints", json={"description": "x", "responsible": "tech1"}, headers=agent)
    assert r.status_code == 404  # a technician does not handle complaints
    r = client.post("/api/v1/service/seasons", json={"season": "heating", "start_month": 11, "start_day": 1},
                    headers=agent)
    assert r.status_code == 403
    r = client.post("/api/v1/service/seasons", json={"season": "heating", "start_month": 2, "start_day": 30},
                    headers=auth.headers("manager"))
    assert r.status_code == 400
