"""售后配件月利润表, 订单日统计表, the dealer statement and 月度维修库存记录 against the hand-built month of
sales_data.py (figures worked out by hand there and below); PDF text and a rendered page, XLSX reopened and summed,
CSV with its BOM."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pypdfium2
import pytest

from tests.statements.sales_data import build as build_data
from warehouse.reports import lines, render
from warehouse.reports.statements import build, prepare

TODAY = date(2026, 1, 1)
D = Decimal
ZH = {"Monthly parts profit statement": "售后配件月利润表", "Total": "合计", "Subtotal": "小计",
      "By category": "按类别", "By dealer": "按经销商", "By part": "按配件", "Repair labour": "维修工时",
      "Charged repairs (field service)": "收费维修（现场服务）", "Revenue": "收入", "Gross margin": "毛利",
      "Daily order statistics": "订单日统计表", "Phone": "电话", "Fax": "传真", "Chat": "聊天",
      "Dealer account statement": "经销商对账单", "Opening balance": "期初余额", "Closing balance": "期末余额",
      "Monthly repair stock record": "月度维修库存记录", "Technicians' vans": "技术员车辆",
      "Stations (own stock)": "维修站（自有库存）", "Page {page} of {pages}": "第 {page} 页，共 {pages} 页"}


@pytest.fixture
def month(s):
    return build_data(s)


def report(s, name, fmt="pdf", words=ZH, period=None, **options):
    order = prepare(name=name, fmt=fmt, period=period or {"month": "2024-05"}, options=options, today=TODAY)
    return build(s, order, words=words, printed_by="tester", today=TODAY)


def table(rep):
    keys = [c.key for c in rep.columns]
    return [(kind, dict(zip(keys, values))) for kind, values in lines(rep)]


def pdf_text(data):
    pdf = pypdfium2.PdfDocument(data)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", "")
    image = pdf[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 100  # the page is not blank
    return text


# --- monthly profit ----------------------------------------------------------------------------------------------

def fig(row):
    return (row["qty"], row["revenue"], row["cost"], row["margin"], row["pct"])


def test_profit_each_figure_by_hand(month):
    out = table(report(month, "monthly-profit"))
    rows = {(r["section"], r["category"], r["code"], r["name"]): fig(r) for kind, r in out if kind == "row"}
    # A: 3 shipped @ 20.00 (cost 3 × 12.50) + 1 on charged repair T-1 @ 26.00 (cost 12.50)
    assert rows[("按配件", "空调", "A", "压缩机")] == (4, D("86.00"), D("50.00"), D("36.00"), D("0.4186"))
    # B: 2 @ 5.55 = 11.10; cost 2 × 3.3333 = 6.6666 → 6.67 (the warranty repair's B is not a sale)
    assert rows[("按配件", "空调", "B", "膨胀阀")] == (2, D("11.10"), D("6.67"), D("4.43"), D("0.3991"))
    # C: 4 @ 3.10 − 1 returned = 9.30; cost 8.00 − 2.00
    assert rows[("按配件", "制动", "C", "刹车片")] == (3, D("9.30"), D("6.00"), D("3.30"), D("0.3548"))
    assert rows[("按配件", "维修工时", "", "")] == (0, D("50.00"), D("0.00"), D("50.00"), D("1"))
    assert rows[("按类别", "空调", "", "")] == (6, D("97.10"), D("56.67"), D("40.43"), D("0.4164"))
    assert rows[("按类别", "制动", "", "")][:4] == (3, D("9.30"), D("6.00"), D("3.30"))
    assert rows[("按经销商", "", "D001", "华东经销商")][:4] == (5, D("71.10"), D("44.17"), D("26.93"))
    assert rows[("按经销商", "", "D002", "华南经销商")][:4] == (3, D("9.30"), D("6.00"), D("3.30"))
    assert rows[("按经销商", "", "", "收费维修（现场服务）")][:4] == (1, D("76.00"), D("12.50"), D("63.50"))
    # Each section adds up to the same total: revenue 156.40, cost 62.67, margin 93.73, 59.93 %
    subtotals = [r for kind, r in out if kind == "subtotal"]
    assert len(subtotals) == 3
    for r in subtotals:
        assert (r["revenue"], r["cost"], r["margin"], r["pct"]) == (D("156.40"), D("62.67"), D("93.73"),
                                                                     D("0.5993"))
    assert [r["section"] for kind, r in out if kind == "row"][:3] == ["按类别"] * 3  # summaries first


def test_profit_chart_is_twelve_months_of_revenue_and_margin(month):
    rep = report(month, "monthly-profit")
    chart = rep.charts[0]
    assert chart.categories[0] == "2023-06" and chart.categories[-1] == "2024-05"
    (_, revenue), (_, margin) = chart.series
    assert revenue[-2:] == [20.0, 156.4] and margin[-2:] == [7.5, 93.73] and sum(revenue[:-2]) == 0


def test_profit_pdf_xlsx_csv(month):
    text = pdf_text(render(report(month, "monthly-profit"), "pdf"))
    for expected in ("售后配件月利润表", "压缩机", "华东经销商", "收费维修（现场服务）", "156.40", "93.73", "59.93%",
                     "第 1 页"):
        assert expected in text, expected
    ws = openpyxl.load_workbook(io.BytesIO(render(report(month, "monthly-profit", "xlsx"), "xlsx"))).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    parts = [r for r in rows if r[0] == "按配件"]
    assert sum(D(str(r[5])) for r in parts) == D("156.40")
    sub = next(r for r in rows if r[0] and str(r[0]).startswith("小计 按配件"))
    assert D(str(sub[5])) == D("156.40") and D(str(sub[7])) == D("93.73")
    data = render(report(month, "monthly-profit", "csv"), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    a = next(r for r in got if r[2] == "A")
    assert a[4:] == ["4", "86.00", "50.00", "36.00", "0.4186"]


def test_profit_month_without_sales_is_empty_not_an_error(month):
    out = table(report(month, "monthly-profit", period={"month": "2024-03"}))
    assert [kind for kind, _ in out] == []


# --- daily orders ------------------------------------------------------------------------------------------------

def test_daily_orders_by_hand(month):
    out = table(report(month, "daily-orders", period={"day": "2024-05-06"}))
    rows = [(r["dealer"], r["channel"], r["orders"], r["lines"], r["qty"], r["net"], r["gross"])
            for kind, r in out if kind == "row"]
    # SO-1 + SO-5 (phone), SO-2 (fax); SO-3 cancelled, SO-4 a backorder, SO-6 the next day
    assert rows == [("D001", "电话", 2, 3, 7, D("111.10"), D("125.54")),
                    ("D002", "传真", 1, 1, 4, D("12.40"), D("14.01"))]
    total = out[-1][1]
    assert out[-1][0] == "total" and (total["orders"], total["lines"], total["qty"], total["net"],
                                      total["gross"]) == (3, 4, 11, D("123.50"), D("139.55"))
    rep = report(month, "daily-orders", "pdf", period={"day": "2024-05-06"})
    text = pdf_text(render(rep, "pdf"))
    assert "订单日统计表" in text and "华东经销商" in text and "139.55" in text
    ws = openpyxl.load_workbook(io.BytesIO(render(report(month, "daily-orders", "xlsx",
                                                         period={"day": "2024-05-06"}), "xlsx"))).active
    last = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "合计")
    assert D(str(last[-1])) == D("139.55") and last[3] == 3
    data = render(report(month, "daily-orders", "csv", period={"day": "2024-05-06"}), "csv")
    assert data.startswith(b"\xef\xbb\xbf") and "华南经销商".encode() in data


# --- dealer statement --------------------------------------------------------------------------------------------

def test_dealer_statement_by_hand(month):
    rep = report(month, "dealer-statement", dealer="D001")
    out = table(rep)
    assert out[0][1]["balance"] == D("100.00")
    assert [r["balance"] for _, r in out[1:-1]] == [D("180.34"), D("168.00"), D("164.50"), D("64.50")]
    last = out[-1][1]
    assert (last["debit"], last["credit"], last["balance"]) == (D("80.34"), D("115.84"), D("64.50"))
    text = pdf_text(render(rep, "pdf"))
    assert "经销商对账单" in text and "华东经销商" in text and "64.50" in text
    ws = openpyxl.load_workbook(io.BytesIO(render(report(month, "dealer-statement", "xlsx", dealer="D001"),
                                                  "xlsx"))).active
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[4], (int, float))]
    assert D(str(rows[-1][4])) == D("80.34")  # the closing line's debits = the month's invoice
    data = render(report(month, "dealer-statement", "csv", dealer="D001"), "csv")
    assert data.startswith(b"\xef\xbb\xbf") and "期末余额".encode() in data


# --- monthly repair stock record ---------------------------------------------------------------------------------

def test_repair_stock_by_hand_and_identity(month):
    out = table(report(month, "repair-stock"))
    rows = {(r["holder"], r["part_number"]): r for kind, r in out if kind == "row"}
    a, b = rows[("V-TECH1", "A")], rows[("V-TECH1", "B")]
    # A: 2 on the van since April, 1 used on T-1 at 12.50; the store's average at the end of May is 12.50
    assert (a["holder_name"], a["open_q"], a["in_q"], a["used_q"], a["used_v"], a["other_q"], a["close_q"],
            a["unit_cost"], a["close_v"]) == ("tech1", 2, 0, 1, D("12.50"), 0, 1, D("12.50"), D("12.50"))
    # B: 3 refilled, 1 used on T-2 at 3.3333 (3.33), 1 back to a bin; the store holds 10 − 2 − 1 = 7 worth
    # 33.33 − 6.67 − 3.33 = 23.33 at the end of May → 3.3329 each (shown 3.33), the one on the van 3.33
    assert (b["open_q"], b["in_q"], b["used_q"], b["used_v"], b["other_q"], b["close_q"], b["unit_cost"],
            b["close_v"]) == (0, 3, 1, D("3.33"), 1, 1, D("3.33"), D("3.33"))  # cost shown at 2 places
    for r in (a, b):
        assert r["open_q"] + r["in_q"] - r["used_q"] - r["other_q"] == r["close_q"]
    station = rows[("S01", "C")]
    assert station["holder_name"] == "城东特约站" and station["used_q"] == 2 and station["close_q"] is None
    assert ("V-TECH1", "C") not in rows  # parts never on the van are not listed
    rep = report(month, "repair-stock")
    text = pdf_text(render(rep, "pdf"))
    assert "月度维修库存记录" in text and "V-TECH1" in text and "城东特约站" in text and "15.83" in text
    ws = openpyxl.load_workbook(io.BytesIO(render(report(month, "repair-stock", "xlsx"), "xlsx"))).active
    vans = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "技术员车辆"]
    assert sum(D(str(r[-1])) for r in vans) == D("15.83") and sum(r[7] for r in vans) == 2
    assert render(report(month, "repair-stock", "csv"), "csv").startswith(b"\xef\xbb\xbf")
