"""Dealer accounts: payments (finance only; zero, negative, future-dated refused), oldest-first settlement unless
allocated, adjustments, warranty-style credits, month-end close, collections; and a property test of the
arithmetic in exact decimals."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select

from tests.factories import today
from warehouse.dealers import rules
from warehouse.dealers.models import AccountEntry, Allocation



def _invoice(client, h, qty):
    no = client.post("/api/v1/orders", json={"dealer": "D001", "lines": [{"part_number": "CMP-1", "qty": qty}],
                                             "channel": "fax", "reference": "F"}, headers=h["order_clerk"]).json["order_no"]
    client.post(f"/api/v1/orders/{no}/pick", json={"code": "CMP-1", "location": "N-B02-01", "qty": qty},
                headers=h["shipper"])
    return client.post(f"/api/v1/orders/{no}/ship", json={}, headers=h["shipper"]).json["invoice_no"]


def _entries(session):
    n = session.scalar(select(func.count()).select_from(AccountEntry)), \
        session.scalar(select(func.count()).select_from(Allocation))
    session.rollback()
    return n


def _backdate(session, invoice_no, days):
    e = session.scalar(select(AccountEntry).where(AccountEntry.source == invoice_no))
    e.due_on = today() - timedelta(days=days)
    session.commit()


def test_payments_settle_oldest_first_unless_allocated(client, shop, session):
    h = shop
    old, new = _invoice(client, h, 1), _invoice(client, h, 2)  # 113.00 and 226.00
    _backdate(session, old, 45)
    _backdate(session, new, 5)
    acct = client.get("/api/v1/dealers/D001/account", headers=h["order_clerk"]).json
    assert acct["balance"] == "339.00" and acct["overdue"] == "339.00"
    assert acct["ageing"] == {"not_due": "0.00", "1_30": "226.00", "31_60": "113.00", "61_90": "0.00",
                              "over_90": "0.00"}
    r = client.post("/api/v1/dealers/D001/payments", json={"amount": "100.00", "paid_on": today().isoformat(),
                                                           "reference": "银行回单 001"}, headers=h["finance"])
    assert r.status_code == 201, r.json
    acct = client.get("/api/v1/dealers/D001/account", headers=h["finance"]).json
    assert acct["ageing"]["31_60"] == "13.00" and acct["ageing"]["1_30"] == "226.00"  # the oldest first
    r = client.post("/api/v1/dealers/D001/payments", json={"amount": "200.00", "paid_on": today().isoformat(),
                                                           "allocations": [{"invoice_no": new, "amount": "200.00"}]},
                    headers=h["finance"])
    assert r.status_code == 201, r.json
    acct = client.get("/api/v1/dealers/D001/account", headers=h["finance"]).json
    assert acct["balance"] == "39.00"
    assert acct["ageing"]["31_60"] == "13.00" and acct["ageing"]["1_30"] == "26.00"
    r = client.post("/api/v1/dealers/D001/payments", json={"amount": "50.00", "paid_on": today().isoformat(),
                                                           "allocations": [{"invoice_no": new, "amount": "50.00"}]},
                    headers=h["finance"])
    assert r.status_code == 409 and r.json["error"]["code"] == "over_allocated"
    coll = client.get("/api/v1/collections", headers=h["order_clerk"]).json["dealers"]
    assert [c["dealer"] for c in coll] == ["D001"] and coll[0]["overdue"] == "39.00"
    r = client.post("/api/v1/dealers/D001/collection-calls", json={"note": "答应周五付款"}, headers=h["order_clerk"])
    assert r.status_code == 201
    coll = client.get("/api/v1/collections", headers=h["finance"]).json["dealers"]
    assert coll[0]["last_call"]["note"] == "答应周五付款"


def test_overdue_invoice_holds_new_orders(client, shop, session):
    h = shop
    inv = _invoice(client, h, 1)
    _backdate(session, inv, 1)
    r = client.post("/api/v1/orders", json={"dealer": "D001", "lines": [{"part_number": "FLT-2", "qty": 1}],
                                            "channel": "chat", "reference": "QQ"}, headers=h["order_clerk"])
    assert r.json["status"] == "held"


def test_bad_payments_write_nothing(client, shop, session):
    h = shop
    before = _entries(session)
    on, future = today().isoformat(), (today() + timedelta(days=1)).isoformat()
    for body in ({"amount": "0", "paid_on": on}, {"amount": "-5.00", "paid_on": on},
                 {"amount": "5.00", "paid_on": future}, {"amount": "5.001", "paid_on": on},
                 {"amount": 5.5, "paid_on": on}, {"amount": "5.00"},
                 {"amount": "5.00", "paid_on": on, "allocations": [{"invoice_no": "IV-X", "amount": "1"}]}):
        r = client.post("/api/v1/dealers/D001/payments", json=body, headers=h["finance"])
        assert r.status_code in (400, 404), (body, r.json)
        assert "code" in r.json["error"]
    assert _entries(session) == before
    r = client.post("/api/v1/dealers/D001/adjustments", json={"amount": "0", "reason": "x"}, headers=h["finance"])
    assert r.status_code == 400
    assert _entries(session) == before


def test_adjustments_and_month_close(client, shop, session):
    h = shop
    r = client.post("/api/v1/dealers/D001/adjustments", json={"amount": "-20.00", "reason": "运费补贴"},
                    headers=h["finance"])
    assert r.status_code == 201 and r.json["balance"] == "-20.00"
    last_month = (today().replace(day=1) - timedelta(days=1))
    r = client.post("/api/v1/accounts/periods", json={"month": f"{today():%Y-%m}"}, headers=h["finance"])
    assert r.status_code == 400  # not ended yet
    r = client.post("/api/v1/accounts/periods", json={"month": f"{last_month:%Y-%m}"}, headers=h["finance"])
    assert r.status_code == 201
    r = client.post("/api/v1/dealers/D001/payments", json={"amount": "5.00", "paid_on": last_month.isoformat()},
                    headers=h["finance"])
    assert r.status_code == 409 and r.json["error"]["code"] == "period_closed"
    acct = client.get("/api/v1/dealers/D001/account", headers=h["finance"]).json
    assert acct["ageing"]["not_due"] == "-20.00"  # a credit balance


def test_official_invoice_number(client, shop):
    h = shop
    inv = _invoice(client, h, 1)
    r = client.post(f"/api/v1/invoices/{inv}/official-number", json={"official_no": "No.04412345"},
                    headers=h["finance"])
    assert r.status_code == 200 and r.json["official_no"] == "No.04412345"
    r = client.post(f"/api/v1/invoices/{inv}/official-number", json={"official_no": "2"}, headers=h["finance"])
    assert r.status_code == 409


# --- the arithmetic ------------------------------------------------------------------------------------------------
cents = st.integers(min_value=1, max_value=10**9).map(lambda n: Decimal(n) / 100)
kinds = st.sampled_from(["invoice", "payment", "warranty_credit", "return_credit", "adj_plus", "adj_minus"])
SIGN = {"invoice": 1, "payment": -1, "warranty_credit": -1, "return_credit": -1, "adj_plus": 1, "adj_minus": -1}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(kinds, cents, st.integers(-200, 200)), max_size=30), st.data())
def test_balance_and_ageing_add_up(entries, data):
    """balance = invoices − payments − credits ± adjustments; the ageing buckets sum to it exactly, with or
    without explicit allocations."""
    on = today()
    lines = [rules.Line(i, SIGN[k] * amt, on + timedelta(days=d) if SIGN[k] > 0 else None, on)
             for i, (k, amt, d) in enumerate(entries)]
    by = {k: sum((amt for kk, amt, _ in entries if kk == k), Decimal(0)) for k in SIGN}
    expected = (by["invoice"] - by["payment"] - by["warranty_credit"] - by["return_credit"] + by["adj_plus"]
                - by["adj_minus"])
    assert rules.balance(lines) == expected
    # explicit allocations: never more than a debit's amount, never more than the credits in all
    credit_left = -sum((ln.amount for ln in lines if ln.amount < 0), Decimal(0))
    allocs = {}
    for ln in lines:
        if ln.amount > 0 and credit_left > 0 and data.draw(st.booleans()):
            a = min(ln.amount, credit_left, Decimal(data.draw(st.integers(1, 10**9))) / 100)
            allocs[ln.id], credit_left = a, credit_left - a
    buckets = rules.ageing(lines, allocs, on)
    assert set(buckets) == set(rules.BUCKETS)
    assert sum(buckets.values()) == expected
    assert all(v >= 0 for k, v in buckets.items() if k != "not_due")
    assert rules.overdue(lines, allocs, on) == sum((v for k, v in buckets.items() if k != "not_due"), Decimal(0))
