"""The scan endpoint's edges a clerk meets (issue 14): a fractional quantity refused, never rounded; a part code in
lower case found; a bin of the wrong store refused when the bin is scanned, not at the next part; the bin status
the scan page reads before "Bin done"."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from warehouse.ledger.models import Move
from warehouse.ledger.services import receive
from warehouse.stocktake import services as stocktakes


@pytest.fixture
def shop(session):
    make_part(session, part_number="KF35-FAN-01", name="风扇电机")
    make_part(session, part_number="AC-200", name="压缩机")
    for code in ("N-A01-01", "N-A01-02"):
        make_bin(session, code)
    make_bin(session, "R-A01-01", store="RETURNED")
    session.commit()
    receive(session, part_number="KF35-FAN-01", location="N-A01-01", qty=5, actor="setup")
    receive(session, part_number="AC-200", location="N-A01-01", qty=2, actor="setup")
    session.commit()


def moves(session) -> int:
    n = session.scalar(select(func.count(Move.id)))
    session.rollback()
    return n


def scan(client, headers, **body):
    return client.post("/api/v1/scan", json={"mode": "receive", "location": "N-A01-01", **body},
                       headers={**headers, "Accept-Language": "en"})


@pytest.mark.parametrize("qty", [1.5, 2.0, "2", True, 0, -1])
def test_a_quantity_that_is_not_a_whole_positive_number_is_refused(client, auth, session, shop, qty):
    before = moves(session)
    r = scan(client, auth.headers("new_store_clerk"), code="KF35-FAN-01", qty=qty)
    assert r.status_code == 400, r.json
    assert r.json["error"]["code"] == "invalid_input"
    assert "qty" in r.json["error"]["message"].lower() or "quantity" in r.json["error"]["message"].lower()
    assert moves(session) == before


def test_a_part_code_in_lower_case_is_the_part(client, auth, session, shop):
    r = scan(client, auth.headers("new_store_clerk"), code="kf35-fan-01", qty=2)
    assert r.status_code == 200, r.json
    assert (r.json["part_number"], r.json["qty_on_hand"]) == ("KF35-FAN-01", 7)
    # as the bin code already was
    assert scan(client, auth.headers("new_store_clerk"), code="n-a01-02").json["location"] == "N-A01-02"


def test_part_numbers_differing_in_case_alone_are_not_guessed(client, auth, session, shop):
    make_part(session, part_number="ab-1")
    make_part(session, part_number="AB-1")
    session.commit()
    r = scan(client, auth.headers("new_store_clerk"), code="Ab-1")
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_code"
    assert scan(client, auth.headers("new_store_clerk"), code="ab-1").json["part_number"] == "ab-1"


@pytest.mark.parametrize("mode,bin_,current,code", [
    ("receive", "R-A01-01", None, "wrong_store"),             # receipts go into NEW bins only
    ("pick", "R-A01-01", None, "wrong_store"),                # picking from NEW bins only
    ("transfer", "R-A01-01", "N-A01-01", "wrong_store"),      # a destination of the other store
    ("intake", "N-A01-01", None, "wrong_store"),              # returned parts go into RETURNED bins
])
def test_a_bin_of_the_wrong_store_is_refused_when_scanned(client, auth, session, shop, mode, bin_, current, code):
    role = "admin"  # works in both stores: the mode is what refuses
    r = client.post("/api/v1/scan", json={"mode": mode, "code": bin_, "location": current},
                    headers={**auth.headers(role), "Accept-Language": "en"})
    assert r.status_code == 409, r.json
    assert r.json["error"]["code"] == code and bin_ in r.json["error"]["message"]


def test_a_clerk_scanning_a_bin_of_the_other_store_is_refused_at_once(client, auth, session, shop):
    r = client.post("/api/v1/scan", json={"mode": "issue", "code": "R-A01-01"},
                    headers={**auth.headers("new_store_clerk"), "Accept-Language": "zh-CN"})
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert "旧件库" in r.json["error"]["message"] or "R-A01-01" in r.json["error"]["message"]


def test_count_mode_checks_the_bin_and_says_whether_it_is_done(client, auth, session, shop):
    st = stocktakes.open_stocktake(session, store="NEW", actor="boss", locations=["N-A01-01"])
    session.commit()
    h = {**auth.headers("new_store_clerk", "ann"), "Accept-Language": "en"}
    r = client.post("/api/v1/scan", json={"mode": "count", "code": "N-A01-02"}, headers=h)
    assert r.status_code == 409 and r.json["error"]["code"] == "no_open_stocktake"
    r = client.post("/api/v1/scan", json={"mode": "count", "code": "N-A01-02", "stocktake": st.id}, headers=h)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_in_stocktake"
    r = client.post("/api/v1/scan", json={"mode": "count", "code": "N-A01-01"}, headers=h)
    assert r.status_code == 200 and (r.json["stocktake"], r.json["bin_done"]) == (st.id, False)
    client.post("/api/v1/scan", json={"mode": "count", "code": "AC-200", "location": "N-A01-01"}, headers=h)
    # Before "Bin done": one part counted, one the ledger expects and nobody counted (a number, no quantity).
    status = client.get(f"/api/v1/stocktakes/{st.id}/bins/n-a01-01", headers=h).json
    assert (status["lines"], status["uncounted"], status["done_at"]) == (1, 1, None)
    assert "qty" not in status and "expected" not in status
    assert client.post(f"/api/v1/stocktakes/{st.id}/bins/N-A01-01/done", json={}, headers=h).status_code == 200
    status = client.get(f"/api/v1/stocktakes/{st.id}/bins/N-A01-01", headers=h).json
    assert (status["lines"], status["uncounted"], status["done_by"]) == (2, 0, "ann")
    r = client.post("/api/v1/scan", json={"mode": "count", "code": "N-A01-01"}, headers=h)
    assert r.json["bin_done"] is True
    r = client.get(f"/api/v1/stocktakes/{st.id}/bins/N-A01-02", headers=h)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_in_stocktake"
