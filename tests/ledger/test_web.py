"""HTML pages: login, role checks, forms (with CSRF), the printable receipt note, history and reversal."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part, make_user
from warehouse.ledger.models import Balance, Move


@pytest.fixture
def setup(session):
    make_user(session, username="clerk", role="new_store_clerk")
    make_user(session, username="tech", role="technician")
    make_part(session, part_number="PCB-9", name="主控板", name_en="Main board")
    make_bin(session, "N-A01-01")
    make_bin(session, "N-A01-02")
    session.commit()


def login(client, username):
    return client.post("/login", data={"username": username, "password": "password-123"})


def test_login_required_and_wrong_password(client, setup):
    r = client.get("/scan")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = login(client, "clerk")
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    client.post("/logout")
    r = client.post("/login", data={"username": "clerk", "password": "nope-nope"})
    assert r.status_code == 200 and "password" in r.get_data(as_text=True).lower()
    assert client.get("/").status_code == 302


def test_open_redirect_after_login_is_refused(client, setup):
    r = client.post("/login?next=//evil.example/x", data={"username": "clerk", "password": "password-123"})
    assert r.headers["Location"] == "/"


def test_receive_form_prints_a_receipt_note(client, session, setup):
    login(client, "clerk")
    r = client.post("/stock/receive", data={"part_number": "PCB-9", "location": "N-A01-01", "qty": "4",
                                            "unit_cost": "88.5", "reference": "DN-77"})
    assert r.status_code == 302 and "/receipts/RN-" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "PCB-9" in page and "主控板" in page and "354.00" not in page  # a store clerk sees no costs
    assert session.scalar(select(Balance.qty)) == 4
    make_user(session, username="money", role="finance")
    session.commit()
    client.post("/logout")
    login(client, "money")
    assert "354.00" in client.get(r.headers["Location"]).get_data(as_text=True)  # 4 × 88.50, for finance
    session.rollback()


def test_form_errors_write_nothing(client, session, setup):
    login(client, "clerk")
    for data in ({"part_number": "PCB-9", "location": "N-A01-01", "qty": "0"},
                 {"part_number": "PCB-9", "location": "N-A01-01", "qty": "abc"},
                 {"part_number": "NOPE", "location": "N-A01-01", "qty": "1"},
                 {"part_number": "PCB-9", "location": "N-A01-01", "qty": "5"}):
        r = client.post("/stock/issue", data=data)
        assert r.status_code == 200
    assert session.scalar(select(Move.id)) is None
    session.rollback()


def test_technician_cannot_adjust_stock(client, setup):
    login(client, "tech")
    assert client.get("/stock/receive").status_code == 403
    assert client.post("/stock/issue", data={"part_number": "PCB-9", "location": "N-A01-01", "qty": "1"}
                       ).status_code == 403


def test_part_and_bin_pages_show_history_and_reverse(client, session, setup):
    login(client, "clerk")
    client.post("/stock/receive", data={"part_number": "PCB-9", "location": "N-A01-01", "qty": "4"})
    client.post("/stock/transfer", data={"part_number": "PCB-9", "from_location": "N-A01-01",
                                         "to_location": "N-A01-02", "qty": "1"})
    page = client.get("/parts/PCB-9").get_data(as_text=True)
    assert "N-A01-02" in page and re.search(r'id="total">\s*4', page)
    move_id = session.scalar(select(Move.id).where(Move.doc_type == "transfer"))
    session.rollback()
    r = client.post(f"/moves/{move_id}/reverse", data={"reason": "wrong bin"}, headers={"Referer": "/bins/N-A01-02"})
    assert r.status_code == 302
    assert session.scalar(select(Move.reverses_id).where(Move.doc_type == "reversal")) == move_id
    assert sorted(session.scalars(select(Balance.qty))) == [0, 4]
    session.rollback()
    client.get("/lang/en")
    page = client.get("/bins/N-A01-02").get_data(as_text=True)
    assert "Empty bin." in page


def test_forms_need_a_csrf_token(app, client, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    r = client.post("/login", data={"username": "clerk", "password": "password-123"})
    assert r.status_code == 400


def test_api_with_session_cookie_needs_csrf_header(app, client, session, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "clerk", "password": "password-123", "csrf_token": token})
    body = {"code": "N-A01-01", "mode": "receive"}
    assert client.post("/api/v1/scan", json=body).status_code == 400  # no X-CSRFToken
    assert client.post("/api/v1/scan", json=body, headers={"X-CSRFToken": token}).status_code == 200


def test_unknown_page_is_a_page_not_json(client, setup):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.mimetype == "text/html"
