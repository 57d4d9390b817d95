"""The report base: every statement (reconciliation, daily orders, monthly movements, profit, stock, …) describes
its content as a `Report` — title, period, columns, rows — and gets PDF, CSV and XLSX from one call:

    report = Report(title="配件收发月统计表", period="2024-05", columns=[Column("part", "配件号"),
                    Column("qty", "数量", "qty"), Column("value", "金额", "money")], rows=rows, totals=True)
    data = render(report, "xlsx")            # or write(report, "pdf", open(path, "wb"))

See docs/reports.md. No Flask here: captions and the base's own words (`Labels`) come in translated.
"""
from __future__ import annotations

import io
from typing import BinaryIO

from warehouse.reports.cells import display, neutralise
from warehouse.reports.shape import Chart, Column, Labels, Report, lines

FORMATS = ("pdf", "csv", "xlsx")
MIME_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = ["Chart", "Column", "FORMATS", "Labels", "MIME_TYPES", "Report", "display", "lines", "neutralise", "render",
           "write"]


def write(report: Report, fmt: str, out: BinaryIO) -> None:
    """Write the report as `fmt` ("pdf", "csv" or "xlsx") to a binary stream (a file, for a background job)."""
    if fmt == "csv":
        from warehouse.reports.csv_out import write_csv
        write_csv(report, out)
    elif fmt == "xlsx":
        from warehouse.reports.xlsx_out import write_xlsx
        write_xlsx(report, out)
    elif fmt == "pdf":
        from warehouse.reports.pdf_out import write_pdf
        write_pdf(report, out)
    else:
        raise ValueError(f"report format must be one of {FORMATS}, not {fmt!r}")


def render(report: Report, fmt: str) -> bytes:
    """The report as `fmt`, in memory."""
    out = io.BytesIO()
    write(report, fmt, out)
    return out.getvalue()
