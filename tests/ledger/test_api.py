"""The JSON API for parts, bins, stock, scan resolve, errors and retries (CONTRACT §4)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from warehouse.ledger.models import Move


@pytest.fixture
def stocked(app, session):
    """A part with 5 on hand in N-A01-01, an empty NEW bin and a RETURNED bin."""
    part = make_part(session, part_number="AC-100", barcodes=["6901234567892"])
    for code, store in (("N-A01-01", "NEW"), ("N-A01-02", "NEW"), ("R-A01-01", "RETURNED")):
        make_bin(session, code, store)
    session.commit()
    from warehouse.ledger.services import receive

    receive(session, part_number="AC-100", location="N-A01-01", qty=5, actor="setup")
    session.commit()
    return part


def move_count(session) -> int:
    n = session.scalar(select(func.count(Move.id)))
    session.rollback()  # end the transaction: on SQLite it holds the write lock the app's requests need
    return n


def test_create_and_get_part(client, auth):
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/parts", json={"part_number": "FAN-7", "name": "风扇电机", "name_en": "Fan motor",
                                           "standard_cost": "12.50", "dealer_price": "19.90"}, headers=h)
    assert r.status_code == 201, r.json
    r = client.get("/api/v1/parts/FAN-7", headers=h)
    assert r.json["name"] == "风扇电机" and r.json["standard_cost"] == "12.50" and r.json["dealer_price"] == "19.90"
    dup = client.post("/api/v1/parts", json={"part_number": "FAN-7", "name": "x"}, headers=h)
    assert dup.status_code == 409 and dup.json["error"]["code"] == "already_exists"


def test_create_location(client, auth):
    h = auth.headers("new_store_clerk")
    assert client.post("/api/v1/locations", json={"code": "N-B02-03", "store": "NEW"}, headers=h).status_code == 201
    bad = client.post("/api/v1/locations", json={"code": "R-B02-03", "store": "NEW"}, headers=h)
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_input"


def test_receive_issue_and_stock_shape(client, auth, stocked):
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/stock/receive", json={"part_number": "AC-100", "location": "N-A01-02", "qty": 3,
                                                   "unit_cost": "7.25", "reference": "DN-1"}, headers=h)
    assert r.status_code == 201
    assert {k: r.json[k] for k in ("part_number", "location", "qty_on_hand")} == {
        "part_number": "AC-100", "location": "N-A01-02", "qty_on_hand": 3}
    assert isinstance(r.json["move_id"], int)
    r = client.post("/api/v1/stock/issue", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 2},
                    headers=h)
    assert r.status_code == 201 and r.json["qty_on_hand"] == 3
    s = client.get("/api/v1/stock/AC-100", headers=h).json
    assert s["part_number"] == "AC-100" and s["total"] == 6
    assert sorted((x["location"], x["qty"]) for x in s["locations"]) == [("N-A01-01", 3), ("N-A01-02", 3)]


BAD_BODIES = [
    ("unknown part", {"part_number": "NOPE", "location": "N-A01-01", "qty": 1}, 404, "unknown_part"),
    ("unknown bin", {"part_number": "AC-100", "location": "N-Z99-99", "qty": 1}, 404, "unknown_location"),
    ("zero", {"part_number": "AC-100", "location": "N-A01-01", "qty": 0}, 400, "invalid_input"),
    ("negative", {"part_number": "AC-100", "location": "N-A01-01", "qty": -2}, 400, "invalid_input"),
    ("fraction", {"part_number": "AC-100", "location": "N-A01-01", "qty": 1.5}, 400, "invalid_input"),
    ("string qty", {"part_number": "AC-100", "location": "N-A01-01", "qty": "2"}, 400, "invalid_input"),
    ("bool qty", {"part_number": "AC-100", "location": "N-A01-01", "qty": True}, 400, "invalid_input"),
    ("missing qty", {"part_number": "AC-100", "location": "N-A01-01"}, 400, "invalid_input"),
    ("unknown field", {"part_number": "AC-100", "location": "N-A01-01", "qty": 1, "x": 1}, 400, "invalid_input"),
    ("huge qty", {"part_number": "AC-100", "location": "N-A01-01", "qty": 10**12}, 400, "invalid_input"),
]


@pytest.mark.parametrize("endpoint", ["/api/v1/stock/receive", "/api/v1/stock/issue"])
@pytest.mark.parametrize("label,body,status,code", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_input_is_refused_and_writes_nothing(client, auth, session, stocked, endpoint, label, body, status,
                                                 code):
    before = move_count(session)
    r = client.post(endpoint, json=body, headers=auth.headers("new_store_clerk"))
    assert (r.status_code, r.json["error"]["code"]) == (status, code), r.json
    assert r.json["error"]["message"]
    assert move_count(session) == before


def test_receive_cost_must_be_decimal_string(client, auth, session, stocked):
    h = auth.headers("new_store_clerk")
    for cost in (1.25, "abc", "-1", "1.123456"):
        r = client.post("/api/v1/stock/receive", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 1,
                                                       "unit_cost": cost}, headers=h)
        assert r.status_code == 400, cost
    assert move_count(session) == 1


def test_over_issue_is_409(client, auth, session, stocked):
    r = client.post("/api/v1/stock/issue", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 6},
                    headers=auth.headers("shipper"))
    assert r.status_code == 409 and r.json["error"]["code"] == "insufficient_stock"
    assert move_count(session) == 1


def test_plain_receive_into_returned_bin_is_wrong_store(client, auth, session, stocked):
    r = client.post("/api/v1/stock/receive", json={"part_number": "AC-100", "location": "R-A01-01", "qty": 1},
                    headers=auth.headers("manager"))
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_store"
    assert move_count(session) == 1


def test_malformed_json_and_wrong_types(client, auth, stocked):
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/stock/receive", data="{not json", content_type="application/json", headers=h)
    assert r.status_code == 400 and r.json["error"]["code"] == "malformed_json"
    r = client.post("/api/v1/stock/receive", data="[1, 2]", content_type="application/json", headers=h)
    assert r.status_code == 400
    r = client.post("/api/v1/stock/receive", data="qty=1", content_type="application/x-www-form-urlencoded",
                    headers=h)
    assert 400 <= r.status_code < 500


def test_oversized_body_is_413(client, auth, session, stocked):
    body = json.dumps({"part_number": "AC-100", "location": "N-A01-01", "qty": 1, "reference": "x" * (1 << 20)})
    r = client.post("/api/v1/stock/receive", data=body, content_type="application/json",
                    headers=auth.headers("new_store_clerk"))
    assert r.status_code == 413 and r.json["error"]["code"] == "payload_too_large"
    assert move_count(session) == 1


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer forged.token.value", "Basic abc", "Bearer "])
def test_missing_or_forged_tokens_are_401(client, stocked, header):
    headers = {"Authorization": header} if header else {}
    r = client.post("/api/v1/stock/issue", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 1},
                    headers=headers)
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"


def test_token_signed_with_another_key_is_401(app, client, auth, stocked):
    from itsdangerous import URLSafeTimedSerializer

    auth.headers("admin")
    forged = URLSafeTimedSerializer("other-key", salt="api-token").dumps({"u": 1, "g": 0})
    r = client.get("/api/v1/stock/AC-100", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


def test_wrong_password_gives_no_token(client, auth):
    auth.headers("admin")
    r = client.post("/api/v1/auth/token", json={"username": "u_admin", "password": "wrong-password"})
    assert r.status_code == 401 and "token" not in r.json


# Who may do what: (role, endpoint, body) → allowed?
RECEIVE = ("/api/v1/stock/receive", {"part_number": "AC-100", "location": "N-A01-02", "qty": 1})
ISSUE = ("/api/v1/stock/issue", {"part_number": "AC-100", "location": "N-A01-01", "qty": 1})
TRANSFER = ("/api/v1/stock/transfer", {"part_number": "AC-100", "from_location": "N-A01-01",
                                       "to_location": "N-A01-02", "qty": 1})
PART = ("/api/v1/parts", {"part_number": "NEW-1", "name": "新零件"})
ROLE_TABLE = [
    ("new_store_clerk", RECEIVE, True), ("new_store_clerk", ISSUE, True), ("new_store_clerk", TRANSFER, True),
    ("new_store_clerk", PART, True),
    ("technician", RECEIVE, False), ("technician", ISSUE, False), ("technician", TRANSFER, False),
    ("technician", PART, False),
    ("shipper", RECEIVE, False), ("shipper", ISSUE, True),
    ("order_clerk", ISSUE, False), ("finance", RECEIVE, False), ("service_agent", ISSUE, False),
    ("returned_store_clerk", RECEIVE, False),
    ("returned_store_clerk", ISSUE, False),  # permitted to issue, but not from a NEW-store bin
    ("manager", RECEIVE, True), ("admin", TRANSFER, True),
]


@pytest.mark.parametrize("role,call,allowed", ROLE_TABLE, ids=[f"{r}-{c[0].rsplit('/', 1)[1]}" for r, c, _ in
                                                               ROLE_TABLE])
def test_role_table(client, auth, session, stocked, role, call, allowed):
    before = move_count(session)
    r = client.post(call[0], json=call[1], headers=auth.headers(role))
    if allowed:
        assert r.status_code == 201, r.json
    else:
        assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
        assert move_count(session) == before


def test_idempotency_key_replays_first_answer(client, auth, session, stocked):
    h = {**auth.headers("new_store_clerk"), "Idempotency-Key": "scan-42"}
    body = {"part_number": "AC-100", "location": "N-A01-01", "qty": 1}
    first = client.post("/api/v1/stock/issue", json=body, headers=h)
    again = client.post("/api/v1/stock/issue", json=body, headers=h)
    assert first.status_code == again.status_code == 201
    assert first.json == again.json and again.headers["Idempotent-Replay"] == "true"
    assert move_count(session) == 2
    other = client.post("/api/v1/stock/issue", json={**body, "qty": 2}, headers=h)
    assert other.status_code == 409  # same key, different request
    assert move_count(session) == 2
    # Keys are per user: another user's identical key is a different request.
    h2 = {**auth.headers("shipper"), "Idempotency-Key": "scan-42"}
    assert client.post("/api/v1/stock/issue", json=body, headers=h2).status_code == 201
    assert move_count(session) == 3


@pytest.mark.parametrize("path, body", [
    ("/api/v1/stock/issue", {"part_number": "AC-100", "location": "N-A01-01", "qty": 1}),
    ("/api/v1/scan", {"code": "AC-100", "mode": "issue", "location": "N-A01-01"}),
])
def test_a_write_right_after_the_actor_is_read(client, auth, session, stocked, path, body):
    """The actor is re-read (a cache miss) on the request's session before the stock frame opens a transaction of
    its own: that read must end first (on SQLite the frame would wait for its lock and answer 503)."""
    from service_app.auth.identity import forget_actor

    h = auth.headers("new_store_clerk")
    forget_actor()
    assert client.post(path, json=body, headers=h).status_code in (200, 201)
    assert move_count(session) == 2


@pytest.mark.parametrize("multithread, kept", [(False, 1), (True, 0)])
def test_a_single_threaded_server_keeps_the_stock_path_s_connection(app, client, auth, session, stocked,
                                                                    multithread, kept):
    """gunicorn's sync worker serves one request at a time: the stock path keeps its connection for the next one
    (warehouse.lean_session). A threaded server's requests give it back."""
    from service_app.extensions import db
    from warehouse import lean_session

    h = auth.headers("new_store_clerk")
    lean_session.release_kept()
    try:
        for qty_on_hand in (4, 3):
            r = client.post("/api/v1/stock/issue", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 1},
                            headers=h, environ_overrides={"wsgi.multithread": multithread})
            assert r.status_code == 201 and r.json["qty_on_hand"] == qty_on_hand
            with app.app_context():
                assert (lean_session._slot.kept is not None) == bool(kept)
                assert db.engine.pool.checkedout() == kept
    finally:
        lean_session.release_kept()
    assert move_count(session) == 3


