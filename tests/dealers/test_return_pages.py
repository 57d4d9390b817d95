"""Return pages through the test client: registering (normal and abnormal), receiving by scanned codes into a NEW
bin, a manager's decision; the buttons each role sees, and a refusal writing nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.dealers.test_returns_api import shipped_order
from warehouse.dealers.models import AccountEntry
from warehouse.orders.models import DealerReturn


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def _one(session, stmt):
    v = session.scalar(stmt)
    session.rollback()
    return v


def _register(client, **extra):
    data = {"dealer": "D001", "order_no": "", "note": "", "part_number": ["CMP-1", "", ""], "qty": ["1", "", ""],
            "condition": ["unused", "unused", "unused"], **extra}
    return client.post("/returns", data=data)


def test_normal_return_received_by_scans_and_credited(client, auth, shop, session):
    no = shipped_order(client, shop)
    auth.login("order_clerk")
    page = client.get("/returns").get_data(as_text=True)
    assert 'id="register-button"' in page
    r = _register(client, order_no=no)
    assert r.status_code == 302
    rn = r.location.rsplit("/", 1)[1]
    page = client.get(f"/returns/{rn}").get_data(as_text=True)
    assert 'data-status="awaiting_receipt"' in page and 'id="receive-button"' not in page  # not the clerk's
    auth.login("shipper")
    assert 'id="receive-button"' in client.get(f"/returns/{rn}").get_data(as_text=True)
    r = client.post(f"/returns/{rn}/receive", data={"location": "N-B02-01", "code": "FLT-2", "qty": "1"})
    assert "bin=N-B02-01" in r.location  # the bin stays for the next scan
    assert _one(session, select(func.count()).select_from(AccountEntry)
                .where(AccountEntry.kind == "return_credit")) == 0
    client.post(f"/returns/{rn}/receive", data={"location": "N-B02-01", "code": "CMP-1", "qty": "1"})
    assert _one(session, select(DealerReturn.status).where(DealerReturn.return_no == rn)) == "received"
    assert _one(session, select(AccountEntry.amount).where(AccountEntry.kind == "return_credit")) == -113


def test_abnormal_return_decided_by_a_manager(client, auth, shop, session):
    auth.login("shipper")
    r = _register(client, condition=["damaged", "unused", "unused"])
    rn = r.location.rsplit("/", 1)[1]
    page = client.get(f"/returns/{rn}").get_data(as_text=True)
    assert 'data-status="negotiating"' in page and 'id="decide-button"' not in page
    assert client.post(f"/returns/{rn}/decision", data={"decision": "scrap"}).status_code == 403
    auth.login("manager")
    assert 'id="decide-button"' in client.get(f"/returns/{rn}").get_data(as_text=True)
    client.post(f"/returns/{rn}/decision", data={"decision": "reject", "restocking_charge": "1"})  # refused
    assert _one(session, select(DealerReturn.status).where(DealerReturn.return_no == rn)) == "negotiating"
    client.post(f"/returns/{rn}/decision", data={"decision": "scrap", "restocking_charge": "10.00", "note": "坏件"})
    assert _one(session, select(DealerReturn.status).where(DealerReturn.return_no == rn)) == "scrapped"


def test_register_refusals_write_nothing(client, auth, shop, session):
    auth.login("order_clerk")
    for bad in ({"dealer": "NOPE"}, {"qty": ["0", "", ""]}, {"qty": ["x", "", ""]}, {"part_number": ["", "", ""]},
                {"condition": ["broken", "unused", "unused"]}, {"order_no": "SO-NOPE"}):
        assert _register(client, **bad).status_code == 200, bad
    assert _one(session, select(func.count()).select_from(DealerReturn)) == 0
    auth.login("finance")
    assert 'id="register-button"' not in client.get("/returns").get_data(as_text=True)
    assert _register(client).status_code == 403
