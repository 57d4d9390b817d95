"""XLSX (openpyxl, write-only so 100,000 rows stream through little memory): a title row, a bold header row that
stays frozen and carries the auto filter, real numbers with number formats, subtotals and totals as numbers,
column widths that allow for CJK, and a print set-up (orientation, header row on every printed page, page n / m).

Layout: row 1 the title line (department, title, period) with the printed-at/by line in the last column; row 2 the
header; data from row 3; after the total, the notes.
"""
from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from warehouse.reports.cells import XLSX_DATETIME, XLSX_FORMATS, neutralise
from warehouse.reports.layout import is_landscape, sampled_lines
from warehouse.reports.shape import ROW, TOTAL, Report

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
SUM_FILL = PatternFill("solid", fgColor="F2F2F2")
SHEET_NAME_BAD = '[]:*?/\\'


def _sheet_name(name: str) -> str:
    return "".join("_" if ch in SHEET_NAME_BAD else ch for ch in name)[:31] or "report"


def write_xlsx(report: Report, out: BinaryIO) -> None:
    widths, stream = sampled_lines(report)
    cols = list(report.columns)
    n = len(cols)
    last = get_column_letter(n)

    wb = Workbook(write_only=True)
    wb.properties.title = report.title
    wb.properties.creator = report.printed_by or None
    ws = wb.create_sheet(title=_sheet_name(report.sheet_name))
    # Everything above the sheet data must be set before the first row is written.
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w + 2
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if is_landscape(report, widths) else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.left.text = _header_text(report.header_line())
    ws.oddHeader.right.text = _header_text(report.printed_line())
    ws.oddFooter.center.text = _header_text(report.labels.page.format(page="&P", pages="&N"))

    title = WriteOnlyCell(ws, neutralise(report.header_line()))
    title.font = Font(bold=True, size=14)
    first = [title] + [None] * (n - 1)
    if n >= 3:
        first[-1] = WriteOnlyCell(ws, neutralise(report.printed_line()))
        first[-1].alignment = Alignment(horizontal="right")
    ws.append(first)

    header = []
    for c in cols:
        cell = WriteOnlyCell(ws, neutralise(c.header))
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)

    # One styled cell per column and line kind, re-used for every row: openpyxl writes a write-only row as soon as
    # it is appended, and styling 100,000 × n fresh cells would dominate the run time.
    def templates(bold: bool) -> list[WriteOnlyCell | None]:
        out = []
        for c in cols:
            if c.kind == "text" and not bold:
                out.append(None)
                continue
            cell = WriteOnlyCell(ws)
            if c.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[c.kind]
            if bold:
                cell.font, cell.fill = BOLD, SUM_FILL
            out.append(cell)
        return out

    plain, summed = templates(False), templates(True)
    datetime_cells = {}
    row_no = 2
    last_body = 2
    for kind, values in stream:
        cells = plain if kind == ROW else summed
        row = []
        for i, v in enumerate(values):
            if v is None and kind == ROW:
                row.append(None)
                continue
            cell = cells[i]
            if isinstance(v, datetime):
                # A datetime needs its own format; keep one cell per column for it. Excel has no time zones:
                # the wall-clock time, as printed.
                cell = datetime_cells.get((kind, i))
                if cell is None:
                    cell = datetime_cells[(kind, i)] = WriteOnlyCell(ws)
                    cell.number_format = XLSX_DATETIME
                    if kind != ROW:
                        cell.font, cell.fill = BOLD, SUM_FILL
                v = v.replace(tzinfo=None)
            elif cell is None:  # a text cell needs no style: a plain value takes openpyxl's fast path
                row.append(neutralise(v))
                continue
            cell.value = neutralise(v)
            row.append(cell)
        ws.append(row)
        row_no += 1
        if kind != TOTAL:
            last_body = row_no
    ws.auto_filter.ref = f"A2:{last}{max(last_body, 3)}"  # the grand total stays below what sorting moves
    for block in (report.notes, report.closing):
        if block:
            ws.append([])
            for note in block:
                ws.append([neutralise(note)])
    wb.save(out)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # & starts a code in Excel's print header
