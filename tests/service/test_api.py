"""Field service through the HTTP API (CONTRACT §4): log, dispatch, arrive, complete, callback; vans; KPIs across a
month boundary and with reassigned jobs; who sees customers; bad input answers 4xx and writes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from tests.service.conftest import backdate, refill
from warehouse.db import utcnow
from warehouse.ledger.models import Move
from warehouse.service.models import Callback, Ticket, TicketEvent, TicketPart
from warehouse.warranty.models import Claim

T = "/api/v1/tickets"


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def counts(session) -> tuple:
    out = tuple(session.scalar(select(func.count()).select_from(t))
                for t in (Ticket, TicketEvent, TicketPart, Move, Callback, Claim))
    session.rollback()
    return out


def new_job(client, auth, serial="SN-0001", **extra) -> str:
    r = client.post(T, json={"serial": serial, "category": "device", "description": "不制冷", **extra},
                    headers=auth.headers("service_agent"))
    assert r.status_code == 201, r.json
    return r.json["ticket_no"]


def dispatched(client, auth, technician="tech1", **extra) -> str:
    no = new_job(client, auth, **extra)
    r = client.post(f"{T}/{no}/dispatch", json={"technician": technician}, headers=auth.headers("service_agent"))
    assert r.status_code == 200, r.json
    return no


def test_log_a_ticket_contract_shape(client, auth, world):
    agent = auth.headers("service_agent")
    r = client.post(T, json={"serial": "sn-0001", "category": "device", "description": "不制冷"}, headers=agent)
    assert r.status_code == 201 and r.json["warranty_status"] == "in_warranty"
    assert r.json["ticket_no"].startswith("TK-") and r.json["kind"] == "repair" and r.json["status"] == "open"
    r = client.post(T, json={"serial": "SN-0002", "category": "device", "description": "异响"}, headers=agent)
    assert r.json["warranty_status"] == "expired"
    r = client.post(T, json={"category": "platform", "description": "App 无法登录",
                             "customer": {"name": "王五", "phone": "13700000003"}}, headers=agent)
    assert r.status_code == 201 and r.json["warranty_status"] is None and r.json["kind"] == "inquiry"
    r = client.post(T, json={"category": "device", "description": "x"}, headers=agent)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"
    r = client.post(T, json={"serial": "NOPE-1", "category": "device", "description": "x"}, headers=agent)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_unit"
    view = client.get(f"{T}/{new_job(client, auth)}", headers=agent).json
    assert view["customer"]["name"] == "张三" and view["serial"] == "SN-0001" and view["history"][0]["kind"] == "logged"


def test_full_job_from_call_to_callback(client, auth, world, session):
    refill(client, auth, "tech1", [("CMP-1", 2)])
    agent, tech = auth.headers("service_agent"), auth.headers("technician", "tech1")
    no = dispatched(client, auth)
    view = client.get(f"{T}/{no}", headers=agent).json
    assert view["status"] == "dispatched" and view["assignee"] == "tech1"
    created = datetime.fromisoformat(view["created_at"])
    assert datetime.fromisoformat(view["due_at"]) - created == timedelta(hours=48)  # normal priority default
    assert datetime.fromisoformat(view["contact_by"]) - created == timedelta(hours=4)
    now = utcnow()
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(now + timedelta(minutes=2))}, headers=tech)  # skew: ok
    assert r.status_code == 200 and r.json["status"] == "arrived"
    r = client.post(f"{T}/{no}/complete", json={"at": iso(now + timedelta(minutes=3)), "diagnosis": "压缩机烧毁",
                                                 "parts_used": [{"part_number": "CMP-1", "qty": 1}],
                                                 "labour_hours": "1.5"}, headers=tech)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "completed" and r.json["parts_used"][0]["location"] == "V-TECH1"
    r = client.get("/api/v1/vans/tech1", headers=agent)
    assert r.json["parts"] == [{"part_number": "CMP-1", "name": "压缩机", "qty": 1}]
    r = client.post(f"{T}/{no}/callback", json={"satisfied": True, "score": 5}, headers=agent)
    assert r.status_code == 200 and r.json == {"ticket_no": no, "status": "closed", "satisfied": True, "score": 5}
    r = client.post(f"{T}/{no}/callback", json={"satisfied": True}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "ticket_state"
    kinds = [e["kind"] for e in client.get(f"{T}/{no}", headers=agent).json["history"]]
    assert kinds == ["logged", "dispatched", "arrived", "completed", "callback"]


def test_bad_steps_answer_4xx_and_write_nothing(client, auth, world, session):
    agent, tech = auth.headers("service_agent"), auth.headers("technician", "tech1")
    no = new_job(client, auth)
    before = counts(session)
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "nobody"}, headers=agent)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_technician"
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "u_service_agent"}, headers=agent)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_technician"  # not a technician's role
    r = client.post(f"{T}/{no}/dispatch", json={"station": "NOPE"}, headers=agent)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_station"
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "tech1", "station": "S1"}, headers=agent)
    assert r.status_code == 400
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_dispatched"
    assert counts(session) == before
    client.post(f"{T}/{no}/dispatch", json={"technician": "tech1"}, headers=agent)
    before = counts(session)
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()), "parts_used": []}, headers=tech)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_reached"
    r = client.post(f"{T}/{no}/callback", json={"satisfied": True}, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "job_open"
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow() - timedelta(hours=1))}, headers=tech)
    assert r.status_code == 400 and r.json["error"]["details"]["reason"] == "before_previous"
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow() + timedelta(minutes=30))}, headers=tech)
    assert r.status_code == 400 and r.json["error"]["details"]["reason"] == "ahead_of_clock"
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=auth.headers("technician", "tech2"))
    assert r.status_code == 403  # not their job
    assert counts(session) == before
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    before = counts(session)
    # the van holds nothing: refused whole, nothing written (not even the first line that the van could give)
    refill(client, auth, "tech1", [("FAN-1", 1)])
    before = counts(session)
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()), "parts_used": [
        {"part_number": "FAN-1", "qty": 1}, {"part_number": "CMP-1", "qty": 1}]}, headers=tech)
    assert r.status_code == 409 and r.json["error"]["code"] == "insufficient_stock"
    assert r.json["error"]["details"]["location"] == "V-TECH1"
    assert counts(session) == before
    assert client.get(f"{T}/{no}", headers=agent).json["status"] == "arrived"
    assert client.get("/api/v1/vans/tech1", headers=agent).json["parts"][0]["qty"] == 1
    r = client.post(f"{T}/{no}/payments", json={"amount": "10.00", "method": "cash"}, headers=tech)
    assert r.status_code == 409 and r.json["error"]["code"] == "warranty_job"
    r = client.post(f"{T}/{no}/quote", json={"parts": [{"part_number": "FAN-1", "qty": 1}]}, headers=tech)
    assert r.status_code == 409 and r.json["error"]["code"] == "warranty_job"
    assert counts(session) == before


def test_not_satisfied_reopens_and_the_first_arrival_counts(client, auth, world, session):
    agent, tech = auth.headers("service_agent"), auth.headers("technician", "tech1")
    no = dispatched(client, auth)
    first = utcnow()
    client.post(f"{T}/{no}/arrive", json={"at": iso(first)}, headers=tech)
    client.post(f"{T}/{no}/complete", json={"at": iso(first + timedelta(seconds=1))}, headers=tech)
    r = client.post(f"{T}/{no}/callback", json={"satisfied": False, "score": 2, "notes": "仍然不制冷"},
                    headers=agent)
    assert r.status_code == 200 and r.json["status"] == "reopened"
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow())}, headers=tech)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_reached"
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    assert client.post(f"{T}/{no}/complete", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    assert client.post(f"{T}/{no}/callback", json={"satisfied": True, "score": 4}, headers=agent).json["status"] \
        == "closed"
    view = client.get(f"{T}/{no}", headers=agent).json
    assert view["reopened"] == 1 and datetime.fromisoformat(view["arrived_at"]) == first.replace(microsecond=
                                                                                                first.microsecond)
    assert [c["satisfied"] for c in view["callbacks"]] == [False, True]
    assert view["callbacks"][0]["notes"] == "仍然不制冷"


def test_reassignment_keeps_history_and_clocks(client, auth, world):
    agent = auth.headers("service_agent")
    no = new_job(client, auth)
    due = iso(utcnow() + timedelta(hours=5))
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "tech1", "due_at": due}, headers=agent)
    assert r.status_code == 200 and r.json["due_at"].startswith(due[:19])
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "tech2"}, headers=agent)
    assert r.status_code == 200 and r.json["assignee"] == "tech2" and r.json["due_at"].startswith(due[:19])
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "tech1", "due_at": due}, headers=agent)
    assert r.status_code == 400 and r.json["error"]["details"]["reason"] == "clock_kept"
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=auth.headers("technician", "tech1"))
    assert r.status_code == 403
    r = client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=auth.headers("technician", "tech2"))
    assert r.status_code == 200
    history = client.get(f"{T}/{no}", headers=agent).json["history"]
    assert [e["kind"] for e in history] == ["logged", "dispatched", "reassigned", "arrived"]
    assert history[2]["data"] == {"from_kind": "technician", "from_assignee": "tech1",
                                  "assignee_kind": "technician", "assignee": "tech2"}


def test_due_rules_and_stations(client, auth, world):
    admin, agent = world, auth.headers("service_agent")
    r = client.post("/api/v1/service/due-rules", json={"kind": "repair", "priority": "normal", "region": "南京",
                                                        "contact_hours": 2, "reach_hours": 12}, headers=admin)
    assert r.status_code == 200, r.json
    r = client.post("/api/v1/stations", json={"code": "st01", "name": "南京特约维修点", "region": "南京"},
                    headers=admin)
    assert r.status_code == 201 and r.json["code"] == "ST01"
    no = new_job(client, auth, region="南京")
    r = client.post(f"{T}/{no}/dispatch", json={"station": "ST01"}, headers=agent)
    assert r.status_code == 200 and r.json["assignee_kind"] == "station"
    assert datetime.fromisoformat(r.json["due_at"]) - datetime.fromisoformat(r.json["created_at"]) == \
        timedelta(hours=12)
    # a station reports by phone: the agent records its steps; parts come from the station's own stock
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=agent).status_code == 200
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()),
                                                 "parts_used": [{"part_number": "FAN-1", "qty": 1}]}, headers=agent)
    assert r.status_code == 200 and r.json["parts_used"][0]["move_id"] is None
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())},
                       headers=auth.headers("technician", "tech1")).status_code == 403


def test_failed_part_collected_files_a_claim_and_queues_its_tag(client, auth, world, session):
    tech = auth.headers("technician", "tech1")
    no = dispatched(client, auth)
    client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech)
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()), "diagnosis": "风扇电机卡死",
                                                 "failed_parts": [{"part_number": "FAN-1"}]}, headers=tech)
    assert r.status_code == 200, r.json
    claim_no = r.json["history"][-1]["data"]["claims"][0]
    claim = client.get(f"/api/v1/claims/{claim_no}", headers=tech).json
    assert claim["serial"] == "SN-0001" and claim["dealer"] == "SVC" and claim["failure"] == "风扇电机卡死"
    from warehouse.printing.models import PrintJob
    assert session.scalar(select(func.count()).select_from(PrintJob)) == 1


def test_charged_repair_quote_accept_pay(client, auth, world):
    tech, agent = auth.headers("technician", "tech1"), auth.headers("service_agent")
    no = dispatched(client, auth, serial="SN-0002")  # out of warranty
    client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech)
    r = client.post(f"{T}/{no}/payments", json={"amount": "10.00", "method": "cash"}, headers=tech)
    assert r.status_code == 409 and r.json["error"]["code"] == "no_quote"
    r = client.post(f"{T}/{no}/quote", json={"parts": [{"part_number": "FAN-1", "qty": 2}], "labour_hours": "1"},
                    headers=tech)
    assert r.status_code == 200, r.json
    assert r.json["quote"]["parts"] == "208.00" and r.json["quote"]["total"] == "208.00"  # 80 × 1.30 × 2
    assert client.post(f"{T}/{no}/quote/accept", headers=tech).status_code == 200
    r = client.post(f"{T}/{no}/payments", json={"amount": "300.00", "method": "cash"}, headers=tech)
    assert r.status_code == 400
    r = client.post(f"{T}/{no}/payments", json={"amount": "100.00", "method": "qr"}, headers=tech)
    assert r.status_code == 400  # a QR payment needs its reference
    r = client.post(f"{T}/{no}/payments", json={"amount": "208.00", "method": "qr", "reference": "WX-123"},
                    headers=tech)
    assert r.status_code == 201 and r.json["paid"] == "208.00" and r.json["owed"] == "0.00"
    assert r.json["receipt_no"].startswith("SR-")
    assert client.get(f"{T}/{no}", headers=agent).json["payments"][0]["reference"] == "WX-123"


def test_customers_only_for_roles_that_need_them(client, auth, world):
    no = dispatched(client, auth)
    assert client.get(f"{T}/{no}", headers=auth.headers("technician", "tech1")).json["customer"]["phone"] \
        == "13800000001"  # the job's own technician
    assert "customer" not in client.get(f"{T}/{no}", headers=auth.headers("technician", "tech2")).json
    for role in ("shipper", "finance", "new_store_clerk"):
        assert client.get(f"{T}/{no}", headers=auth.headers(role)).status_code == 403
        assert client.get("/api/v1/customers/search?q=138", headers=auth.headers(role)).status_code == 403
    agent = auth.headers("service_agent")
    for q, name in (("13800", "张三"), ("李", "李四"), ("sn-0002", "李四")):
        found = client.get(f"/api/v1/customers/search?q={q}", headers=agent).json["customers"]
        assert [c["name"] for c in found] == [name], q
    assert client.get("/api/v1/customers/search?q=%25%25", headers=agent).json["customers"] == []


def test_idempotent_completion_issues_once(client, auth, world, session):
    refill(client, auth, "tech1", [("CMP-1", 2)])
    tech = {**auth.headers("technician", "tech1")}
    no = dispatched(client, auth)
    client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers={**tech, "Idempotency-Key": "a-1"})
    body = {"at": iso(utcnow()), "parts_used": [{"part_number": "CMP-1", "qty": 1}]}
    r1 = client.post(f"{T}/{no}/complete", json=body, headers={**tech, "Idempotency-Key": "c-1"})
    r2 = client.post(f"{T}/{no}/complete", json=body, headers={**tech, "Idempotency-Key": "c-1"})
    assert r1.status_code == r2.status_code == 200 and r2.headers.get("Idempotent-Replay") == "true"
    assert client.get("/api/v1/vans/tech1", headers=tech).json["parts"][0]["qty"] == 1


def test_inquiry_answer_and_handoff(client, auth, world):
    agent = auth.headers("service_agent")
    r = client.post(T, json={"category": "other", "kind": "suggestion", "description": "希望延长保修",
                             "customer": {"name": "赵六"}, "channel": "visit"}, headers=agent)
    no = r.json["ticket_no"]
    r = client.post(f"{T}/{no}/dispatch", json={"technician": "tech1"}, headers=agent)
    assert r.status_code == 409  # a suggestion is answered, not dispatched
    r = client.post(f"{T}/{no}/handoffs", json={"department": "市场部", "question": "延保政策?",
                                                "due_at": iso(utcnow() + timedelta(days=3))}, headers=agent)
    assert r.status_code == 201
    r = client.post(f"{T}/{no}/handoffs/{r.json['id']}/answer", json={"answer": "可购买延保"}, headers=agent)
    assert r.status_code == 200 and r.json["answer"] == "可购买延保"
    r = client.post(f"{T}/{no}/answer", json={"answer": "可购买两年延保"}, headers=agent)
    assert r.status_code == 200 and r.json["status"] == "closed" and r.json["answered_at"]
    visits = client.get(f"{T}?kind=suggestion", headers=agent).json["tickets"]
    assert [t["channel"] for t in visits] == ["visit"]


def _job_in_the_past(client, auth, session, *, logged, due, arrived=None, completed=None, technician="tech1",
                     reassign_to=None, customer=None):
    agent, admin = auth.headers("service_agent"), auth.headers("admin")
    no = new_job(client, auth, **({"customer": customer} if customer else {}))
    backdate(session, no, created_at=logged)
    assert client.post(f"{T}/{no}/dispatch", json={"technician": technician, "due_at": iso(due)},
                       headers=agent).status_code == 200
    backdate(session, no, dispatched_at=logged + timedelta(minutes=10))
    if reassign_to:
        assert client.post(f"{T}/{no}/dispatch", json={"technician": reassign_to}, headers=agent).status_code == 200
    if arrived:
        r = client.post(f"{T}/{no}/arrive", json={"at": iso(arrived)}, headers=admin)
        assert r.status_code == 200, r.json
    if completed:
        assert client.post(f"{T}/{no}/complete", json={"at": iso(completed)}, headers=admin).status_code == 200
    return no


def test_kpis_across_a_month_boundary_with_reassigned_jobs(client, auth, world, session):
    utc = timezone.utc
    jan31 = datetime(2025, 1, 31, 8, 0, tzinfo=utc)
    # 1: due 31 Jan 23:00, reached 22:00 — in time, January; completed 1 Feb — served in February
    a = _job_in_the_past(client, auth, session, logged=jan31, due=jan31.replace(hour=23),
                         arrived=jan31.replace(hour=22), completed=datetime(2025, 2, 1, 1, tzinfo=utc))
    # 2: due 31 Jan 23:30, reassigned, reached 1 Feb 00:30 — late, January (the clock did not restart)
    _job_in_the_past(client, auth, session, logged=jan31, due=jan31.replace(hour=23, minute=30),
                     reassign_to="tech2", arrived=datetime(2025, 2, 1, 0, 30, tzinfo=utc),
                     completed=datetime(2025, 2, 1, 2, tzinfo=utc))
    # 3: due 1 Feb 00:30 — reached in time, February, by the second technician after a reassignment
    _job_in_the_past(client, auth, session, logged=jan31, due=datetime(2025, 2, 1, 0, 30, tzinfo=utc),
                     reassign_to="tech2", arrived=datetime(2025, 2, 1, 0, 10, tzinfo=utc))
    # 4: due in February, never reached (and February is over) — late
    _job_in_the_past(client, auth, session, logged=jan31, due=datetime(2025, 2, 20, tzinfo=utc),
                     customer={"name": "钱七", "phone": "13600000007"})
    kpi = lambda m: client.get(f"/api/v1/kpis?month={m}", headers=auth.headers("manager")).json  # noqa: E731
    jan, feb = kpi("2025-01"), kpi("2025-02")
    assert (jan["jobs_due"], jan["jobs_in_time"], jan["repair_timeliness_rate"]) == (2, 1, 0.5)
    assert (feb["jobs_due"], feb["jobs_in_time"], feb["repair_timeliness_rate"]) == (2, 1, 0.5)
    assert jan["customers_served"] == 0 and jan["complaint_rate"] is None  # nothing completed in January
    assert feb["customers_served"] == 1  # both completions are 张三's
    empty = kpi("2024-06")
    assert empty["repair_timeliness_rate"] is None and empty["satisfaction"] is None
    # satisfaction and complaints this month
    agent = auth.headers("service_agent")
    assert client.post(f"{T}/{a}/callback", json={"satisfied": True, "score": 5}, headers=agent).status_code == 200
    now = kpi(f"{utcnow():%Y-%m}")
    assert now["satisfaction"] == 1.0 and now["satisfaction_score"] == 5.0 and now["callbacks"] == 1
    tech = auth.headers("technician", "tech1")
    b = dispatched(client, auth, serial="SN-0002")
    client.post(f"{T}/{b}/arrive", json={"at": iso(utcnow())}, headers=tech)
    client.post(f"{T}/{b}/complete", json={"at": iso(utcnow())}, headers=tech)
    client.post(f"{T}/{b}/callback", json={"satisfied": False, "score": 1}, headers=agent)
    r = client.post(T, json={"category": "device", "serial": "SN-0002", "kind": "complaint",
                             "description": "维修后仍有问题"}, headers=agent)
    assert r.status_code == 201
    now = kpi(f"{utcnow():%Y-%m}")
    assert now["satisfaction"] == 0.5 and now["satisfaction_score"] == 3.0
    assert (now["customers_complaining"], now["customers_served"], now["complaint_rate"]) == (1, 1, 1.0)
    r = client.get("/api/v1/kpis?month=2025-13", headers=auth.headers("manager"))
    assert r.status_code == 400
    assert client.get("/api/v1/kpis?month=2025-01", headers=auth.headers("shipper")).status_code == 403


def test_van_refill_review(client, auth, world, session):
    tech = auth.headers("technician", "tech1")
    r = client.post("/api/v1/vans/refills", json={"lines": [{"part_number": "CMP-1", "qty": 9,
                                                             "from_location": "N-A01-01"}]}, headers=tech)
    assert r.status_code == 201 and r.json["status"] == "requested" and r.json["van"] == "V-TECH1"
    no = r.json["request_no"]
    assert client.post(f"/api/v1/vans/refills/{no}/review", json={"approve": True}, headers=tech).status_code == 403
    before = counts(session)
    r = client.post(f"/api/v1/vans/refills/{no}/review", json={"approve": True}, headers=auth.headers("manager"))
    assert r.status_code == 409 and r.json["error"]["code"] == "insufficient_stock"  # the bin holds 5
    assert counts(session) == before
    r = client.post(f"/api/v1/vans/refills/{no}/review", json={"approve": False, "note": "太多"},
                    headers=auth.headers("manager"))
    assert r.status_code == 200 and r.json["status"] == "rejected"
    r = client.post(f"/api/v1/vans/refills/{no}/review", json={"approve": True}, headers=auth.headers("manager"))
    assert r.status_code == 409 and r.json["error"]["code"] == "refill_state"
    refill(client, auth, "tech1", [("CMP-1", 3)])
    stock = client.get("/api/v1/stock/CMP-1", headers=tech).json
    assert {loc["location"]: loc["qty"] for loc in stock["locations"]} == {"N-A01-01": 2, "V-TECH1": 3}


def test_a_van_is_scanned_counted_and_reconciled_like_a_bin(client, auth, world):
    refill(client, auth, "tech1", [("CMP-1", 3)])
    manager = auth.headers("manager")
    r = client.post("/api/v1/scan/resolve", json={"code": "v-tech1"}, headers=manager)
    assert r.status_code == 200 and r.json["location"] == "V-TECH1" and r.json["van"] is True
    no = new_job(client, auth)
    assert client.post("/api/v1/scan/resolve", json={"code": no}, headers=manager).json["kind"] == "ticket"
    r = client.post("/api/v1/stocktakes", json={"store": "NEW", "locations": ["V-TECH1"]}, headers=manager)
    assert r.status_code == 201, r.json
    st = r.json["id"]
    r = client.post(f"/api/v1/stocktakes/{st}/counts", json={"part_number": "CMP-1", "location": "V-TECH1",
                                                             "physical": 2, "card": 3},
                    headers=auth.headers("new_store_clerk"))
    assert r.status_code in (200, 201), r.json
    rows = client.get(f"/api/v1/reconciliation?store=NEW&stocktake={st}", headers=manager).json["rows"]
    assert [(x["location"], x["account"], x["physical"], x["status"]) for x in rows] == \
        [("V-TECH1", 3, 2, "account_physical")]
    everything = client.get("/api/v1/reconciliation?store=NEW", headers=manager).json["rows"]
    assert {x["location"] for x in everything} == {"N-A01-01", "V-TECH1"}


def test_the_lot_of_a_part_fitted_is_carried_to_the_claim_when_it_fails_and_to_the_incident(client, auth, world,
                                                                                              session):
    """Issue to a repair with the supplier's lot read off the label: the move and the job record it; when that part
    fails on the same unit later, the claim carries the lot (a dealer's claim too), and a quality incident naming
    the lot finds the unit and the claim."""
    refill(client, auth, "tech1", [("CMP-1", 2)])
    tech = auth.headers("technician", "tech1")
    no = dispatched(client, auth)
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow() + timedelta(seconds=1)), "parts_used": [
        {"part_number": "CMP-1", "qty": 1, "lot": " L2405A "}]}, headers=tech)
    assert r.status_code == 200 and r.json["parts_used"][0]["lot"] == "L2405A", r.json
    move = session.scalar(select(Move).where(Move.doc_no == no, Move.doc_type == "service"))
    assert move.lot == "L2405A"
    session.rollback()
    # a lot longer than a GS1 lot is refused, nothing written
    no2 = dispatched(client, auth)
    assert client.post(f"{T}/{no2}/arrive", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    before = counts(session)
    r = client.post(f"{T}/{no2}/complete", json={"at": iso(utcnow() + timedelta(seconds=1)), "parts_used": [
        {"part_number": "CMP-1", "qty": 1, "lot": "X" * 21}]}, headers=tech)
    assert r.status_code == 400 and counts(session) == before
    # the same compressor fails again: collected on the next job, which fits a new one of another lot
    r = client.post(f"{T}/{no2}/complete", json={"at": iso(utcnow() + timedelta(seconds=2)), "parts_used": [
        {"part_number": "CMP-1", "qty": 1, "lot": "L2409B"}], "failed_parts": [{"part_number": "CMP-1", "failure": "又烧了"}]},
        headers=tech)
    assert r.status_code == 200, r.json
    claim_no = session.scalar(select(Claim.claim_no).order_by(Claim.id.desc()))
    session.rollback()
    admin = auth.headers("admin")
    assert client.get(f"/api/v1/claims/{claim_no}", headers=admin).json["lot"] == "L2405A"  # not this visit's lot
    # a later claim for the unit's compressor: the lot fitted last (L2409B) unless the claim reads one off it
    r = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "SVC", "part_number": "CMP-1", "qty": 1,
                                            "failure": "不启动", "print_tag": False}, headers=admin)
    assert r.status_code == 201, r.json  # SVC: field service's own dealer account, made by the claim above
    assert client.get(f"/api/v1/claims/{r.json['claim_no']}", headers=admin).json["lot"] == "L2409B"
    # an incident naming lot L2405A: the unit that carried it, and the claim behind it
    r = client.post("/api/v1/quality/incidents", json={"part_number": "CMP-1", "title": "压缩机批量烧毁",
                                                        "lots": ["L2405A"]}, headers=admin)
    assert r.status_code == 201, r.json
    view = client.get(f"/api/v1/quality/incidents/{r.json['incident_no']}", headers=admin).json
    # the lot applies where known: SN-0001 carries it; SN-0002's compressor lot was never recorded, so it stays in
    assert {u["serial"]: u["named_lot"] for u in view["affected_units"]} == {"SN-0001": True, "SN-0002": False}
    named = [c["claim_no"] for c in view["claims"] if c["in_named_lot"]]
    assert named == [claim_no]
    assert {x["lot"]: x["claims"] for x in view["claim_lots"]} == {"L2405A": 1, "L2409B": 1}
    r = client.post("/api/v1/quality/incidents", json={"part_number": "CMP-1", "title": "别的批次",
                                                        "lots": ["L0000"]}, headers=admin)
    units = client.get(f"/api/v1/quality/incidents/{r.json['incident_no']}", headers=admin).json["affected_units"]
    assert [u["serial"] for u in units] == ["SN-0002"]  # SN-0001 is known to carry other lots only
