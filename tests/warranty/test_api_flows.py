"""The rest of the warranty API end to end: imports (dry run, background job), registry, claim lists and photos,
the returned-parts store and its disputes, supplier returns with the return note, quality statistics, incidents
and the feedback form; who may do what; bad input answers 4xx and writes nothing."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from tests.factories import make_bin, make_part, today
from warehouse.catalog.services import create_supplier
from warehouse.jobs import worker
from warehouse.ledger.models import Move
from warehouse.warranty.models import Claim, IntakeDispute, PartFit, QualityIncident, ReturnBatch, Unit

CLAIM = {"serial": "SN-0001", "dealer": "D001", "part_number": "CMP-1", "qty": 2, "failure": "压缩机不启动",
         "print_tag": False}


@pytest.fixture
def ready(client, auth, session):
    create_supplier(session, code="S1", name="压缩机厂")
    make_part(session, part_number="CMP-1", category="compressor", dealer_price="350.00", supplier="S1")
    make_part(session, part_number="FAN-1", category="fan", dealer_price="20.00", supplier="S1")
    make_bin(session, "R-A01-01", "RETURNED")
    session.commit()
    admin = auth.headers("admin")
    assert client.post("/api/v1/dealers", json={"code": "D001", "name": "华东经销商"}, headers=admin).status_code == 201
    assert client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "months": 12,
                                                          "effective_from": "2020-01-01"},
                       headers=admin).status_code == 201
    r = client.post("/api/v1/units", json={"serial": "SN-0001", "model": "KFR-35GW", "dealer": "D001",
                                           "sold_on": (today() - timedelta(days=10)).isoformat(),
                                           "customer": {"name": "张三", "phone": "13800000000"}}, headers=admin)
    assert r.status_code == 201
    return admin


def file_claim(client, auth, **over) -> str:
    r = client.post("/api/v1/claims", json={**CLAIM, **over}, headers=auth.headers("order_clerk"))
    assert r.status_code == 201, r.json
    return r.json["claim_no"]


def approved(client, auth, **over) -> str:
    c = file_claim(client, auth, **over)
    r = client.post(f"/api/v1/claims/{c}/assessment", json={"cause": "quality", "decision": "approve"},
                    headers=auth.headers("technician"))
    assert r.status_code == 200 and r.json["status"] == "approved"
    return c


def count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


def run_jobs(app):
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        return worker.work_due(sessionmaker(engine, expire_on_commit=False))
    finally:
        engine.dispose()


# --- imports ------------------------------------------------------------------------------------------------------

UNITS_CSV = ("序列号,机型,销售日期,经销商,客户,电话\n"
             "SN-1001,KFR-35GW,2025-01-05,D001,李四,13800000001\n"
             "SN-1002,KFR-35GW,2025/1/6,,,\n"
             ",KFR-35GW,2025-01-07,,,\n"
             "SN-1004,KFR-35GW,2025-13-01,,,\n").encode("utf-8-sig")


def test_unit_import_dry_run_then_job(client, auth, ready, session, app):
    upload = {"file": (io.BytesIO(UNITS_CSV), "units.csv"), "dry_run": "true"}
    r = client.post("/api/v1/units/import", data=upload, headers=ready, content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    assert (r.json["rows"], r.json["written"]) == (4, 0)
    assert [(e["row"], e["reason"]) for e in r.json["errors"]] == [(4, "bad_serial"), (5, "bad_date")]
    assert count(session, Unit) == 1
    r = client.post("/api/v1/units/import", data={"file": (io.BytesIO(UNITS_CSV), "units.csv")}, headers=ready,
                    content_type="multipart/form-data")
    assert r.status_code == 202 and r.json["kind"] == "unit_import"
    assert count(session, Unit) == 1  # nothing is written by the request itself
    assert run_jobs(app).claimed == 1
    job = client.get(r.json["url"], headers=ready).json
    assert job["state"] == "done" and job["row_errors"] == 2, job
    assert count(session, Unit) == 3
    errors = client.get(f"/api/v1/jobs/{job['job_id']}/row-errors", headers=ready).json["errors"]
    assert {e["reason"] for e in errors} == {"bad_serial", "bad_date"}
    # the same file again changes nothing
    client.post("/api/v1/units/import", data={"file": (io.BytesIO(UNITS_CSV), "units.csv")}, headers=ready,
                content_type="multipart/form-data")
    run_jobs(app)
    assert count(session, Unit) == 3


def test_fits_import_flags_claims(client, auth, ready, session, app):
    data = "配件号,机型\nCMP-1,KFR-50LW\nCMP-1,KFR-72LW\nNOPE,KFR-50LW\n".encode()
    r = client.post("/api/v1/part-fits/import", data={"file": (io.BytesIO(data), "fits.csv")}, headers=ready,
                    content_type="multipart/form-data")
    assert r.status_code == 202
    run_jobs(app)
    assert count(session, PartFit) == 2
    c = file_claim(client, auth)
    r = client.get(f"/api/v1/claims/{c}", headers=auth.headers("technician"))
    assert r.json["fits_model"] is False  # flagged for the technician
    r = client.get("/api/v1/product-models/KFR-50LW/parts", headers=auth.headers("technician"))
    assert [p["part_number"] for p in r.json["parts"]] == ["CMP-1"]


@pytest.mark.parametrize("name, data, code", [
    ("units.csv", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "attachment_type_mismatch"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "attachment_type_refused"),
    ("units.txt", b"hello", "attachment_type_refused"),
    ("units.csv", b"a,b\n1,2\n", "invalid_input"),
])
def test_bad_import_files_write_nothing(client, auth, ready, session, name, data, code):
    from warehouse.attachments.models import Attachment
    from warehouse.jobs.models import Job

    for dry in ("true", "false"):
        r = client.post("/api/v1/units/import", data={"file": (io.BytesIO(data), name), "dry_run": dry},
                        headers=ready, content_type="multipart/form-data")
        if code == "invalid_input" and dry == "false":
            assert r.status_code == 202  # the columns are the job's to check: it fails with the code
            continue
        assert 400 <= r.status_code < 500 and r.json["error"]["code"] == code, r.json
    assert count(session, Unit) == 1 and count(session, Attachment) <= 1 and count(session, Job) <= 1


# --- registry -----------------------------------------------------------------------------------------------------

def test_models_rates_policies_extensions_and_unit_detail(client, auth, ready):
    m = auth.headers("manager")
    assert client.put("/api/v1/product-models/KFR-35GW", json={"name": "挂机", "category": "AC"},
                      headers=m).json["category"] == "AC"
    assert client.put("/api/v1/labour-rates/AC", json={"rate": "45.5"}, headers=m).json["rate"] == "45.50"
    assert client.get("/api/v1/labour-rates", headers=m).json["rates"] == [{"category": "AC", "rate": "45.50"}]
    client.post("/api/v1/warranty/policies", json={"model": "KFR-35GW", "months": 24,
                                                    "effective_from": "2024-01-01"}, headers=m)
    pols = client.get("/api/v1/warranty/policies?model=KFR-35GW", headers=m).json["policies"]
    assert [p["months"] for p in pols] == [24, 12]
    r = client.post("/api/v1/units/SN-0001/extensions", json={"months": 12, "reference": "EW-1"}, headers=m)
    assert r.status_code == 201
    c = file_claim(client, auth, labour_hours="2")
    assert client.get(f"/api/v1/claims/{c}", headers=m).json["amount"] == "791.00"  # 2 × 350 + 2 h × 45.50
    tech = client.get("/api/v1/units/SN-0001", headers=auth.headers("technician")).json
    assert "customer" not in tech and tech["extensions"][0]["months"] == 12 and tech["claims"][0]["claim_no"] == c
    agent = client.get("/api/v1/units/SN-0001", headers=auth.headers("service_agent")).json
    assert agent["customer"]["name"] == "张三"


def test_claim_list_filters_and_photos(client, auth, ready):
    c1 = approved(client, auth)
    c2 = file_claim(client, auth, part_number="FAN-1", qty=1)
    tech = auth.headers("technician")
    assert [c["claim_no"] for c in client.get("/api/v1/claims", headers=tech).json["claims"]] == [c2, c1]
    assert [c["claim_no"] for c in client.get("/api/v1/claims?status=approved&cause=quality",
                                              headers=tech).json["claims"]] == [c1]
    assert [c["claim_no"] for c in client.get("/api/v1/claims?part_number=FAN-1&supplier=S1&dealer=D001",
                                              headers=tech).json["claims"]] == [c2]
    assert client.get(f"/api/v1/claims?filed_to={(today() - timedelta(days=1)).isoformat()}",
                      headers=tech).json["claims"] == []
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    for role in ("order_clerk", "technician"):
        r = client.post("/api/v1/attachments", data={"file": (io.BytesIO(png.getvalue()), "p.png"),
                                                      "owner_kind": "claim", "owner_key": c1},
                        headers=auth.headers(role), content_type="multipart/form-data")
        assert r.status_code == 201, r.json
    r = client.post("/api/v1/attachments", data={"file": (io.BytesIO(b"not an image"), "p.png"),
                                                  "owner_kind": "claim", "owner_key": c1},
                    headers=tech, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["error"]["code"] == "attachment_type_mismatch"
    r = client.post("/api/v1/attachments", data={"file": (io.BytesIO(png.getvalue()), "p.png"),
                                                  "owner_kind": "claim", "owner_key": c1},
                    headers=auth.headers("shipper"), content_type="multipart/form-data")
    assert r.status_code == 403
    r = client.get(f"/api/v1/attachments?owner_kind=claim&owner_key={c1}", headers=auth.headers("quality"))
    assert len(r.json["attachments"]) == 2


# --- the returned-parts store, disputes, supplier returns -------------------------------------------------------

def test_store_disputes_returns_and_recovery(client, auth, ready, session):
    rc = auth.headers("returned_store_clerk")
    full, short, missing = approved(client, auth), approved(client, auth), approved(client, auth)
    assert client.post("/api/v1/returned/intake", json={"claim_no": full, "location": "R-A01-01"},
                       headers=rc).json["dispute_no"] is None
    r = client.post("/api/v1/returned/intake", json={"claim_no": short, "location": "R-A01-01", "qty": 1},
                    headers=rc)
    assert r.status_code == 201 and r.json["short"] == 1 and r.json["dispute_no"].startswith("DP-")
    moves = count(session, Move)
    r = client.post("/api/v1/returned/intake", json={"claim_no": missing, "location": "R-A01-01",
                                                     "abnormal": "part_missing", "notes": "箱内无件"}, headers=rc)
    assert r.status_code == 201 and r.json["doc_no"] is None and r.json["qty"] == 0
    assert count(session, Move) == moves  # nothing was taken in
    disputes = client.get("/api/v1/returned/disputes?status=open", headers=rc).json["disputes"]
    assert {d["kind"] for d in disputes} == {"shortfall", "part_missing"}
    dp = disputes[0]["dispute_no"]
    r = client.post(f"/api/v1/returned/disputes/{dp}/close", json={"resolution": "经销商补寄"}, headers=rc)
    assert r.status_code == 403
    r = client.post(f"/api/v1/returned/disputes/{dp}/close", json={"resolution": "经销商补寄"},
                    headers=auth.headers("manager"))
    assert r.status_code == 200 and r.json["status"] == "closed"
    assert client.post(f"/api/v1/returned/disputes/{dp}/close", json={"resolution": "x"},
                       headers=auth.headers("manager")).json["error"]["code"] == "dispute_state"

    store = client.get("/api/v1/returned/parts?supplier=S1&cause=quality", headers=rc).json["parts"]
    assert {(p["claim_no"], p["qty"]) for p in store} == {(full, 2), (short, 1)}
    assert client.get("/api/v1/returned/parts?cause=wear", headers=rc).json["parts"] == []

    b = client.post("/api/v1/supplier-returns", json={"supplier": "S1"}, headers=rc)
    assert b.status_code == 201
    bn = b.json["batch_no"]
    for c in (full, short):
        assert client.post(f"/api/v1/supplier-returns/{bn}/lines", json={"claim_no": c},
                           headers=rc).status_code == 201
    r = client.get(f"/api/v1/supplier-returns/{bn}/note.pdf", headers=rc)
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and r.mimetype == "application/pdf"
    r = client.post(f"/api/v1/supplier-returns/{bn}/ship", headers=rc)
    assert r.status_code == 200 and r.json["status"] == "shipped"
    assert client.get("/api/v1/returned/parts", headers=rc).json["parts"] == []  # they left the store
    r = client.post(f"/api/v1/supplier-returns/{bn}/lines/{full}/settle", json={"accepted_qty": 2,
                                                                                "recovered": "600.00"}, headers=rc)
    assert r.status_code == 200 and r.json["status"] == "shipped"
    r = client.post(f"/api/v1/supplier-returns/{bn}/lines/{short}/settle", json={"accepted_qty": 0,
                                                                                 "recovered": "0"}, headers=rc)
    assert client.post(f"/api/v1/supplier-returns/{bn}/lines/{short}/scrap", headers=rc).status_code == 403
    r = client.post(f"/api/v1/supplier-returns/{bn}/lines/{short}/scrap", headers=auth.headers("manager"))
    assert r.status_code == 200 and r.json["status"] == "closed" and r.json["recovered"] == "600.00"
    rows = client.get("/api/v1/recovery", headers=auth.headers("finance")).json["rows"]
    assert rows[0]["supplier"] == "S1" and rows[0]["claimed"] == "1050.00" and rows[0]["outstanding"] == "450.00"


def test_bad_returns_input_writes_nothing(client, auth, ready, session):
    rc = auth.headers("returned_store_clerk")
    c = file_claim(client, auth)
    before = (count(session, ReturnBatch), count(session, IntakeDispute), count(session, Move))
    for method, path, body, code in (
            ("post", "/api/v1/supplier-returns", {"supplier": "NOPE"}, "not_found"),
            ("post", "/api/v1/supplier-returns/SR-NOPE/lines", {"claim_no": c}, "not_found"),
            ("post", "/api/v1/returned/intake", {"claim_no": c, "location": "R-A01-01", "abnormal": "weird"},
             "invalid_input"),
            ("post", "/api/v1/returned/intake", {"claim_no": c, "location": "R-A01-01", "abnormal": "wrong_part"},
             "not_assessed"),
            ("post", "/api/v1/returned/disputes/DP-NOPE/close", {"resolution": "x"}, "forbidden"),
            ("get", "/api/v1/returned/parts?cause=aliens", None, "invalid_input"),
            ("get", "/api/v1/quality/failures?by=colour&start=2026-01-01&end=2026-02-01", None, "invalid_input"),
            ("get", "/api/v1/quality/feedback?month=2026-13", None, "invalid_input")):
        r = getattr(client, method)(path, json=body, headers=rc if "quality" not in path
                                    else auth.headers("quality"))
        assert 400 <= r.status_code < 500 and r.json["error"]["code"] == code, (path, r.json)
    r = client.post("/api/v1/supplier-returns", json={"supplier": "S1"}, headers=rc)
    bn = r.json["batch_no"]
    r = client.post(f"/api/v1/supplier-returns/{bn}/lines", json={"claim_no": c}, headers=rc)
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"  # not in the store
    r = client.post(f"/api/v1/supplier-returns/{bn}/ship", headers=rc)
    assert r.status_code == 409 and r.json["error"]["code"] == "batch_state"
    assert (count(session, IntakeDispute), count(session, Move)) == before[1:]


# --- quality ------------------------------------------------------------------------------------------------------

def test_failures_alerts_incidents_and_feedback(client, auth, ready, session):
    for _ in range(3):
        approved(client, auth, qty=1)
    q = auth.headers("quality")
    start, end = (today() - timedelta(days=40)).isoformat(), (today() + timedelta(days=1)).isoformat()
    rows = client.get(f"/api/v1/quality/failures?by=part&start={start}&end={end}", headers=q).json["rows"]
    assert rows[0]["key"] == "CMP-1" and rows[0]["claims"] == 3 and rows[0]["per_1000"] == 1000.0
    assert client.get("/api/v1/quality/alerts", headers=q).json["alerts"][0]["part_number"] == "CMP-1"
    r = client.post("/api/v1/quality/incidents", json={"part_number": "CMP-1", "title": "压缩机批量不启动",
                                                       "model": "KFR-35GW", "lots": ["L2405", "L2406"]}, headers=q)
    assert r.status_code == 201 and r.json["lots"] == ["L2405", "L2406"]
    no = r.json["incident_no"]
    view = client.get(f"/api/v1/quality/incidents/{no}", headers=q).json
    assert view["affected_units"][0]["serial"] == "SN-0001" and "customer" not in view["affected_units"][0]
    view = client.get(f"/api/v1/quality/incidents/{no}", headers=auth.headers("customer_supervisor")).json
    assert view["affected_units"][0]["customer"] == "张三"
    assert client.post(f"/api/v1/quality/incidents/{no}/close", headers=auth.headers("manager")).json["error"][
        "code"] == "incident_state"  # undecided
    r = client.post(f"/api/v1/quality/incidents/{no}/decision", json={"decision": "召回更换压缩机",
                                                                     "customers_told_on": today().isoformat()},
                    headers=auth.headers("customer_supervisor"))
    assert r.status_code == 200 and r.json["customers_told_on"] == today().isoformat()
    assert client.post(f"/api/v1/quality/incidents/{no}/close", headers=q).status_code == 403
    r = client.post(f"/api/v1/quality/incidents/{no}/close", headers=auth.headers("manager"))
    assert r.status_code == 200 and r.json["status"] == "closed"
    month = today().strftime("%Y-%m")
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        r = client.get(f"/api/v1/quality/feedback?month={month}&format={fmt}",
                       headers=auth.headers("customer_supervisor"))
        assert r.status_code == 200 and r.data.startswith(magic)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.data))
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row]
    assert "CMP-1" in cells and "质量" in cells
    assert count(session, QualityIncident) == 1


# --- who may do what ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, method, path, allowed", [
    ("order_clerk", "post", "/api/v1/claims/{c}/assessment", False),  # a clerk cannot assess
    ("returned_store_clerk", "post", "/api/v1/claims/{c}/assessment", False),
    ("quality", "post", "/api/v1/claims/{c}/assessment", False),  # quality confirms, does not assess
    ("quality", "post", "/api/v1/claims/{c}/confirmation", True),
    ("technician", "post", "/api/v1/returned/intake", False),  # a technician cannot intake
    ("service_agent", "get", "/api/v1/recovery", False),  # no supplier credits for the hotline
    ("service_agent", "get", "/api/v1/supplier-returns", False),
    ("finance", "get", "/api/v1/recovery", True),
    ("technician", "get", "/api/v1/recovery", False),
    ("returned_store_clerk", "get", "/api/v1/recovery", True),
    ("technician", "post", "/api/v1/supplier-returns", False),
    ("returned_store_clerk", "post", "/api/v1/supplier-returns", True),
    ("technician", "get", "/api/v1/returned/parts", True),
    ("shipper", "get", "/api/v1/returned/parts", False),
    ("order_clerk", "get", "/api/v1/claims", True),
    ("shipper", "get", "/api/v1/claims", False),
    ("technician", "get", "/api/v1/quality/alerts", False),
    ("customer_supervisor", "get", "/api/v1/quality/alerts", True),
    ("service_agent", "post", "/api/v1/quality/incidents", False),
    ("quality", "post", "/api/v1/quality/incidents", True),
    ("quality", "get", "/api/v1/quality/feedback?month=2026-01", True),
    ("returned_store_clerk", "get", "/api/v1/quality/feedback?month=2026-01", False),
    ("technician", "post", "/api/v1/units/import", False),
    ("order_clerk", "put", "/api/v1/labour-rates/AC", False),
    ("technician", "get", "/api/v1/warranty/policies?model=KFR-35GW", False),
    ("manager", "get", "/api/v1/warranty/policies?model=KFR-35GW", True),
    ("technician", "post", "/api/v1/units/SN-0001/extensions", False),
    ("technician", "put", "/api/v1/parts/CMP-1/fits", False),
    ("technician", "get", "/api/v1/units/SN-0001", True),
    ("finance", "get", "/api/v1/units/SN-0001", False),
])
def test_who_may_do_what(client, auth, ready, role, method, path, allowed):
    c = file_claim(client, auth)
    bodies = {"assessment": {"cause": "quality", "decision": "approve"}, "confirmation": {"agree": True},
              "intake": {"claim_no": c, "location": "R-A01-01"}, "supplier-returns": {"supplier": "S1"},
              "incidents": {"part_number": "CMP-1", "title": "t"}, "labour-rates": {"rate": "1"},
              "extensions": {"months": 1}, "fits": {"models": ["M"]}}
    body = next((b for k, b in bodies.items() if k in path), None)
    r = getattr(client, method)(path.format(c=c), json=body, headers=auth.headers(role))
    assert (r.status_code != 403) == allowed, (r.status_code, r.json if r.is_json else r.data[:100])


def test_dealer_confirms_the_intake_receipt_once(client, auth, ready, session):
    rc = auth.headers("returned_store_clerk")
    c = approved(client, auth)
    doc = client.post("/api/v1/returned/intake", json={"claim_no": c, "location": "R-A01-01"}, headers=rc).json[
        "doc_no"]
    url = f"/api/v1/returned/receipts/{doc}/confirmation"
    assert client.post(url, json={"confirmed_by": "王经理"}, headers=auth.headers("technician")).status_code == 403
    for body in ({}, {"confirmed_by": ""}, {"confirmed_by": "x" * 65}, {"confirmed_by": 5}):
        r = client.post(url, json=body, headers=rc)
        assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input", body
    r = client.post(url, json={"confirmed_by": "   "}, headers=rc)
    assert r.status_code == 400 and r.json["error"]["details"]["field"] == "confirmed_by"
    assert client.get(f"/api/v1/claims/{c}", headers=rc).json["dealer_confirmed_by"] is None
    r = client.post("/api/v1/returned/receipts/RI-NOPE/confirmation", json={"confirmed_by": "王经理"}, headers=rc)
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    r = client.post(url, json={"confirmed_by": " 王经理 "}, headers=rc)
    assert r.status_code == 200 and r.json["dealer_confirmed_by"] == "王经理" and r.json["claim_no"] == c
    r = client.post(url, json={"confirmed_by": "李四"}, headers=rc)
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict" and "王经理" in r.json["error"]["message"]
    view = client.get(f"/api/v1/claims/{c}", headers=rc).json
    assert view["dealer_confirmed_by"] == "王经理" and view["dealer_confirmed_at"]
