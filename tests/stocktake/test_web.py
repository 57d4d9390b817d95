"""Stocktake and reconciliation pages: blind counter pages, the manager's review, exports, the printed card."""
from __future__ import annotations

import io

import openpyxl
import pypdfium2
import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from warehouse.ledger.models import Move
from warehouse.ledger.services import receive
from warehouse.stocktake import cards, services


@pytest.fixture
def take(app, session):
    make_part(session, part_number="AC-100", name="压缩机", name_en="Compressor")
    make_bin(session, "N-A01-01")
    receive(session, part_number="AC-100", location="N-A01-01", qty=10, actor="setup")
    cards.start_card(session, location="N-A01-01", part_number="AC-100", actor="setup")
    st = services.open_stocktake(session, store="NEW", actor="setup")
    services.record_count(session, stocktake_id=st.id, part_number="AC-100", location="N-A01-01", physical=7,
                          actor="ann")
    session.commit()
    return st.id


def test_counter_pages_are_blind(client, auth, take):
    auth.login("new_store_clerk")
    page = client.get(f"/stocktakes/{take}").get_data(as_text=True)
    assert f"/scan?mode=count&amp;stocktake={take}" in page
    assert 'id="expected"' not in page and "N-A01-01" in page
    assert client.get(f"/reconciliation?stocktake={take}").status_code == 403
    assert client.post(f"/stocktakes/{take}/approve").status_code == 403
    assert client.post("/stocktakes", data={"store": "NEW", "plan": "full"}).status_code == 403
    r = client.post(f"/stocktakes/{take}/count", data={"location": "N-A01-01", "part_number": "AC-100",
                                                       "physical": "8"}, follow_redirects=True)
    assert "8" in r.get_data(as_text=True) and r.status_code == 200


@pytest.mark.parametrize("lang, name", [("en", "Compressor"), ("zh_CN", "压缩机")])
def test_reconciliation_page_in_both_languages(client, auth, take, lang, name):
    auth.login("manager")
    client.get(f"/lang/{lang}")
    page = client.get(f"/reconciliation?stocktake={take}&status=account_physical").get_data(as_text=True)
    row = page[page.index('data-status="account_physical"'):]
    assert all(w in row[:row.index("</tr>")] for w in ("N-A01-01", "AC-100", name, "-30.00"))
    assert 'id="approve"' in page and f"/reconciliation.pdf?stocktake={take}" in page
    assert 'data-status="' not in row[row.index("</tr>"):]  # the status filter left the other rows out


def test_manager_rejects_then_approves_from_the_page(client, auth, take, session):
    auth.login("manager")
    r = client.post(f"/stocktakes/{take}/reject", data={"line": "N-A01-01|AC-100"}, follow_redirects=True)
    assert r.status_code == 200
    services.record_count(session, stocktake_id=take, part_number="AC-100", location="N-A01-01", physical=9,
                          actor="bob")
    session.commit()
    client.post(f"/stocktakes/{take}/approve")
    assert session.scalar(select(func.count()).select_from(Move).where(Move.doc_type == "stocktake")) == 1
    session.rollback()


def test_exports(client, auth, take):
    auth.login("manager")
    r = client.get(f"/reconciliation.xlsx?stocktake={take}")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["N-A01-01", "AC-100", "压缩机", 10, 10, 7] == values[2][:6]
    pdf = client.get(f"/reconciliation.pdf?stocktake={take}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pypdfium2.PdfDocument(pdf.data)[0].get_textpage().get_text_range()
    assert "压缩机" in text and "N-A01-01" in text


def test_stocktake_list_opens_and_prints_cards(client, auth, take):
    auth.login("manager")
    page = client.get("/stocktakes").get_data(as_text=True)
    assert f"ST-{take}" in page and 'id="open-stocktake"' in page
    r = client.post("/stocktakes", data={"store": "NEW", "zone": "A", "plan": "full", "blind": "y"})
    assert r.status_code == 302 and "/stocktakes/" in r.headers["Location"]
    r = client.post("/cards", data={"location": "N-A01-01", "part_number": "AC-100"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/cards/N-A01-01/AC-100.pdf")
    pdf = client.get(r.headers["Location"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
