"""The reconciliation exports on the report base: same columns and status names as before, now with the page
frame (header, "page n of m", printed by) in the reader's language, a CSV, and hostile part names made inert."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pypdfium2
import pytest

from tests.factories import make_bin, make_part
from warehouse.ledger.services import receive
from warehouse.stocktake import cards, services

CAPTIONS = ["货位", "配件编号", "名称", "账", "卡片", "实物", "状态", "可能原因", "差异金额", "盘点人"]
EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def take(app, session):
    make_part(session, part_number="AC-100", name="压缩机", name_en="Compressor")
    make_part(session, part_number="AC-101", name=EVIL, name_en="Evil")
    make_bin(session, "N-A01-01")
    for part in ("AC-100", "AC-101"):
        receive(session, part_number=part, location="N-A01-01", qty=10, actor="setup", unit_cost=Decimal("12.50"))
        cards.start_card(session, location="N-A01-01", part_number=part, actor="setup")
    st = services.open_stocktake(session, store="NEW", actor="setup")
    for part, physical in (("AC-100", 7), ("AC-101", 12)):
        services.record_count(session, stocktake_id=st.id, part_number=part, location="N-A01-01",
                              physical=physical, actor="ann")
    session.commit()
    return st.id


def test_xlsx_keeps_its_content_and_gains_formats(client, auth, take):
    auth.login("manager")
    r = client.get(f"/reconciliation.xlsx?stocktake={take}")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert ws["A1"].value.endswith(f"ST-{take}") and ws["A1"].font.b
    assert [c.value for c in ws[2]] == CAPTIONS
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=4)]
    assert rows[0][:6] == ["N-A01-01", "AC-100", "压缩机", 10, 10, 7]
    assert rows[1][:6] == ["N-A01-01", "AC-101", "'" + EVIL, 10, 10, 12]
    assert ws.cell(4, 3).data_type == "s" and ws.cell(3, 9).value == pytest.approx(-37.5)
    assert ws.cell(3, 9).number_format == "#,##0.00;[Red]-#,##0.00" and ws.freeze_panes == "A3"
    total = [c.value for c in ws[5]]
    assert total[0] == "合计" and total[8] == pytest.approx(-12.5)


def test_csv_export(client, auth, take):
    auth.login("manager")
    r = client.get(f"/reconciliation.csv?stocktake={take}")
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf") and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"), newline="")))
    assert rows[1][:6] == ["N-A01-01", "AC-100", "压缩机", "10", "10", "7"] and rows[1][8] == "-37.50"
    assert rows[2][2] == "'" + EVIL and rows[3][0] == "合计" and rows[3][8] == "-12.50"


def test_pdf_has_the_page_frame_in_chinese(client, auth, take):
    auth.login("manager")
    r = client.get(f"/reconciliation.pdf?stocktake={take}")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    doc = pypdfium2.PdfDocument(r.data)
    text = doc[0].get_textpage().get_text_range()
    assert "压缩机" in text and "N-A01-01" in text and EVIL in text  # on paper the name is printed as it is
    assert f"第 1 页，共 {len(doc)} 页" in text and "打印人: u_manager" in text and "打印时间" in text
    assert "合计" in text and "-12.50" in text and "-37.50" in text
