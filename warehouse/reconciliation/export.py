"""The reconciliation report as XLSX (every row) and PDF (A4 landscape, CJK text embedded).

Captions come from the caller, already translated: the domain does not know the reader's language.
"""
from __future__ import annotations

import io
from decimal import Decimal

from labels.fonts import pdf_font_name

# Report columns in print order; the caller supplies a caption for each.
COLUMNS = ("location", "part_number", "name", "account", "card", "physical", "status", "cause", "value_diff",
           "counter")
PDF_MAX_ROWS = 5000  # a longer PDF is no use on paper; the XLSX holds everything


def to_xlsx(report: dict, *, title: str, captions: dict[str, str], words: dict[str, str]) -> bytes:
    """`words` translates status and cause codes."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # streams rows: a whole store fits in little memory
    ws = wb.create_sheet(title="reconciliation")
    ws.append([title])
    ws.append([captions[c] for c in COLUMNS])
    for row in report["rows"]:
        ws.append([_cell(c, row[c], words) for c in COLUMNS])
    ws.append([])
    ws.append([captions["value_diff"], Decimal(report["value_diff_total"])])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(column: str, value, words: dict[str, str]):
    if column == "value_diff" and value is not None:
        return Decimal(value)
    if column in ("status", "cause") and value is not None:
        return words.get(value, value)
    return value


def to_pdf(report: dict, *, title: str, captions: dict[str, str], words: dict[str, str],
           more_rows: str) -> bytes:
    """`more_rows` is the sentence printed when rows were left out, with {shown} and {total} placeholders."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = pdf_font_name()
    rows = report["rows"]
    shown = rows[:PDF_MAX_ROWS]
    body = [[captions[c] for c in COLUMNS]] + [
        ["" if (v := _cell(c, r[c], words)) is None else str(v) for c in COLUMNS] for r in shown]
    table = LongTable(body, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 8), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (3, 1), (5, -1), "RIGHT"),
        ("ALIGN", (8, 1), (8, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    style = ParagraphStyle("t", fontName=font, fontSize=13, leading=17)
    small = ParagraphStyle("s", fontName=font, fontSize=9, leading=12)
    summary = " · ".join(f"{words.get(k, k)} {n}" for k, n in report["summary"].items())
    story = [Paragraph(title, style), Paragraph(summary, small),
             Paragraph(f"{captions['value_diff']}: {report['value_diff_total']}", small), Spacer(1, 4 * mm), table]
    if len(rows) > len(shown):
        story.append(Paragraph(more_rows.format(shown=len(shown), total=len(rows)), small))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                      bottomMargin=10 * mm, title=title).build(story)
    return out.getvalue()
