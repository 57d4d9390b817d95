"""配件收发月统计表 against the hand-built ledger of conftest.py: every figure worked out by hand; opening + in − out
= closing on every row, in quantity and value; the PDF, XLSX and CSV carry the same figures."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pypdfium2

from warehouse.reports import lines, render
from warehouse.reports.statements import build, prepare

TODAY = date(2026, 1, 1)
D = Decimal
ZH = {"Monthly parts receipts and issues": "配件收发月统计表", "New-parts store": "新件库", "Total": "合计",
      "Parts without movements: {n}": "本月无收发配件 {n} 种", "Closing value": "期末金额"}


def report(s, fmt="pdf", words=None):
    order = prepare(name="monthly-movements", fmt=fmt, period={"month": "2024-05"}, today=TODAY)
    return build(s, order, words=words, printed_by="tester", today=TODAY)


def by_part(rep):
    keys = [c.key for c in rep.columns]
    out = {}
    for kind, values in lines(rep):
        row = dict(zip(keys, values))
        out[row["part_number"] or row["name"] if kind == "row" else (kind, row["store"])] = row
    return out


def test_each_figure_by_hand(ledger):
    rows = by_part(report(ledger))
    a, b = rows["A"], rows["B"]
    assert (a["open_q"], a["open_v"], a["purchase_q"], a["purchase_v"]) == (10, D("125.00"), 5, D("70.00"))
    assert (a["sales_q"], a["sales_v"], a["out_other_q"], a["out_other_v"]) == (3, D("39.00"), 1, D("13.00"))
    assert (a["repair_q"], a["in_other_q"], a["close_q"], a["close_v"]) == (0, 0, 11, D("143.00"))
    assert (b["open_q"], b["purchase_q"], b["purchase_v"], b["sales_q"], b["sales_v"]) == (0, 3, D("1.00"), 1,
                                                                                         D("0.33"))
    assert (b["close_q"], b["close_v"]) == (2, D("0.67"))
    unmoved = rows["Parts without movements: 1"]  # C did not move in May: summed into its category's line
    assert (unmoved["category"], unmoved["open_q"], unmoved["open_v"], unmoved["close_q"], unmoved["close_v"]) == \
        ("制动", 4, D("9.33"), 4, D("9.33"))
    total = rows[("total", "Total")]
    assert (total["open_q"], total["open_v"], total["purchase_v"], total["sales_v"], total["out_other_v"]) == \
        (14, D("134.33"), D("71.00"), D("39.33"), D("13.00"))
    assert (total["close_q"], total["close_v"]) == (17, D("153.00"))


def test_opening_plus_in_minus_out_is_closing_on_every_row(ledger):
    rep = report(ledger)
    keys = [c.key for c in rep.columns]
    n = 0
    for kind, values in lines(rep):
        r = dict(zip(keys, values))
        for unit in ("q", "v"):
            moved = r[f"purchase_{unit}"] + r[f"in_other_{unit}"] - r[f"sales_{unit}"] - r[f"repair_{unit}"] \
                - r[f"out_other_{unit}"]
            assert r[f"open_{unit}"] + moved == r[f"close_{unit}"], (kind, r)
        n += 1
    assert n == 3 + 2 + 1 + 1  # 3 rows, 2 category subtotals, the store's subtotal, the total


def test_later_month_opens_with_this_months_closing(ledger):
    order = prepare(name="monthly-movements", fmt="csv", period={"month": "2024-06"}, today=TODAY)
    rows = by_part(build(ledger, order, words=None, printed_by="", today=TODAY))
    assert (rows["A"]["open_q"], rows["A"]["open_v"], rows["A"]["close_q"], rows["A"]["close_v"]) == \
        (11, D("143.00"), 10, D("130.00"))


def test_pdf_text_chinese_and_totals(ledger):
    data = render(report(ledger, words=ZH), "pdf")
    pdf = pypdfium2.PdfDocument(data)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", "")
    for expected in ("配件收发月统计表", "压缩机", "膨胀阀", "新件库", "合计", "153.00", "143.00", "134.33",
                     "本月无收发配件"):
        assert expected in text, expected
    image = pdf[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 100  # something dark was drawn: the page is not blank


def test_xlsx_reopened_totals_sum(ledger):
    ws = openpyxl.load_workbook(io.BytesIO(render(report(ledger, words=ZH), "xlsx"))).active
    header = [c.value for c in ws[2]]
    col = header.index("期末金额") + 1
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    data = [r for r in rows if r[2]]  # part lines carry a part number
    total = next(r for r in rows if r[0] == "合计")
    assert sum(D(str(r[col - 1])) for r in data) + D("9.33") == D(str(total[col - 1])) == D("153.00")
    assert ws.cell(3, col).number_format == "#,##0.00;[Red]-#,##0.00"


def test_csv_with_bom(ledger):
    data = render(report(ledger, words=ZH), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    a = next(r for r in rows if r[2] == "A")
    assert a[3] == "压缩机" and a[-2:] == ["11", "143.00"]
    assert rows[-1][0] == "合计" and rows[-1][-1] == "153.00"
