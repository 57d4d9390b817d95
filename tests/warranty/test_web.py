"""Warranty pages without a browser: the tablet page's answer, the claim form (good and bad input, nothing written
on a refusal), assessment / confirmation / decision by role, the intake step of the scan API, the intake receipt,
and role × page checks."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.warranty import world
from warehouse.attachments.models import Attachment
from warehouse.ledger.models import Move
from warehouse.printing.models import PrintJob
from warehouse.warranty.models import Claim


@pytest.fixture
def w(session):
    return world.build(session)


def login(client, role):
    """Sign in as a user named after the role (made on first use: password hashing is slow)."""
    from service_app.extensions import db
    from tests.factories import make_user

    with client.application.app_context():
        make_user(db.session, username=role, role=role)
        db.session.commit()
    client.post("/logout")
    r = client.post("/login", data={"username": role, "password": "password-123"})
    assert r.status_code == 302, role


def counts(session) -> tuple:
    out = tuple(session.scalar(select(func.count()).select_from(t)) for t in (Claim, Move, Attachment, PrintJob))
    session.rollback()
    return out


def one(session, stmt):
    """Read one value and end the transaction (a test session's transaction would hold SQLite's write lock)."""
    value = session.scalar(stmt)
    session.rollback()
    return value


def status_of(session, no):
    return one(session, select(Claim.status).where(Claim.claim_no == no))


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


# --- the tablet page -------------------------------------------------------------------------------------------------

def test_tablet_page_shows_green_band_until_when_and_history(client, session, w):
    no = world.claim(session, assess="approve")
    login(client, "technician")
    html = client.get("/warranty?q=sn-0001").get_data(as_text=True)
    assert 'class="band ok"' in html and w["expires"] in html
    assert 'id="history"' in html and no in html
    assert 'id="fits"' in html and "CMP-1" in html        # the parts that fit its model
    assert 'id="customer"' not in html and "张三" not in html  # a technician does not read customer records
    login(client, "service_agent")
    html = client.get("/warranty?serial=SN-0001").get_data(as_text=True)
    assert 'id="customer"' in html and "张三" in html
    assert f'href="/claims/{no}"' not in html  # may not open claims: no link
    assert 'id="camera-btn"' not in html      # decoding frames needs stock.read


def test_tablet_page_red_for_expired_unknown_and_part_terms(client, session, w):
    login(client, "technician")
    html = client.get("/warranty?q=SN-OLD").get_data(as_text=True)
    assert 'class="band bad"' in html and 'data-status="expired"' in html
    r = client.get("/warranty?q=NO-SUCH-UNIT")
    assert r.status_code == 404 and 'data-status="unknown"' in r.get_data(as_text=True)
    html = client.get("/warranty?serial=SN-0001&part_number=CMP-1").get_data(as_text=True)
    assert 'id="part-terms"' in html and "compressor" in html
    # a part scanned while a unit is shown: that part's terms for the unit
    html = client.get("/warranty?serial=SN-0001&q=CMP-1").get_data(as_text=True)
    assert 'id="part-terms"' in html
    # a claim tag scanned on the tablet opens its assessment
    no = world.claim(session)
    r = client.get(f"/warranty?q={no.lower()}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/claims/assess?code={no}")


def test_repeat_repairs_raise_the_三包_flag(client, session, w):
    world.claim(session, assess="approve")
    login(client, "technician")
    assert 'id="repeat-flag"' not in client.get("/warranty?serial=SN-0001").get_data(as_text=True)
    world.claim(session, assess="approve")
    assert 'id="repeat-flag"' in client.get("/warranty?serial=SN-0001").get_data(as_text=True)


# --- the claim form ----------------------------------------------------------------------------------------------------

GOOD = {"serial": "SN-0001", "dealer": "d001", "part_number": "CMP-1", "qty": "1", "labour_hours": "1.5",
        "failure": "压缩机不启动"}


def test_claim_form_files_claim_queues_tag_and_keeps_photo(client, session, w):
    login(client, "order_clerk")
    assert client.get("/claims/new").status_code == 200
    r = client.post("/claims/new", data={**GOOD, "photo": (io.BytesIO(PNG), "part.png")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    no = r.headers["Location"].rsplit("/", 1)[1]
    claim = session.scalar(select(Claim).where(Claim.claim_no == no))
    assert claim.qty == 1 and str(claim.labour_hours) == "1.50" and claim.warranty_status == "in_warranty"
    job = session.scalar(select(PrintJob).order_by(PrintJob.id.desc()))
    assert job.template == "returned_part" and job.payload[0]["claim_no"] == no
    assert one(session, select(Attachment.owner_key).where(Attachment.owner_kind == "claim")) == no
    html = client.get(f"/claims/{no}").get_data(as_text=True)
    assert no in html and "part.png" in html and 'id="out-of-warranty"' not in html


def test_out_of_warranty_claim_is_accepted_and_marked(client, session, w):
    login(client, "returned_store_clerk")
    r = client.post("/claims/new", data={**GOOD, "serial": "SN-OLD"})
    assert r.status_code == 302
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="out-of-warranty"' in html
    assert "SN-OLD" in client.get("/claims?warranty_status=out").get_data(as_text=True)
    assert "SN-OLD" not in client.get("/claims?warranty_status=in_warranty").get_data(as_text=True)


@pytest.mark.parametrize("change", [
    {"qty": "0"}, {"qty": "-1"}, {"qty": "1.5"}, {"qty": "x"}, {"failure": ""}, {"serial": ""},
    {"labour_hours": "-1"}, {"labour_hours": "1000"}, {"serial": "NO-SUCH"}, {"part_number": "NOPE"},
    {"dealer": "NOPE"}, {"failure": "x" * 2001}, {"printer": "tcp://10.0.0.1:9100"},
])
def test_bad_claim_form_answers_400_and_writes_nothing(client, session, w, change):
    login(client, "order_clerk")
    before = counts(session)
    r = client.post("/claims/new", data={**GOOD, **change})
    assert r.status_code == 400
    assert 'class="flash error"' in r.get_data(as_text=True)
    assert counts(session) == before


def test_a_photo_that_is_not_an_image_refuses_the_whole_claim(client, session, w):
    login(client, "order_clerk")
    before = counts(session)
    r = client.post("/claims/new", data={**GOOD, "photo": (io.BytesIO(b"not an image at all"), "part.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and counts(session) == before


# --- assessment, confirmation, decision --------------------------------------------------------------------------------

def test_technician_assesses_by_scanning_the_tag(client, session, w):
    no = world.claim(session)
    login(client, "technician")
    html = client.get(f"/claims/assess?code={no.lower()}").get_data(as_text=True)
    assert 'id="assess-form"' in html and no in html
    r = client.post(f"/claims/{no}/assess", data={"cause": "quality", "decision": "approve", "notes": "线圈烧毁"})
    assert r.status_code == 302
    assert status_of(session, no) == "approved"
    # a second scan of the same tag: not waiting any more, no form
    r = client.get(f"/claims/assess?code={no}")
    assert r.status_code == 400 and 'id="assess-form"' not in r.get_data(as_text=True)


@pytest.mark.parametrize("data", [{"cause": "weather", "decision": "approve"}, {"cause": "quality"},
                                  {"cause": "quality", "decision": "maybe"}, {}])
def test_bad_assessment_writes_nothing(client, session, w, data):
    no = world.claim(session)
    login(client, "technician")
    r = client.post(f"/claims/{no}/assess", data=data)
    assert r.status_code == 400
    assert status_of(session, no) == "filed"


@pytest.mark.parametrize("role", ["order_clerk", "returned_store_clerk", "quality", "manager", "service_agent"])
def test_only_technicians_assess(client, session, w, role):
    no = world.claim(session)
    login(client, role)
    assert client.get(f"/claims/assess?code={no}").status_code == 403
    assert client.post(f"/claims/{no}/assess", data={"cause": "quality", "decision": "approve"}).status_code == 403
    assert status_of(session, no) == "filed"


def test_quality_confirms_and_manager_decides(app, client, session, w):
    from warehouse.warranty.models import Policy

    session.execute(Policy.__table__.update().values(quality_confirm_above=100))
    session.commit()
    app.config["CLAIM_REJECT_APPROVAL_ABOVE"] = "100"
    approve = world.claim(session, assess="approve")
    reject = world.claim(session, assess="reject", reject_limit=100)
    states = dict(session.execute(select(Claim.claim_no, Claim.status)).all())
    session.rollback()
    assert states[approve] == "pending_quality" and states[reject] == "pending_manager"
    login(client, "technician")  # sees neither button
    html = client.get(f"/claims/{approve}").get_data(as_text=True)
    assert 'id="confirm-form"' not in html and 'id="decide-form"' not in html
    assert client.post(f"/claims/{approve}/confirm", data={"agree": "yes"}).status_code == 403
    login(client, "quality")
    assert 'id="confirm-form"' in client.get(f"/claims/{approve}").get_data(as_text=True)
    assert approve in client.get("/claims/to-confirm").get_data(as_text=True)
    assert client.post(f"/claims/{approve}/confirm", data={"agree": "yes"}).status_code == 302
    assert client.post(f"/claims/{reject}/decide", data={"agree": "yes"}).status_code == 403
    login(client, "manager")
    assert 'id="decide-form"' in client.get(f"/claims/{reject}").get_data(as_text=True)
    assert client.post(f"/claims/{reject}/decide", data={"agree": "maybe"}).status_code == 302  # flashed, no change
    assert status_of(session, reject) == "pending_manager"
    assert client.post(f"/claims/{reject}/decide", data={"agree": "yes"}).status_code == 302
    states = dict(session.execute(select(Claim.claim_no, Claim.status)).all())
    session.rollback()
    assert states == {approve: "approved", reject: "rejected"}


# --- intake through the scan step --------------------------------------------------------------------------------------

def scan(client, headers, code, **body):
    return client.post("/api/v1/scan", json={"code": code, "mode": "intake", **body}, headers=headers)


def test_intake_mode_tag_then_bin_posts_once(client, auth, session, w):
    filed, ready = world.claim(session), world.claim(session, assess="approve")
    clerk = auth.headers("returned_store_clerk")
    r = scan(client, clerk, filed)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_assessed"
    r = scan(client, clerk, ready.lower())
    assert r.status_code == 200 and r.json["kind"] == "claim" and r.json["claim_no"] == ready
    r = scan(client, clerk, "CMP-1", claim=ready)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"
    body = {"code": "R-A01-01", "mode": "intake", "claim": ready}
    r = client.post("/api/v1/scan", json=body, headers={**clerk, "Idempotency-Key": "k-1"})
    assert r.status_code == 200 and r.json["kind"] == "intake" and r.json["doc_no"].startswith("RI-")
    assert r.json["qty"] == 1 and r.json["qty_on_hand"] == 1
    again = client.post("/api/v1/scan", json=body, headers={**clerk, "Idempotency-Key": "k-1"})  # a retry
    assert again.json == r.json and again.headers.get("Idempotent-Replay") == "true"
    assert one(session, select(func.count()).select_from(Move).where(Move.doc_type == "intake")) == 1
    r = scan(client, clerk, ready)
    assert r.status_code == 409 and r.json["error"]["code"] == "already_taken_in"
    login(client, "returned_store_clerk")
    receipt = client.get(f"/returned/receipts/{again.json['doc_no']}")
    assert receipt.status_code == 200 and ready in receipt.get_data(as_text=True)
    assert "旧件入库单" in receipt.get_data(as_text=True)


def test_intake_mode_refusals_in_english_and_by_role(client, auth, session, w):
    no = world.claim(session)
    r = client.post("/api/v1/scan", json={"code": no, "mode": "intake"},
                    headers={**auth.headers("returned_store_clerk"), "Accept-Language": "en"})
    assert r.json["error"]["code"] == "not_assessed" and "assess" in r.json["error"]["message"].lower()
    ready = world.claim(session, assess="approve")
    for role in ("technician", "new_store_clerk", "order_clerk"):
        r = client.post("/api/v1/scan", json={"code": "R-A01-01", "mode": "intake", "claim": ready},
                        headers=auth.headers(role))
        assert r.status_code == 403, role
        login(client, role)
        assert client.get("/scan/intake").status_code == 403
    assert one(session, select(Claim.intake_doc_no).where(Claim.claim_no == ready)) is None


def test_intake_into_a_new_parts_bin_is_refused(client, auth, session, w):
    ready = world.claim(session, assess="approve")
    r = client.post("/api/v1/scan", json={"code": "N-A01-01", "mode": "intake", "claim": ready},
                    headers=auth.headers("manager"))
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_store"
    assert one(session, select(Claim.intake_doc_no).where(Claim.claim_no == ready)) is None


# --- roles × pages -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,path,status", [
    ("technician", "/warranty", 200), ("technician", "/claims/assess", 200), ("technician", "/claims/new", 403),
    ("technician", "/scan/intake", 403), ("technician", "/quality/alerts", 403),
    ("order_clerk", "/claims/new", 200), ("order_clerk", "/claims/assess", 403),
    ("returned_store_clerk", "/scan/intake", 200), ("returned_store_clerk", "/claims/assess", 403),
    ("quality", "/claims/to-confirm", 200), ("quality", "/quality/alerts", 200), ("quality", "/claims/assess", 403),
    ("customer_supervisor", "/quality/alerts", 200), ("customer_supervisor", "/claims/new", 403),
    ("service_agent", "/warranty", 200), ("service_agent", "/claims", 403), ("new_store_clerk", "/warranty", 403),
    ("manager", "/claims/to-decide", 200), ("manager", "/claims/assess", 403),
])
def test_role_page(client, w, role, path, status):
    login(client, role)
    assert client.get(path).status_code == status


def test_alerts_page_lists_a_part_failing_fast(client, session, w):
    for _ in range(3):
        world.claim(session, part_number="FAN-1")
    login(client, "customer_supervisor")
    html = client.get("/quality/alerts").get_data(as_text=True)
    assert "FAN-1" in html and 'id="no-alerts"' not in html
