"""Order and dealer pages through the test client: entry by form post, the list's filters, an order's page with the
buttons each role may use, written copy, credit release and ship; the account page with payments and adjustments
for finance only, collection calls for the order clerk; nothing written on a refusal."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import today as today_utc, zone_a_day_away
from warehouse.dealers.models import AccountEntry, CollectionCall
from warehouse.orders.models import Order


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def _order(session, no):
    """The order as committed, read in a transaction ended at once (SQLite: the app's writers must not wait)."""
    session.expire_all()
    o = session.scalar(select(Order).where(Order.order_no == no))
    out = {"status": o.status, "reference": o.reference, "waybill": o.waybill, "parcels": o.parcels,
           "invoice_no": o.invoice_no, "lines": [(ln.part.part_number, ln.qty) for ln in o.lines]}
    session.rollback()
    return out


def _count(session, model, *where):
    n = session.scalar(select(func.count()).select_from(model).where(*where))
    session.rollback()
    return n


def _place(client, **form):
    data = {"dealer": "D001", "channel": "fax", "reference": "F-1", "note": "",
            "part_number": ["CMP-1", "FLT-2"], "qty": ["2", "1"], **form}
    return client.post("/orders/new", data=data)


def test_entry_places_an_order_and_lands_on_its_page(client, auth, shop, session):
    auth.login("order_clerk")
    page = client.get("/orders/new").get_data(as_text=True)
    assert 'id="order-form"' in page and "js/order_entry.js" in page and "<script>" not in page
    r = _place(client)
    assert r.status_code == 302 and "/orders/SO-" in r.location
    no = r.location.rsplit("/", 1)[1]
    order = _order(session, no)
    assert order["status"] == "released" and order["lines"] == [
        ("CMP-1", 2), ("FLT-2", 1)]
    page = client.get(r.location).get_data(as_text=True)
    assert no in page and "CMP-1" in page
    assert 'id="release-button"' not in page and 'id="ship-button"' not in page  # not the clerk's


def test_entry_refusals_write_nothing_and_keep_the_lines(client, auth, shop, session):
    auth.login("order_clerk")
    before = _count(session, Order)
    for bad in ({"qty": ["2", "x"]}, {"qty": ["0", "1"]}, {"dealer": "NOPE"}, {"part_number": ["NOPE-1", "FLT-2"]},
                {"part_number": [], "qty": []}, {"channel": "telegram"}):
        r = _place(client, **bad)
        assert r.status_code == 200, bad
    assert _count(session, Order) == before
    page = _place(client, qty=["2", "x"]).get_data(as_text=True)
    assert 'class="flash error"' in page and 'value="CMP-1"' in page  # the typed lines come back


def test_phone_order_waits_then_written_copy_releases_it(client, auth, shop, session):
    auth.login("order_clerk")
    no = _place(client, channel="phone", reference="").location.rsplit("/", 1)[1]
    assert _order(session, no)["status"] == "awaiting_written"
    page = client.get(f"/orders/{no}").get_data(as_text=True)
    assert 'id="written-button"' in page
    r = client.post(f"/orders/{no}/written", data={"reference": "QQ-778"})
    assert r.status_code == 302
    assert _order(session, no)["status"] == "released" and _order(session, no)["reference"] == "QQ-778"


def test_held_order_released_by_a_manager_only(client, auth, shop, session):
    auth.login("order_clerk")
    no = _place(client, qty=["200", "1"]).location.rsplit("/", 1)[1]  # 200 × 100 + tax: over the 10,000 limit
    assert _order(session, no)["status"] == "held"
    assert 'id="release-button"' not in client.get(f"/orders/{no}").get_data(as_text=True)
    assert client.post(f"/orders/{no}/release").status_code == 403
    auth.login("manager")
    assert 'id="release-button"' in client.get(f"/orders/{no}").get_data(as_text=True)
    client.post(f"/orders/{no}/release")
    assert _order(session, no)["status"] == "released"


def test_shipper_picks_then_ships_from_the_page(client, auth, shop, session):
    auth.login("order_clerk")
    no = _place(client).location.rsplit("/", 1)[1]
    auth.login("shipper")
    page = client.get(f"/orders/{no}/pick-list").get_data(as_text=True)
    assert "<svg" in page and page.index("N-A01-01") < page.index("N-B02-01")  # bin route order
    for code, loc, qty in (("CMP-1", "N-B02-01", 2), ("FLT-2", "N-A01-01", 1)):
        r = client.post(f"/api/v1/orders/{no}/pick", json={"code": code, "location": loc, "qty": qty},
                        headers=shop["shipper"])
        assert r.status_code == 200, r.json
    page = client.get(f"/orders/{no}").get_data(as_text=True)
    assert 'id="ship-button"' in page
    r = client.post(f"/orders/{no}/ship", data={"carrier": "顺丰", "waybill": "SF123", "parcels": "2"})
    assert r.status_code == 302
    order = _order(session, no)
    assert order["status"] == "shipped" and order["waybill"] == "SF123" and order["parcels"] == 2
    assert order["invoice_no"]
    client.post(f"/orders/{no}/ship", data={"carrier": "x", "parcels": "1"})  # a second time: refused, flashed
    assert _count(session, AccountEntry, AccountEntry.kind == "invoice") == 1
    # the day's shipment register by default (a day that is not a date): today in UTC, as the shipment was stamped,
    # also when the server's own zone is already on another day
    with zone_a_day_away():
        assert f">{no}</a>" in client.get("/orders?view=shipped&day=not-a-day").get_data(as_text=True)


def test_list_filters(client, auth, shop):
    auth.login("order_clerk")
    _place(client)
    _place(client, channel="phone", reference="")
    page = client.get("/orders?status=awaiting_written").get_data(as_text=True)
    assert page.count('data-status="awaiting_written"') >= 2 and 'data-status="released"><td>' not in page
    for view in ("late", "ready", "shipped"):
        assert client.get(f"/orders?view={view}").status_code == 200
    assert client.get("/orders?view=shipped&day=not-a-day").status_code == 200


def test_account_page_payments_and_adjustments_for_finance_only(client, auth, shop, session):
    auth.login("order_clerk")
    page = client.get("/dealers/D001").get_data(as_text=True)
    assert 'id="ageing"' in page and 'id="payment-button"' not in page and 'id="call-form"' in page
    assert client.post("/dealers/D001/payments", data={"amount": "10", "paid_on": "2026-01-01"}).status_code == 403
    assert client.post("/dealers/D001/adjustments", data={"amount": "10", "reason": "x"}).status_code == 403
    r = client.post("/dealers/D001/calls", data={"note": "答应月底付款", "promised_on": "2026-12-31"})
    assert r.status_code == 302
    assert _count(session, CollectionCall) == 1

    auth.login("finance")
    assert 'id="payment-button"' in client.get("/dealers/D001").get_data(as_text=True)
    today = today_utc().isoformat()
    for bad in ({"amount": "0", "paid_on": today}, {"amount": "-5", "paid_on": today},
                {"amount": "abc", "paid_on": today}, {"amount": "10", "paid_on": "2999-01-01"},
                {"amount": "10", "paid_on": today, "invoice_no": "IV-NOPE"}):
        client.post("/dealers/D001/payments", data=bad)
    client.post("/dealers/D001/adjustments", data={"amount": "0", "reason": "x"})
    assert _count(session, AccountEntry) == 0
    client.post("/dealers/D001/payments", data={"amount": "100.00", "paid_on": today, "reference": "BK-1"})
    client.post("/dealers/D001/adjustments", data={"amount": "-20.00", "reason": "运费补贴"})
    page = client.get("/dealers/D001").get_data(as_text=True)
    assert 'id="balance">-120.00<' in page and "BK-1" in page and "运费补贴" in page


def test_dealer_list_and_collections(client, auth, shop):
    auth.login("finance")
    assert "D001" in client.get("/dealers?q=D0").get_data(as_text=True)
    assert "D001" in client.get("/dealers?q=华东").get_data(as_text=True)
    assert client.get("/collections").status_code == 200
    assert client.get("/dealers/NOPE").status_code == 404
    auth.login("shipper")
    assert client.get("/dealers/D001").status_code == 403
    assert client.get("/orders/new").status_code == 403


def test_dealer_search_api(client, shop):
    r = client.get("/api/v1/dealers?q=d0", headers=shop["order_clerk"])
    assert r.status_code == 200 and [d["code"] for d in r.json["dealers"]] == ["D001"]
    assert client.get("/api/v1/dealers?q=华", headers=shop["order_clerk"]).json["dealers"][0]["code"] == "D001"
    assert client.get("/api/v1/dealers?q=x", headers=shop["shipper"]).status_code == 403
    assert client.get("/api/v1/dealers?limit=0", headers=shop["finance"]).status_code == 400
