"""The report base: one neutraliser for CSV and XLSX, numbers stay numbers, the CSV's BOM and CRLF, the XLSX's
frozen header, filter and number formats, and a multi-page PDF with Chinese, "page n of m" and repeated headers."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pypdfium2
import pytest

from warehouse.reports import Column, Labels, Report, lines, neutralise, render

ZH = Labels(period="期间", printed_at="打印时间", printed_by="打印人", page="第 {page} 页，共 {pages} 页",
            subtotal="小计", total="合计", more_rows="共 {total} 行，仅打印前 {shown} 行。")
HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-5 mm", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
COLUMNS = [Column("part", "配件号"), Column("name", "名称"), Column("qty", "数量", "qty"),
           Column("amount", "金额", "money"), Column("share", "占比", "percent"), Column("day", "日期", "date")]


def hostile_report() -> Report:
    rows = [{"part": f"P-{i}", "name": text, "qty": -3 if i == 0 else 5, "amount": Decimal("-1234.5") if i == 0
             else Decimal("10.005"), "share": Decimal("0.125"), "day": date(2024, 5, 31)}
            for i, text in enumerate(HOSTILE)]
    return Report(title="配件收发月统计表", period="2024-05", columns=COLUMNS, rows=rows, totals=True, labels=ZH)


def test_neutraliser_makes_formula_text_inert_and_leaves_numbers_alone():
    for text in HOSTILE:
        assert neutralise(text) == "'" + text
    for value in (-5, 0, Decimal("-1234.50"), -1.5, None, date(2024, 1, 1), "压缩机", "5 mm", "a=b"):
        assert neutralise(value) == value


def test_csv_is_utf8_with_bom_crlf_and_formula_text_is_inert():
    data = render(hostile_report(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == len(HOSTILE) + 2 and "\n" not in text.replace("\r\n", "")  # header, rows, total
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["配件号", "名称", "数量", "金额", "占比", "日期"]
    for row, hostile in zip(rows[1:], HOSTILE):
        assert row[1] == "'" + hostile  # inert: starts with the apostrophe, and the text is intact after it
    assert rows[1][2:5] == ["-3", "-1234.50", "0.1250"] and rows[2][2:6] == ["5", "10.01", "0.1250", "2024-05-31"]
    assert rows[-1][:4] == ["合计", "", "22", str(Decimal("-1234.50") + 5 * Decimal("10.01"))]
    # numbers are bare digits on the line, never quoted and never prefixed
    first = text.split("\r\n")[1]
    assert first.endswith(",-3,-1234.50,0.1250,2024-05-31")


def test_xlsx_formula_text_is_a_string_and_numbers_are_numbers():
    book = openpyxl.load_workbook(io.BytesIO(render(hostile_report(), "xlsx")))
    ws = book.active
    assert ws["A1"].value.startswith("配件收发月统计表") and ws["A1"].font.b
    assert [c.value for c in ws[2]] == ["配件号", "名称", "数量", "金额", "占比", "日期"]
    assert all(c.font.b for c in ws[2])
    for r, hostile in enumerate(HOSTILE, start=3):
        name, qty, amount, share, day = (ws.cell(r, c) for c in range(2, 7))
        # XML reads a bare CR in text back as LF; what matters is the prefix in front of it
        assert name.data_type == "s" and name.value in ("'" + hostile, "'" + hostile.replace("\r", "\n"))
        assert qty.data_type == "n" and amount.data_type == "n" and share.data_type == "n"
        assert qty.number_format == "#,##0;[Red]-#,##0" and amount.number_format == "#,##0.00;[Red]-#,##0.00"
        assert share.number_format == "0.00%;[Red]-0.00%" and day.is_date and day.number_format == "yyyy-mm-dd"
    assert ws["C3"].value == -3 and ws["D3"].value == Decimal("-1234.50") == Decimal(str(ws["D3"].value))
    assert ws["D4"].value == pytest.approx(10.01)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    total = ws.max_row
    assert ws.cell(total, 1).value == "合计" and ws.cell(total, 3).value == 22 and ws.cell(total, 3).font.b
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:F{total - 1}"
    assert ws.print_title_rows == "$2:$2"


def test_xlsx_column_widths_count_cjk_double():
    rows = [("前刹车片总成前刹车片总成", "AB-1234567890")]  # 12 CJK characters = 24 cells; 13 ASCII = 13 cells
    report = Report(title="t", columns=[Column("name", "名称"), Column("part", "配件号")], rows=rows)
    ws = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx"))).active
    assert ws.column_dimensions["A"].width == 24 + 2 and ws.column_dimensions["B"].width == 13 + 2


def test_money_rounds_half_up_to_the_cent_and_totals_add_the_printed_cents():
    report = Report(title="t", columns=[Column("k", "k"), Column("m", "m", "money"), Column("q", "q", "qty"),
                                        Column("margin", "m%", "percent", ratio=("m", "rev")),
                                        Column("rev", "rev", "money")],
                    rows=[("a", "0.005", 1, None, 10), ("a", 0.015, 2, None, 10), ("b", Decimal("-0.005"), 3, None, 0)],
                    group_by="k", totals=True)
    out = list(lines(report))
    assert [kind for kind, _ in out] == ["row", "row", "subtotal", "row", "subtotal", "total"]
    assert out[0][1][1] == Decimal("0.01") and out[1][1][1] == Decimal("0.02") and out[3][1][1] == Decimal("-0.01")
    assert out[2][1] == ["Subtotal a", Decimal("0.03"), 3, Decimal("0.0015"), Decimal("20")]
    assert out[5][1][:3] == ["Total", Decimal("0.02"), 6]


def many_rows(n: int):
    for i in range(n):
        yield {"part": f"AC-{i:04d}", "name": "前刹车片总成" if i % 2 else "压缩机", "qty": i - 100,
               "amount": Decimal(i) * Decimal("1234.56") - 5000, "share": Decimal(i) / n,
               "day": datetime(2024, 5, 1 + i % 28, 8, 30)}


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    report = Report(title="配件收发月统计表", period="2024年5月", department="售后服务部 配件库", printed_by="张三",
                    columns=COLUMNS, rows=many_rows(200), totals=True, labels=ZH,
                    signatures=["制表", "审核", "负责人"], printed_at=datetime(2024, 6, 1, 9, 15))
    return render(report, "pdf")


def test_pdf_pages_say_page_n_of_m_and_repeat_the_header(long_pdf):
    doc = pypdfium2.PdfDocument(long_pdf)
    pages = len(doc)
    assert pages >= 3
    texts = [doc[i].get_textpage().get_text_range() for i in range(pages)]
    for n, text in enumerate(texts, 1):
        assert f"第 {n} 页，共 {pages} 页" in text
        assert "配件收发月统计表" in text and "期间: 2024年5月" in text and "售后服务部 配件库" in text
        assert "打印时间: 2024-06-01 09:15" in text and "打印人: 张三" in text
        assert re.search(r"配件号\s*名称\s*数量\s*金额\s*占比\s*日期", text), f"no table header on page {n}"
    everything = "\n".join(texts)
    assert "前刹车片总成" in everything and "压缩机" in everything
    assert all(f"AC-{i:04d}" in everything for i in range(200))
    # formats: thousands separators and 2 places, negatives kept, percentages, the total, the sign-off line
    assert "-5,000.00" in texts[0] and "-100" in texts[0] and "0.50%" in texts[0]
    total = sum(Decimal(i) * Decimal("1234.56") - 5000 for i in range(200))
    assert f"{total:,.2f}" in texts[-1] and "合计" in texts[-1]
    assert re.search(r"制表\s*审核\s*负责人", texts[-1])


def test_pdf_embeds_its_cjk_font_and_page_one_is_drawn(long_pdf):
    assert b"/FontFile2" in long_pdf and b"Helvetica" not in long_pdf  # embedded TrueType subset only
    page = pypdfium2.PdfDocument(long_pdf)[0]
    image = page.render(scale=1).to_pil().convert("L")
    width, height = image.size
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * width * height  # text and grid lines, not a blank page
    # the title band (top 10 %) holds ink: the CJK title is drawn, not left as boxes or empty
    top = image.crop((0, 0, width, height // 10))
    assert sum(top.histogram()[:128]) > 200


def test_pdf_row_limit_keeps_the_total_of_every_row():
    report = Report(title="t", columns=[Column("k", "k"), Column("m", "m", "money")],
                    rows=((f"r{i}", 1) for i in range(50)), totals=True, max_pdf_rows=10,
                    labels=ZH)
    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(render(report, "pdf")))
    assert "r9" in text and "r10" not in text and "共 50 行，仅打印前 10 行。" in text and "50.00" in text


def test_rows_are_streamed_once_and_tuple_rows_must_fit_the_columns():
    consumed = []

    def rows():
        for i in range(1000):
            consumed.append(i)
            yield (f"p{i}", i)

    report = Report(title="t", columns=[Column("p", "p"), Column("q", "q", "qty")], rows=rows())
    assert render(report, "csv").count(b"\r\n") == 1001 and len(consumed) == 1000
    with pytest.raises(ValueError):
        render(Report(title="t", columns=[Column("p", "p")], rows=[("a", "b")]), "csv")
    with pytest.raises(ValueError):
        render(Report(title="t", columns=[Column("p", "p")], rows=[]), "docx")


def test_an_empty_report_and_a_long_text_still_render():
    empty = Report(title="空报表", columns=COLUMNS, rows=[], totals=True, labels=ZH)
    for fmt in ("pdf", "csv", "xlsx"):
        assert render(empty, fmt)
    text = pypdfium2.PdfDocument(render(empty, "pdf"))[0].get_textpage().get_text_range()
    assert "第 1 页，共 1 页" in text and "合计" in text
    long_name = "左前门玻璃升降器总成（带电机）" * 4
    report = Report(title="t", columns=[Column("name", "名称", width=12), Column("qty", "数量", "qty")],
                    rows=[(long_name, 1)], labels=ZH)
    text = pypdfium2.PdfDocument(render(report, "pdf"))[0].get_textpage().get_text_range()
    assert long_name in text.replace("\r", "").replace("\n", "")  # wrapped over lines, nothing lost