def test_transfer_and_reverse(client, auth, session, stocked):
    h = auth.headers("new_store_clerk")
    t = client.post("/api/v1/stock/transfer", json=TRANSFER[1], headers=h)
    assert t.status_code == 201 and t.json["qty_on_hand"] == 1
    r = client.post(f"/api/v1/moves/{t.json['move_id']}/reverse", json={"reason": "wrong bin"}, headers=h)
    assert r.status_code == 201
    again = client.post(f"/api/v1/moves/{t.json['move_id']}/reverse", json={}, headers=h)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_reversed"
    moves = client.get("/api/v1/moves?part_number=AC-100", headers=h).json["moves"]
    assert [m["doc_type"] for m in moves[:2]] == ["reversal", "transfer"] and moves[1]["reversed"] is True
    assert client.get("/api/v1/stock/AC-100", headers=h).json["locations"] == [
        {"location": "N-A01-01", "store": "NEW", "qty": 5}]


@pytest.mark.parametrize("code,kind,key,value", [
    ("N-A01-01", "location", "location", "N-A01-01"),
    ("n-a01-01\r\n", "location", "location", "N-A01-01"),
    ("AC-100", "part", "part_number", "AC-100"),
    ("6901234567892", "part", "part_number", "AC-100"),          # supplier EAN-13
    ("]C10106901234567892\x1d10LOT7", "part", "part_number", "AC-100"),  # GS1-128 with GTIN-14 and lot
    ("(01)06901234567892(21)SN1", "part", "part_number", "AC-100"),
    ("MODE:ISSUE", "mode", "mode", "issue"),
    ("BC:N-A01-01:AC-100", "card", "location", "N-A01-01"),
])
def test_scan_resolve(client, auth, stocked, code, kind, key, value):
    r = client.post("/api/v1/scan/resolve", json={"code": code}, headers=auth.headers("new_store_clerk"))
    assert r.status_code == 200, r.json
    assert r.json["kind"] == kind and r.json[key] == value


