"""Orders end to end through the API (CONTRACT §4): entry, credit hold, written copy, pick, ship, invoice,
backorder; and the refusals, each a 4xx in the contract's shape with nothing written."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import today
from warehouse.dealers.models import AccountEntry, Invoice
from warehouse.ledger.models import Balance, Move
from warehouse.locations.models import Location
from warehouse.orders.models import Order, OrderLine


def order(client, h, lines, channel="fax", reference="FAX-1", dealer="D001", role="order_clerk"):
    body = {"dealer": dealer, "lines": lines, "channel": channel}
    if reference is not None:
        body["reference"] = reference
    return client.post("/api/v1/orders", json=body, headers=h[role])


def counts(session) -> tuple:
    out = tuple(session.scalar(select(func.count()).select_from(t)) for t in (Order, OrderLine, Move, AccountEntry))
    session.rollback()
    return out


def on_hand(session, code, pn):
    from warehouse.catalog.models import Part
    q = (select(Balance.qty).join(Location, Location.id == Balance.location_id).join(Part, Part.id == Balance.part_id)
         .where(Location.code == code, Part.part_number == pn))
    v = session.scalar(q)
    session.rollback()
    return v or 0


def test_order_pick_ship_invoice(client, shop, session):
    h = shop
    r = order(client, h, [{"part_number": "CMP-1", "qty": 2}, {"part_number": "FLT-2", "qty": 1}])
    assert r.status_code == 201, r.json
    assert set(r.json) == {"order_no", "status", "total"}
    no = r.json["order_no"]
    assert r.json["status"] == "released"
    assert r.json["total"] == "248.60"  # (2 × 100 + 20) × 1.13

    pl = client.get(f"/api/v1/orders/{no}/pick-list", headers=h["shipper"]).json
    assert [ln["location"] for ln in pl["lines"]] == ["N-A01-01", "N-B02-01"]  # walked in bin order

    r = client.post(f"/api/v1/orders/{no}/ship", json={}, headers=h["shipper"])
    assert r.status_code == 409 and r.json["error"]["code"] == "order_state"  # nothing picked

    r = client.post(f"/api/v1/orders/{no}/pick", json={"code": "OTH-9", "location": "N-C01-01", "qty": 1},
                    headers=h["shipper"])
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_part"
    r = client.post(f"/api/v1/orders/{no}/pick", json={"code": "CMP-1", "location": "N-B02-01", "qty": 3},
                    headers=h["shipper"])
    assert r.status_code == 409 and r.json["error"]["code"] == "over_pick"
    assert on_hand(session, "N-B02-01", "CMP-1") == 10  # refusals took nothing

    r = client.post(f"/api/v1/orders/{no}/pick", json={"code": "CMP-1", "location": "N-B02-01", "qty": 2},
                    headers=h["shipper"])
    assert r.status_code == 200, r.json
    assert r.json["status"] == "picking" and r.json["qty_on_hand"] == 8
    r = client.post(f"/api/v1/orders/{no}/pick", json={"code": "FLT-2", "location": "N-A01-01"}, headers=h["shipper"])
    assert r.json["status"] == "picked"

    r = client.post(f"/api/v1/orders/{no}/ship", json={"carrier": "顺丰", "waybill": "SF123", "parcels": 2},
                    headers=h["shipper"])
    assert r.status_code == 200, r.json
    assert r.json["status"] == "shipped" and r.json["waybill"] == "SF123"
    inv = session.scalar(select(Invoice).where(Invoice.order_no == no))
    assert (inv.net, inv.tax, inv.gross) == (Decimal("220.00"), Decimal("28.60"), Decimal("248.60"))
    session.rollback()
    dealer_qty = session.execute(select(func.sum(Move.qty)).join(Location, Location.id == Move.to_location_id)
                                 .where(Location.code == "@D:D001")).scalar()
    assert dealer_qty == 3
    assert on_hand(session, "@PACKING", "CMP-1") == 0

    before = counts(session)
    r = client.post(f"/api/v1/orders/{no}/ship", json={}, headers=h["shipper"])
    assert r.status_code == 409 and r.json["error"]["code"] == "order_state"
    assert counts(session) == before

    acct = client.get("/api/v1/dealers/D001/account", headers=h["finance"]).json
    assert acct["balance"] == "248.60" and acct["ageing"]["not_due"] == "248.60"


def test_short_pick_leaves_a_backorder(client, shop, session):
    h = shop
    no = order(client, h, [{"part_number": "FLT-2", "qty": 5}]).json["order_no"]
    assert client.post(f"/api/v1/orders/{no}/pick", json={"code": "FLT-2", "location": "N-A01-01", "qty": 3},
                       headers=h["shipper"]).status_code == 200
    r = client.post(f"/api/v1/orders/{no}/ship", json={}, headers=h["shipper"])
    assert r.status_code == 200, r.json
    bo = session.scalar(select(Order).where(Order.backorder_of == no))
    assert bo.status == "backorder" and [ln.qty for ln in bo.lines] == [2]
    bo_no = bo.order_no
    session.rollback()
    assert client.get("/api/v1/orders/backorders", headers=h["shipper"]).json["orders"] == []
    client.post("/api/v1/stock/receive", json={"part_number": "FLT-2", "location": "N-A01-01", "qty": 4},
                headers=h["new_store_clerk"])
    ready = client.get("/api/v1/orders/backorders", headers=h["shipper"]).json["orders"]
    assert [o["order_no"] for o in ready] == [bo_no]
    assert client.post(f"/api/v1/orders/{bo_no}/pick", json={"code": "FLT-2", "location": "N-A01-01", "qty": 2},
                       headers=h["shipper"]).json["status"] == "picked"
    assert client.post(f"/api/v1/orders/{bo_no}/ship", json={}, headers=h["shipper"]).json["status"] == "shipped"
    reg = client.get(f"/api/v1/orders/shipped?day={today()}", headers=h["order_clerk"]).json
    assert {o["order_no"] for o in reg["orders"]} == {no, bo_no}


def test_phone_order_waits_for_its_written_copy(client, shop, session):
    h = shop
    r = order(client, h, [{"part_number": "CMP-1", "qty": 1}], channel="phone", reference=None)
    assert r.json["status"] == "awaiting_written"
    no = r.json["order_no"]
    r = client.post(f"/api/v1/orders/{no}/pick", json={"code": "CMP-1", "location": "N-B02-01"}, headers=h["shipper"])
    assert r.status_code == 409 and r.json["error"]["code"] == "order_state"
    r = client.post(f"/api/v1/orders/{no}/written", json={}, headers=h["order_clerk"])
    assert r.status_code == 400  # neither a reference nor an attached image
    from tests.attachments.files import png
    r = client.post("/api/v1/attachments", data={"owner_kind": "order", "owner_key": no,
                                                 "file": (__import__("io").BytesIO(png()), "fax.png")},
                    headers=h["order_clerk"], content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/orders/{no}/written", json={}, headers=h["order_clerk"])
    assert r.status_code == 200 and r.json["status"] == "released"
    # a phone order that arrives with its reference goes straight on
    r = order(client, h, [{"part_number": "CMP-1", "qty": 1}], channel="phone", reference="QQ-88")
    assert r.json["status"] == "released"


def test_credit_hold_and_manager_release(client, shop, session):
    h = shop
    r = order(client, h, [{"part_number": "CMP-1", "qty": 9}], channel="phone", reference=None)  # 1017 ≤ 10000
    assert r.json["status"] == "awaiting_written"
    client.patch("/api/v1/dealers/D001", json={"credit_limit": "500.00"}, headers=h["admin"])
    r = order(client, h, [{"part_number": "CMP-1", "qty": 9}], channel="phone", reference=None)
    assert r.json["status"] == "held"  # held and waiting: held shows first
    no = r.json["order_no"]
    r = client.post(f"/api/v1/orders/{no}/release", headers=h["order_clerk"])
    assert r.status_code == 403
    r = client.post(f"/api/v1/orders/{no}/release", headers=h["manager"])
    assert r.status_code == 200 and r.json["status"] == "awaiting_written"  # still waits for the written copy
    r = client.post(f"/api/v1/orders/{no}/written", json={"reference": "FAX-77"}, headers=h["order_clerk"])
    assert r.json["status"] == "released"


def test_blocked_dealer_writes_nothing(client, shop, session):
    h = shop
    r = client.post("/api/v1/dealers/D001/block", json={"blocked": True, "reason": "逾期未付"}, headers=h["order_clerk"])
    assert r.status_code == 403
    r = client.post("/api/v1/dealers/D001/block", json={"blocked": True, "reason": "逾期未付"}, headers=h["finance"])
    assert r.status_code == 200 and r.json["blocked"] is True
    before = counts(session)
    r = order(client, h, [{"part_number": "CMP-1", "qty": 1}])
    assert r.status_code == 409 and r.json["error"]["code"] == "dealer_blocked"
    assert counts(session) == before


@pytest.mark.parametrize("body, code", [
    ({"dealer": "NOPE", "lines": [{"part_number": "CMP-1", "qty": 1}], "channel": "fax"}, "unknown_dealer"),
    ({"dealer": "D001", "lines": [{"part_number": "NOPE", "qty": 1}], "channel": "fax"}, "unknown_part"),
    ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": 0}], "channel": "fax"}, "invalid_input"),
    ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": 1.5}], "channel": "fax"}, "invalid_input"),
    ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": "2"}], "channel": "fax"}, "invalid_input"),
    ({"dealer": "D001", "lines": [], "channel": "fax"}, "invalid_input"),
    ({"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": 1}], "channel": "mail"}, "invalid_input"),
])
def test_bad_orders_write_nothing(client, shop, session, body, code):
    before = counts(session)
    r = client.post("/api/v1/orders", json=body, headers=shop["order_clerk"])
    assert 400 <= r.status_code < 500 and r.json["error"]["code"] == code, r.json
    assert counts(session) == before


def test_prices_from_the_dealer_level_and_successors(client, shop):
    h = shop
    assert client.post("/api/v1/price-lists", json={"code": "A", "name": "一级经销价"}, headers=h["admin"]).status_code == 201
    assert client.post("/api/v1/price-lists/A/prices", json={"part_number": "CMP-1", "price": "90.00"},
                       headers=h["admin"]).status_code == 200
    client.patch("/api/v1/dealers/D001", json={"price_level": "A"}, headers=h["admin"])
    r = order(client, h, [{"part_number": "CMP-1", "qty": 1}, {"part_number": "FLT-2", "qty": 1}])
    assert r.json["total"] == "124.30"  # (90 from list A + 20 dealer_price) × 1.13
    assert client.post("/api/v1/parts/FLT-2/successor", json={"successor": "OTH-9"},
                       headers=h["admin"]).status_code == 200
    r = client.post("/api/v1/parts/OTH-9/successor", json={"successor": "FLT-2"}, headers=h["admin"])
    assert r.status_code == 400  # a loop
    s = client.get("/api/v1/orders/part-suggestions?q=glq&dealer=D001", headers=h["order_clerk"]).json["parts"]
    assert s[0]["part_number"] == "FLT-2" and s[0]["available"] == 3
    assert s[0]["successor"]["part_number"] == "OTH-9" and s[0]["successor"]["available"] == 5
    assert [p["part_number"] for p in client.get("/api/v1/orders/part-suggestions?q=压缩",
                                                 headers=h["order_clerk"]).json["parts"]] == ["CMP-1"]
    assert [p["part_number"] for p in client.get("/api/v1/orders/part-suggestions?q=cmp",
                                                 headers=h["order_clerk"]).json["parts"]] == ["CMP-1"]


def test_roles(client, shop):
    h = shop
    assert order(client, h, [{"part_number": "CMP-1", "qty": 1}], role="shipper").status_code == 403
    no = order(client, h, [{"part_number": "CMP-1", "qty": 1}]).json["order_no"]
    r = client.post(f"/api/v1/orders/{no}/pick", json={"code": "CMP-1", "location": "N-B02-01"},
                    headers=h["order_clerk"])
    assert r.status_code == 403
    assert client.post("/api/v1/dealers/D001/payments", json={"amount": "1.00", "paid_on": "2020-01-01"},
                       headers=h["order_clerk"]).status_code == 403
