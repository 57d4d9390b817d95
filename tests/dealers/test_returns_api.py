"""Dealer returns through the API, on SQLite and PostgreSQL: a normal return scanned back into a NEW bin and credited
at the invoiced price; abnormal ones (outside the window, damaged, not ours) negotiated and decided by a manager
(accept with a restocking charge, scrap, reject); bad input writing nothing; who may call what."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.dealers.test_orders_api import on_hand
from warehouse.dealers.models import AccountEntry
from warehouse.ledger.models import Move
from warehouse.orders.models import DealerReturn, Order, DealerReturnLine


def shipped_order(client, h, lines=(("CMP-1", "N-B02-01", 2), ("FLT-2", "N-A01-01", 1))) -> str:
    r = client.post("/api/v1/orders", json={"dealer": "D001", "channel": "fax", "reference": "F-1",
                                            "lines": [{"part_number": p, "qty": q} for p, _, q in lines]},
                    headers=h["order_clerk"])
    assert r.status_code == 201, r.json
    no = r.json["order_no"]
    for pn, loc, qty in lines:
        r = client.post(f"/api/v1/orders/{no}/pick", json={"code": pn, "location": loc, "qty": qty},
                        headers=h["shipper"])
        assert r.status_code == 200, r.json
    assert client.post(f"/api/v1/orders/{no}/ship", json={}, headers=h["shipper"]).status_code == 200
    return no


def register(client, h, lines, order_no=None, role="order_clerk", **extra):
    body = {"dealer": "D001", "lines": lines, **extra}
    if order_no:
        body["order_no"] = order_no
    return client.post("/api/v1/returns", json=body, headers=h[role])


def receive(client, h, no, code, location, qty=1, role="shipper"):
    return client.post(f"/api/v1/returns/{no}/receive", json={"code": code, "location": location, "qty": qty},
                       headers=h[role])


def account_lines(session) -> list[tuple[str, str]]:
    rows = [(e.kind, f"{e.amount:.2f}") for e in session.scalars(select(AccountEntry).order_by(AccountEntry.id))]
    session.rollback()
    return rows


def counts(session) -> tuple:
    out = tuple(session.scalar(select(func.count()).select_from(t)) for t in (DealerReturn, DealerReturnLine, Move,
                                                                              AccountEntry))
    session.rollback()
    return out


def test_normal_return_scanned_back_and_credited_at_the_invoiced_price(client, shop, session):
    h = shop
    no = shipped_order(client, h)
    assert on_hand(session, "N-B02-01", "CMP-1") == 8
    r = register(client, h, [{"part_number": "CMP-1", "qty": 2}], order_no=no, note="订错型号")
    assert r.status_code == 201, r.json
    ret = r.json
    assert (ret["kind"], ret["status"], ret["reasons"]) == ("normal", "awaiting_receipt", [])
    rn = ret["return_no"]

    r = receive(client, h, rn, "FLT-2", "N-A01-01")
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_part"
    r = receive(client, h, rn, "CMP-1", "R-A01-01")
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_store"
    r = receive(client, h, rn, "CMP-1", "N-B02-01", qty=3)
    assert r.status_code == 409 and r.json["error"]["code"] == "over_receive"
    r = receive(client, h, rn, "CMP-1", "N-B02-01")
    assert r.status_code == 200 and r.json["status"] == "awaiting_receipt" and r.json["credit_no"] is None
    assert r.json["qty_on_hand"] == 9
    r = receive(client, h, rn, "CMP-1", "N-B02-01")
    assert r.status_code == 200 and r.json["status"] == "received" and r.json["credit_no"].startswith("CN-")
    assert on_hand(session, "N-B02-01", "CMP-1") == 10
    # invoiced: (2 × 100 + 20) × 1.13 = 248.60; credited: 2 × 100 × 1.13 = 226.00
    assert account_lines(session) == [("invoice", "248.60"), ("return_credit", "-226.00")]
    acct = client.get("/api/v1/dealers/D001/account", headers=h["finance"]).json
    assert acct["balance"] == "22.60"
    r = receive(client, h, rn, "CMP-1", "N-B02-01")
    assert r.status_code == 409 and r.json["error"]["code"] == "return_state"
    # what was returned cannot be returned again as a normal return
    r = register(client, h, [{"part_number": "CMP-1", "qty": 1}], order_no=no)
    assert r.json["kind"] == "abnormal" and r.json["reasons"] == ["not_ours"]


def test_outside_window_accepted_with_a_restocking_charge(client, shop, session, app):
    h = shop
    no = shipped_order(client, h)
    shipped = session.scalar(select(Order.shipped_at).where(Order.order_no == no))
    session.execute(update(Order).where(Order.order_no == no).values(
        shipped_at=shipped - timedelta(days=app.config["RETURN_WINDOW_DAYS"] + 1)))
    session.commit()
    r = register(client, h, [{"part_number": "FLT-2", "qty": 1}], order_no=no)
    assert (r.json["kind"], r.json["status"], r.json["reasons"]) == ("abnormal", "negotiating", ["outside_window"])
    rn = r.json["return_no"]
    r = receive(client, h, rn, "FLT-2", "N-A01-01")
    assert r.status_code == 409 and r.json["error"]["code"] == "return_state"
    for role in ("order_clerk", "shipper", "finance"):
        assert client.post(f"/api/v1/returns/{rn}/decision", json={"decision": "accept"},
                           headers=h[role]).status_code == 403
    r = client.post(f"/api/v1/returns/{rn}/decision", json={"decision": "accept", "restocking_charge": "5.00",
                                                           "note": "超期，收 5 元"}, headers=h["manager"])
    assert r.status_code == 200 and r.json["status"] == "awaiting_receipt" and r.json["decided_by"] == "u_manager"
    assert receive(client, h, rn, "FLT-2", "N-A01-01").json["status"] == "received"
    assert account_lines(session)[1:] == [("return_credit", "-22.60"), ("return_charge", "5.00")]
    r = client.post(f"/api/v1/returns/{rn}/decision", json={"decision": "scrap"}, headers=h["manager"])
    assert r.status_code == 409 and r.json["error"]["code"] == "return_state"


def test_damaged_scrapped_and_not_ours_rejected(client, shop, session):
    h = shop
    no = shipped_order(client, h)
    before_bins = (on_hand(session, "N-B02-01", "CMP-1"), on_hand(session, "N-A01-01", "FLT-2"))
    r = register(client, h, [{"part_number": "CMP-1", "qty": 1, "condition": "damaged"}], order_no=no,
                 role="shipper")
    assert r.json["reasons"] == ["damaged"]
    r = client.post(f"/api/v1/returns/{r.json['return_no']}/decision", json={"decision": "scrap"},
                    headers=h["manager"])
    assert r.status_code == 200 and r.json["status"] == "scrapped" and r.json["credit_amount"] == "113.00"
    scrap_moves = session.scalar(select(func.count()).select_from(Move).where(Move.doc_type == "dealer_return"))
    session.rollback()
    assert scrap_moves == 1
    assert (on_hand(session, "N-B02-01", "CMP-1"), on_hand(session, "N-A01-01", "FLT-2")) == before_bins

    r = register(client, h, [{"part_number": "OTH-9", "qty": 1}])  # no order of ours to name
    assert r.json["reasons"] == ["not_ours"]
    rn = r.json["return_no"]
    r = client.post(f"/api/v1/returns/{rn}/decision", json={"decision": "reject", "restocking_charge": "1.00"},
                    headers=h["manager"])
    assert r.status_code == 400
    lines_before = account_lines(session)
    r = client.post(f"/api/v1/returns/{rn}/decision", json={"decision": "reject", "note": "非我司配件"},
                    headers=h["manager"])
    assert r.status_code == 200 and r.json["status"] == "rejected" and r.json["credit_no"] is None
    assert account_lines(session) == lines_before
    listed = client.get("/api/v1/returns?status=rejected", headers=h["finance"]).json["returns"]
    assert [x["return_no"] for x in listed] == [rn]


def test_bad_input_writes_nothing(client, shop, session):
    h = shop
    no = shipped_order(client, h)
    r = client.post("/api/v1/orders", json={"dealer": "D001", "channel": "fax", "reference": "F-2",
                                            "lines": [{"part_number": "OTH-9", "qty": 1}]}, headers=h["order_clerk"])
    unshipped = r.json["order_no"]
    client.post("/api/v1/dealers", json={"code": "D002", "name": "华南", "credit_limit": "1000"}, headers=h["admin"])
    rn = register(client, h, [{"part_number": "OTH-9", "qty": 1}]).json["return_no"]
    before = counts(session)
    cases = [
        ({"dealer": "NOPE", "lines": [{"part_number": "CMP-1", "qty": 1}]}, 404, "unknown_dealer"),
        ({"dealer": "D001", "lines": [{"part_number": "NOPE", "qty": 1}]}, 404, "unknown_part"),
        ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": 0}]}, 400, "invalid_input"),
        ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": "1"}]}, 400, "invalid_input"),
        ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": 1, "condition": "broken"}]}, 400,
         "invalid_input"),
        ({"dealer": "D001", "lines": []}, 400, "invalid_input"),
        ({"dealer": "D001", "order_no": "SO-NOPE", "lines": [{"part_number": "CMP-1", "qty": 1}]}, 404,
         "unknown_order"),
        ({"dealer": "D002", "order_no": no, "lines": [{"part_number": "CMP-1", "qty": 1}]}, 400, "invalid_input"),
        ({"dealer": "D001", "order_no": unshipped, "lines": [{"part_number": "OTH-9", "qty": 1}]}, 409,
         "order_state"),
    ]
    for body, status, code in cases:
        r = client.post("/api/v1/returns", json=body, headers=h["order_clerk"])
        assert (r.status_code, r.json["error"]["code"]) == (status, code), body
    for body in ({"decision": "keep"}, {"decision": "accept", "restocking_charge": "-1"},
                 {"decision": "accept", "restocking_charge": "999.00"}, {"decision": "scrap", "restocking_charge": "x"}):
        r = client.post(f"/api/v1/returns/{rn}/decision", json=body, headers=h["manager"])
        assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input", body
    r = client.post("/api/v1/returns/RT-NOPE/decision", json={"decision": "reject"}, headers=h["manager"])
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_return"
    for body in ({"code": "CMP-1", "location": "N-B02-01", "qty": 0}, {"code": "", "location": "N-B02-01"},
                 {"code": "CMP-1", "location": "N-NOPE-99"}):
        r = client.post(f"/api/v1/returns/{rn}/receive", json=body, headers=h["shipper"])
        assert 400 <= r.status_code < 500, body
    assert counts(session) == before
    assert client.get(f"/api/v1/returns/{rn}", headers=h["order_clerk"]).json["status"] == "negotiating"


ROLES = ("admin", "manager", "order_clerk", "shipper", "finance", "new_store_clerk")
ALLOWED = {  # endpoint → roles that may call it
    "register": {"admin", "manager", "order_clerk", "shipper"},
    "list": {"admin", "manager", "order_clerk", "shipper", "finance"},
    "receive": {"admin", "manager", "shipper"},
    "decide": {"admin", "manager"},
}


@pytest.mark.parametrize("role", ROLES)
def test_role_by_endpoint(client, shop, session, role):
    h = shop
    calls = {
        "register": lambda: client.post("/api/v1/returns", json={"dealer": "NOPE", "lines": [
            {"part_number": "CMP-1", "qty": 1}]}, headers=h[role]),
        "list": lambda: client.get("/api/v1/returns", headers=h[role]),
        "receive": lambda: client.post("/api/v1/returns/RT-NOPE/receive", json={"code": "CMP-1",
                                                                                "location": "N-B02-01"},
                                       headers=h[role]),
        "decide": lambda: client.post("/api/v1/returns/RT-NOPE/decision", json={"decision": "reject"},
                                      headers=h[role]),
    }
    for name, call in calls.items():
        status = call().status_code
        if role in ALLOWED[name]:
            assert status != 403, (name, role)
        else:
            assert status == 403, (name, role)