def test_scan_resolve_gs1_fields(client, auth, stocked):
    r = client.post("/api/v1/scan/resolve", json={"code": "(01)06901234567892(10)L42(17)271231(30)12"},
                    headers=auth.headers("new_store_clerk"))
    assert r.json["gs1"]["lot"] == "L42" and r.json["gs1"]["quantity"] == 12
    assert r.json["gs1"]["expiry"] == "2027-12-31"


@pytest.mark.parametrize("code,status,err", [
    ("UNKNOWN-THING", 404, "unknown_code"), ("N-Z99-99", 404, "unknown_code"),
    ("(01)06901234567893", 400, "invalid_input"),  # bad GTIN check digit
    ("", 400, "invalid_input"), ("x" * 600, 400, "invalid_input"),
])
def test_scan_resolve_errors(client, auth, stocked, code, status, err):
    r = client.post("/api/v1/scan/resolve", json={"code": code}, headers=auth.headers("new_store_clerk"))
    assert (r.status_code, r.json["error"]["code"]) == (status, err)


def test_scan_step_bin_then_part_posts_one_move(client, auth, session, stocked):
    h = auth.headers("new_store_clerk")
    sel = client.post("/api/v1/scan", json={"code": "N-A01-01", "mode": "issue"}, headers=h).json
    assert sel == {"kind": "location", "location": "N-A01-01", "store": "NEW"}
    r = client.post("/api/v1/scan", json={"code": "AC-100", "mode": "issue", "location": "N-A01-01"}, headers=h)
    assert r.status_code == 200 and r.json["qty_on_hand"] == 4 and r.json["mode"] == "issue"
    no_bin = client.post("/api/v1/scan", json={"code": "AC-100", "mode": "issue"}, headers=h)
    assert no_bin.status_code == 400
    tech = client.post("/api/v1/scan", json={"code": "AC-100", "mode": "issue", "location": "N-A01-01"},
                       headers=auth.headers("technician"))
    assert tech.status_code == 403
    assert move_count(session) == 2


def test_openapi_documents_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {p for p in spec["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert path in documented, path


def test_unknown_api_route_is_json_404(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
