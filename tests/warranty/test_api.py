"""Warranty through the HTTP API (CONTRACT §4 shapes): policy, unit, status, claim, assessment, intake; who may do
what; bad input answers 4xx and writes nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part, today
from warehouse.dealers.models import AccountEntry
from warehouse.ledger.models import Move
from warehouse.warranty.models import Claim, Policy, Unit



@pytest.fixture
def ready(client, auth, session):
    make_part(session, part_number="CMP-1", category="compressor", dealer_price="350.00")
    make_bin(session, "R-A01-01", "RETURNED")
    make_bin(session, "N-A01-01", "NEW")
    session.commit()
    admin = auth.headers("admin")
    assert client.post("/api/v1/dealers", json={"code": "d001", "name": "华东经销商", "credit_limit": "50000.00"},
                       headers=admin).status_code == 201
    r = client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "months": 12, "usage_limit": 5000,
                                                        "effective_from": "2020-01-01"}, headers=admin)
    assert r.status_code == 201, r.json
    r = client.post("/api/v1/units", json={"serial": "SN-0001", "model": "KFR-35GW", "dealer": "D001",
                                           "sold_on": (today() - timedelta(days=10)).isoformat(),
                                           "customer": {"name": "张三", "phone": "13800000000"}}, headers=admin)
    assert r.status_code == 201, r.json
    return admin


def counts(session) -> tuple:
    out = tuple(session.scalar(select(func.count()).select_from(t)) for t in (Claim, Unit, Policy, Move, AccountEntry))
    session.rollback()
    return out


def test_status_lookup_contract_shape(client, auth, ready):
    r = client.get("/api/v1/warranty/sn-0001", headers=auth.headers("technician"))
    assert r.status_code == 200
    body = r.json
    assert {k: body[k] for k in ("serial", "model", "status")} == {"serial": "SN-0001", "model": "KFR-35GW",
                                                                   "status": "in_warranty"}
    assert body["sold_on"] == (today() - timedelta(days=10)).isoformat() and body["coverage"] == ["parts", "labour"]
    assert "customer" not in body  # a technician does not read customer records
    r = client.get("/api/v1/warranty/SN-0001?usage=6000", headers=auth.headers("service_agent"))
    assert r.json["status"] == "expired" and r.json["expired_by"] == "usage" and r.json["customer"]["name"] == "张三"
    on = (today() + timedelta(days=400)).isoformat()
    assert client.get(f"/api/v1/warranty/SN-0001?on={on}", headers=auth.headers("technician")).json["status"] == \
        "expired"
    r = client.get("/api/v1/warranty/NOPE", headers=auth.headers("technician"))
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_unit"


def test_no_policy_is_an_answer_not_an_error(client, auth, ready):
    r = client.post("/api/v1/units", json={"serial": "VIN00000000000001", "model": "NO-POLICY",
                                           "sold_on": today().isoformat()}, headers=ready)
    assert r.status_code == 201
    r = client.get("/api/v1/warranty/VIN00000000000001", headers=auth.headers("technician"))
    assert r.status_code == 200 and r.json["status"] == "no_policy" and r.json["expires_on"] is None


def test_claim_assess_intake_end_to_end(client, auth, ready, session):
    clerk = auth.headers("order_clerk")
    r = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 1,
                                            "failure": "压缩机不启动", "labour_hours": "2"}, headers=clerk)
    assert r.status_code == 201, r.json
    claim_no = r.json["claim_no"]
    rclerk = auth.headers("returned_store_clerk")
    r = client.post("/api/v1/returned/intake", json={"claim_no": claim_no, "location": "R-A01-01"}, headers=rclerk)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_assessed"
    tech = auth.headers("technician")
    r = client.post(f"/api/v1/claims/{claim_no}/assessment", json={"cause": "quality", "decision": "approve",
                                                                   "notes": "线圈烧毁"}, headers=tech)
    assert r.status_code == 200 and r.json["status"] == "approved" and r.json["amount"] == "350.00"
    r = client.post("/api/v1/returned/intake", json={"claim_no": claim_no, "location": "R-A01-01"}, headers=rclerk)
    assert r.status_code == 201 and r.json["qty_on_hand"] == 1 and r.json["doc_no"].startswith("RI-")
    r = client.post("/api/v1/returned/intake", json={"claim_no": claim_no, "location": "R-A01-01"}, headers=rclerk)
    assert r.status_code == 409 and r.json["error"]["code"] == "already_taken_in"
    hist = client.get("/api/v1/warranty/SN-0001", headers=tech).json["claims"]
    assert [c["claim_no"] for c in hist] == [claim_no] and hist[0]["intake_qty"] == 1
    credit = session.scalar(select(AccountEntry.amount).where(AccountEntry.source == claim_no))
    assert str(credit) == "-350.00"


def test_the_print_queue_gets_the_claim_tag(client, auth, ready, session):
    from warehouse.printing.models import PrintJob

    r = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1",
                                            "qty": 1, "failure": "漏氟"}, headers=auth.headers("order_clerk"))
    job = session.scalar(select(PrintJob).order_by(PrintJob.id.desc()))
    assert job.template == "returned_part" and job.payload[0]["claim_no"] == r.json["claim_no"]


@pytest.mark.parametrize("role, method, path, body, allowed", [
    ("new_store_clerk", "post", "/api/v1/claims/{c}/assessment", {"cause": "quality", "decision": "approve"}, False),
    ("manager", "post", "/api/v1/claims/{c}/assessment", {"cause": "quality", "decision": "approve"}, False),
    ("admin", "post", "/api/v1/claims/{c}/assessment", {"cause": "quality", "decision": "approve"}, False),
    ("quality", "post", "/api/v1/claims/{c}/assessment", {"cause": "quality", "decision": "approve"}, False),
    ("technician", "post", "/api/v1/claims/{c}/assessment", {"cause": "quality", "decision": "approve"}, True),
    ("technician", "post", "/api/v1/returned/intake", {"claim_no": "{c}", "location": "R-A01-01"}, False),
    ("shipper", "post", "/api/v1/claims", {"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 1,
                                           "failure": "x"}, False),
    ("service_agent", "post", "/api/v1/units", {"serial": "S-2", "model": "M", "sold_on": "2026-01-01"}, False),
    ("technician", "post", "/api/v1/warranty/policies", {"model": "M", "months": 1}, False),
    ("manager", "post", "/api/v1/claims/{c}/manager-decision", {"agree": True}, True),
    ("finance", "get", "/api/v1/warranty/SN-0001", None, False),
    ("quality", "get", "/api/v1/warranty/SN-0001", None, True),
    ("technician", "post", "/api/v1/claims/{c}/confirmation", {"agree": True}, False),
])
def test_who_may_do_what(client, auth, ready, role, method, path, body, allowed):
    r = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 1,
                                            "failure": "x", "print_tag": False}, headers=auth.headers("order_clerk"))
    c = r.json["claim_no"]
    path = path.format(c=c)
    if isinstance(body, dict):
        body = {k: (v.format(c=c) if isinstance(v, str) else v) for k, v in body.items()}
    r = getattr(client, method)(path, json=body, headers=auth.headers(role))
    assert (r.status_code != 403) == allowed, (r.status_code, r.json)
    if not allowed:
        assert r.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("body, code", [
    ({"serial": "NOPE"}, "unknown_unit"), ({"part_number": "NOPE"}, "unknown_part"),
    ({"dealer": "NOPE"}, "unknown_dealer"), ({"qty": -1}, "invalid_input"), ({"qty": 1.5}, "invalid_input"),
    ({"qty": "1"}, "invalid_input"), ({"failure": ""}, "invalid_input"), ({"labour_hours": "abc"}, "invalid_input"),
])
def test_bad_claims_are_4xx_and_write_nothing(client, auth, ready, session, body, code):
    before = counts(session)
    r = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 1,
                                            "failure": "x", **body}, headers=auth.headers("order_clerk"))
    assert 400 <= r.status_code < 500 and r.json["error"]["code"] == code, r.json
    assert counts(session) == before


def test_bad_assessment_and_intake(client, auth, ready, session):
    r = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 1,
                                            "failure": "x"}, headers=auth.headers("order_clerk"))
    c = r.json["claim_no"]
    tech = auth.headers("technician")
    r = client.post(f"/api/v1/claims/{c}/assessment", json={"cause": "aliens", "decision": "approve"}, headers=tech)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"
    r = client.post("/api/v1/claims/CL-NOPE/assessment", json={"cause": "wear", "decision": "approve"}, headers=tech)
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_claim"
    assert client.post(f"/api/v1/claims/{c}/assessment", json={"cause": "wear", "decision": "approve"},
                       headers=tech).status_code == 200
    before = counts(session)
    rclerk = auth.headers("returned_store_clerk")
    manager = auth.headers("manager")
    for who, body, code in ((manager, {"location": "N-A01-01"}, "wrong_store"),
                            (rclerk, {"location": "N-A01-01"}, "forbidden"),
                            (rclerk, {"location": "R-Z99-09"}, "unknown_location"),
                            (rclerk, {"location": "R-A01-01", "qty": 2}, "invalid_input"),
                            (rclerk, {"location": "R-A01-01", "qty": 0}, "invalid_input")):
        r = client.post("/api/v1/returned/intake", json={"claim_no": c, **body}, headers=who)
        assert 400 <= r.status_code < 500 and r.json["error"]["code"] == code, r.json
    assert counts(session) == before
    # A failed intake left the claim open: the right bin still takes it.
    r = client.post("/api/v1/returned/intake", json={"claim_no": c, "location": "R-A01-01"}, headers=rclerk)
    assert r.status_code == 201


def test_quality_confirms_where_the_policy_asks(client, auth, ready):
    admin = ready
    client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "category": "compressor", "months": 24,
                                                    "quality_confirm_above": "100.00",
                                                    "effective_from": "2020-01-01"}, headers=admin)
    c = client.post("/api/v1/claims", json={"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 1,
                                            "failure": "x"}, headers=auth.headers("order_clerk")).json["claim_no"]
    r = client.post(f"/api/v1/claims/{c}/assessment", json={"cause": "quality", "decision": "approve"},
                    headers=auth.headers("technician"))
    assert r.json["status"] == "pending_quality"
    r = client.post(f"/api/v1/claims/{c}/confirmation", json={"agree": True}, headers=auth.headers("quality"))
    assert r.status_code == 200 and r.json["status"] == "approved" and r.json["confirmed_by"] == "u_quality"
