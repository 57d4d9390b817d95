"""The stocktake, reconciliation and card API: CONTRACT §4 shapes, who may do what, bad input, retries, scanning."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from warehouse.ledger.models import Move
from warehouse.ledger.services import receive
from warehouse.stocktake.models import Stocktake, StocktakeLine

ROW_KEYS = {"part_number", "location", "account", "card", "physical", "status"}


@pytest.fixture
def shelf(app, session):
    """AC-100: 10 in N-A01-01 (card started at 10); AC-200: 3 in N-A01-02 (card never started); bins N-B01-01 and
    R-A01-01 empty."""
    make_part(session, part_number="AC-100", name="压缩机", name_en="Compressor")
    make_part(session, part_number="AC-200", name="风扇电机")
    for code, store in (("N-A01-01", "NEW"), ("N-A01-02", "NEW"), ("N-B01-01", "NEW"), ("R-A01-01", "RETURNED")):
        make_bin(session, code, store)
    receive(session, part_number="AC-100", location="N-A01-01", qty=10, actor="setup")
    receive(session, part_number="AC-200", location="N-A01-02", qty=3, actor="setup")
    from warehouse.stocktake.cards import start_card

    start_card(session, location="N-A01-01", part_number="AC-100", actor="setup")
    session.commit()


def count_of(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


def open_take(client, auth, **body) -> int:
    r = client.post("/api/v1/stocktakes", json={"store": "NEW", **body}, headers=auth.headers("manager"))
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_contract_flow_count_reconcile_approve(client, auth, shelf, session):
    take = open_take(client, auth, locations=["N-A01-01", "N-A01-02"])
    clerk, boss = auth.headers("new_store_clerk"), auth.headers("manager")
    r = client.post(f"/api/v1/stocktakes/{take}/counts", headers=clerk,
                    json={"part_number": "AC-100", "location": "N-A01-01", "physical": 8, "card": 10})
    assert r.status_code == 201, r.json
    assert (r.json["physical"], r.json["card"], r.json["state"]) == (8, 10, "counted")
    assert not {"account", "expected", "account_at_count", "qty_on_hand"} & set(r.json)  # blind

    recon = client.get(f"/api/v1/reconciliation?store=NEW&stocktake={take}", headers=boss)
    assert recon.status_code == 200
    rows = {(x["location"], x["part_number"]): x for x in recon.json["rows"]}
    assert all(ROW_KEYS <= set(x) for x in rows.values())
    assert {k: rows[("N-A01-01", "AC-100")][k] for k in ROW_KEYS} == {
        "part_number": "AC-100", "location": "N-A01-01", "account": 10, "card": 10, "physical": 8,
        "status": "account_physical"}
    assert (rows[("N-A01-02", "AC-200")]["status"], rows[("N-A01-02", "AC-200")]["physical"]) == ("not_counted",
                                                                                                  None)
    assert recon.json["summary"]["account_physical"] == 1 and recon.json["value_diff_total"] == "-20.00"

    r = client.post(f"/api/v1/stocktakes/{take}/approve", headers=boss)
    assert r.status_code == 200, r.json
    assert [(a["location"], a["qty"]) for a in r.json["adjustments"]] == [("N-A01-01", -2)]
    assert r.json["state"] == "approved"
    moves = count_of(session, Move)
    again = client.post(f"/api/v1/stocktakes/{take}/approve", headers=boss)
    assert again.status_code == 200 and again.json["already_approved"] is True
    assert count_of(session, Move) == moves
    row = client.get(f"/api/v1/reconciliation?store=NEW&stocktake={take}", headers=boss).json["rows"][0]
    assert (row["account"], row["card"], row["physical"], row["status"]) == (8, 8, 8, "ok")
    assert client.get("/api/v1/stock/AC-100", headers=boss).json["total"] == 8
    late = client.post(f"/api/v1/stocktakes/{take}/counts", headers=clerk,
                       json={"part_number": "AC-100", "location": "N-A01-01", "physical": 8})
    assert (late.status_code, late.json["error"]["code"]) == (409, "stocktake_closed")


def test_open_without_locations_covers_the_store_and_store_is_implied_by_the_stocktake(client, auth, shelf):
    take = open_take(client, auth)
    boss = auth.headers("manager")
    sheet = client.get(f"/api/v1/stocktakes/{take}", headers=boss).json
    assert [b["location"] for b in sheet["bins"]] == ["N-A01-01", "N-A01-02", "N-B01-01"]
    assert len(client.get(f"/api/v1/reconciliation?stocktake={take}", headers=boss).json["rows"]) == 2


FORBIDDEN = [
    ("new_store_clerk", "post", "/api/v1/stocktakes/{id}/approve", None),
    ("new_store_clerk", "post", "/api/v1/stocktakes/{id}/reject",
     {"lines": [{"part_number": "AC-100", "location": "N-A01-01"}]}),
    ("new_store_clerk", "post", "/api/v1/stocktakes", {"store": "NEW"}),
    ("new_store_clerk", "get", "/api/v1/reconciliation?store=NEW", None),
    ("shipper", "post", "/api/v1/stocktakes/{id}/counts",
     {"part_number": "AC-100", "location": "N-A01-01", "physical": 1}),
    ("returned_store_clerk", "post", "/api/v1/stocktakes/{id}/counts",
     {"part_number": "AC-100", "location": "N-A01-01", "physical": 1}),
    ("finance", "post", "/api/v1/cards/confirm", {"part_number": "AC-100", "location": "N-A01-01"}),
    ("technician", "get", "/api/v1/stocktakes/{id}", None),
]


def test_who_may_not(client, auth, shelf, session):
    take = open_take(client, auth)
    client.post(f"/api/v1/stocktakes/{take}/counts", headers=auth.headers("new_store_clerk"),
                json={"part_number": "AC-100", "location": "N-A01-01", "physical": 9})
    before = (count_of(session, Move), count_of(session, StocktakeLine), count_of(session, Stocktake))
    for role, method, path, body in FORBIDDEN:
        r = getattr(client, method)(path.format(id=take), json=body, headers=auth.headers(role))
        assert (r.status_code, r.json["error"]["code"]) == (403, "forbidden"), (role, path)
    assert (count_of(session, Move), count_of(session, StocktakeLine), count_of(session, Stocktake)) == before


def test_the_counter_cannot_approve_their_own_count(client, auth, shelf, session):
    take = open_take(client, auth)
    boss = auth.headers("manager")
    client.post(f"/api/v1/stocktakes/{take}/counts", headers=boss,
                json={"part_number": "AC-100", "location": "N-A01-01", "physical": 9})
    r = client.post(f"/api/v1/stocktakes/{take}/approve", headers=boss)
    assert (r.status_code, r.json["error"]["code"]) == (403, "own_count")
    assert count_of(session, Move) == 2
    other = client.post(f"/api/v1/stocktakes/{take}/approve", headers=auth.headers("admin"))
    assert other.status_code == 200 and other.json["adjustments"][0]["qty"] == -1


BAD_COUNTS = [
    ({"part_number": "AC-100", "location": "N-A01-01", "physical": -1}, 400, "invalid_input"),
    ({"part_number": "AC-100", "location": "N-A01-01", "physical": "3"}, 400, "invalid_input"),
    ({"part_number": "AC-100", "location": "N-A01-01", "physical": 1.5}, 400, "invalid_input"),
    ({"part_number": "AC-100", "location": "N-A01-01", "physical": True}, 400, "invalid_input"),
    ({"part_number": "AC-100", "location": "N-A01-01", "physical": 2, "card": -4}, 400, "invalid_input"),
    ({"part_number": "AC-100", "location": "N-A01-01"}, 400, "invalid_input"),
    ({"part_number": "AC-100", "location": "N-A01-01", "physical": 1, "extra": 1}, 400, "invalid_input"),
    ({"part_number": "NOPE", "location": "N-A01-01", "physical": 1}, 404, "unknown_part"),
    ({"part_number": "AC-100", "location": "N-Z99-99", "physical": 1}, 404, "unknown_location"),
    ({"part_number": "AC-100", "location": "N-B01-01", "physical": 1}, 409, "not_in_stocktake"),
]


def test_bad_counts_write_nothing(client, auth, shelf, session):
    take = open_take(client, auth, locations=["N-A01-01"])
    for body, status, code in BAD_COUNTS:
        r = client.post(f"/api/v1/stocktakes/{take}/counts", json=body, headers=auth.headers("new_store_clerk"))
        assert (r.status_code, r.json["error"]["code"]) == (status, code), body
    assert count_of(session, StocktakeLine) == 0


BAD_REQUESTS = [
    ("post", "/api/v1/stocktakes", {"store": "OLD"}, 400, "invalid_input"),
    ("post", "/api/v1/stocktakes", {"store": "NEW", "locations": ["N-Z99-99"]}, 404, "unknown_location"),
    ("post", "/api/v1/stocktakes", {"store": "NEW", "locations": ["R-A01-01"]}, 409, "wrong_store"),
    ("post", "/api/v1/stocktakes", {"store": "NEW", "zone": "Q"}, 400, "invalid_input"),
    ("post", "/api/v1/stocktakes/999/counts", {"part_number": "AC-100", "location": "N-A01-01", "physical": 1},
     404, "unknown_stocktake"),
    ("post", "/api/v1/stocktakes/999/approve", None, 404, "unknown_stocktake"),
    ("get", "/api/v1/reconciliation?store=OLD", None, 400, "invalid_input"),
    ("get", "/api/v1/reconciliation?store=NEW&status=fine", None, 400, "invalid_input"),
    ("get", "/api/v1/reconciliation?store=NEW&stocktake=abc", None, 400, "invalid_input"),
    ("get", "/api/v1/reconciliation", None, 400, "invalid_input"),
    ("get", "/api/v1/reconciliation?store=NEW&stocktake=999", None, 404, "unknown_stocktake"),
]


def test_bad_requests(client, auth, shelf, session):
    for method, path, body, status, code in BAD_REQUESTS:
        r = getattr(client, method)(path, json=body, headers=auth.headers("manager"))
        assert (r.status_code, r.json["error"]["code"]) == (status, code), (path, body)
    assert count_of(session, Stocktake) == 0


def test_reject_then_recount_by_someone_else(client, auth, shelf):
    take = open_take(client, auth, locations=["N-A01-01"])
    ann, bob, boss = (auth.headers("new_store_clerk", "ann"), auth.headers("new_store_clerk", "bob"),
                      auth.headers("manager"))
    line = {"part_number": "AC-100", "location": "N-A01-01"}
    client.post(f"/api/v1/stocktakes/{take}/counts", json={**line, "physical": 3}, headers=ann)
    r = client.post(f"/api/v1/stocktakes/{take}/reject", json={"lines": [line]}, headers=boss)
    assert r.status_code == 200 and r.json["rejected"] == 1
    same = client.post(f"/api/v1/stocktakes/{take}/counts", json={**line, "physical": 3}, headers=ann)
    assert (same.status_code, same.json["error"]["code"]) == (403, "same_counter")
    assert client.post(f"/api/v1/stocktakes/{take}/counts", json={**line, "physical": 10},
                       headers=bob).status_code == 201
    r = client.post(f"/api/v1/stocktakes/{take}/approve", headers=boss)
    assert (r.json["state"], r.json["adjustments"]) == ("approved", [])


def test_approve_with_idempotency_key_replays(client, auth, shelf, session):
    take = open_take(client, auth)
    client.post(f"/api/v1/stocktakes/{take}/counts", headers=auth.headers("new_store_clerk"),
                json={"part_number": "AC-100", "location": "N-A01-01", "physical": 12})
    h = {**auth.headers("manager"), "Idempotency-Key": "approve-1"}
    first = client.post(f"/api/v1/stocktakes/{take}/approve", headers=h)
    second = client.post(f"/api/v1/stocktakes/{take}/approve", headers=h)
    assert second.headers.get("Idempotent-Replay") == "true" and second.json == first.json
    assert count_of(session, Move) == 3


def test_sheet_is_blind_for_counters(client, auth, shelf):
    take = open_take(client, auth)
    clerk_view = client.get(f"/api/v1/stocktakes/{take}", headers=auth.headers("new_store_clerk")).json
    assert "expected" not in clerk_view and clerk_view["progress"] == {"bins": 3, "done": 0}
    boss_view = client.get(f"/api/v1/stocktakes/{take}", headers=auth.headers("manager")).json
    assert {(e["location"], e["part_number"], e["qty"]) for e in boss_view["expected"]} == {
        ("N-A01-01", "AC-100", 10), ("N-A01-02", "AC-200", 3)}
    open_view = open_take(client, auth, blind=False)
    assert "expected" in client.get(f"/api/v1/stocktakes/{open_view}", headers=auth.headers("new_store_clerk")).json
    listed = client.get("/api/v1/stocktakes?state=open", headers=auth.headers("new_store_clerk")).json
    assert [x["id"] for x in listed["stocktakes"]] == [open_view, take]


def test_bin_done_counts_the_unscanned_as_zero(client, auth, shelf):
    take = open_take(client, auth)
    clerk, boss = auth.headers("new_store_clerk"), auth.headers("manager")
    r = client.post(f"/api/v1/stocktakes/{take}/bins/N-A01-02/done", json={}, headers=clerk)
    assert r.status_code == 200 and r.json["location"] == "N-A01-02"
    row = [x for x in client.get(f"/api/v1/reconciliation?stocktake={take}", headers=boss).json["rows"]
           if x["location"] == "N-A01-02"][0]
    assert (row["account"], row["card"], row["physical"], row["status"]) == (3, 0, 0, "card_physical")


def test_scan_page_counts_in_count_mode_blind(client, auth, shelf):
    take = open_take(client, auth)
    clerk = auth.headers("new_store_clerk")
    body = {"code": "AC-100", "mode": "count", "location": "N-A01-01", "stocktake": take}
    r = client.post("/api/v1/scan", json=body, headers=clerk)
    assert r.status_code == 200, r.json
    assert {k: r.json[k] for k in ("kind", "mode", "part_number", "location", "counted", "stocktake")} == {
        "kind": "part", "mode": "count", "part_number": "AC-100", "location": "N-A01-01", "counted": 1,
        "stocktake": take}
    assert "qty_on_hand" not in r.json
    r = client.post("/api/v1/scan", json={**body, "qty": 5, "stocktake": None}, headers=clerk)  # the covering one
    assert r.json["counted"] == 6
    r = client.post("/api/v1/scan", json={**body, "location": "R-A01-01"}, headers=auth.headers("manager"))
    assert (r.status_code, r.json["error"]["code"]) == (409, "not_in_stocktake")


def test_scanning_a_card_outside_count_mode_confirms_it(client, auth, shelf):
    clerk = auth.headers("new_store_clerk")
    client.post("/api/v1/stock/receive", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 4},
                headers=clerk)
    r = client.post("/api/v1/scan", json={"code": "BC:N-A01-01:AC-100", "mode": "receive"}, headers=clerk)
    assert r.status_code == 200, r.json
    assert r.json == {"kind": "card", "location": "N-A01-01", "part_number": "AC-100", "confirmed": 1, "card": 14}
    r = client.post("/api/v1/scan", json={"code": "BC:N-A01-01:AC-100", "mode": "count"}, headers=clerk)
    assert r.json["kind"] == "card" and "confirmed" not in r.json  # counting only reads the card code


def test_card_api(client, auth, shelf):
    clerk = auth.headers("new_store_clerk")
    r = client.post("/api/v1/cards/start", json={"part_number": "AC-200", "location": "N-A01-02"}, headers=clerk)
    assert r.status_code == 200 and r.json["card"] == 3 and r.json["code"] == "BC:N-A01-02:AC-200"
    r = client.post("/api/v1/cards/confirm", json={"part_number": "AC-200", "location": "N-A01-02"}, headers=clerk)
    assert (r.json["confirmed"], r.json["card"]) == (0, 3)


def test_openapi_documents_the_calls(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for p in ("/api/v1/stocktakes", "/api/v1/stocktakes/{stocktake_id}/counts",
              "/api/v1/stocktakes/{stocktake_id}/approve", "/api/v1/reconciliation", "/api/v1/cards/confirm"):
        assert p in paths
    assert "card_physical" in str(paths["/api/v1/reconciliation"])
