"""CSV: UTF-8 with a byte-order mark (Excel on Chinese Windows otherwise reads it as GBK and garbles every name),
CRLF line ends and minimal quoting (RFC 4180). The first line is the header, so the file also loads into anything
that reads tables; title and period belong in the file name. Numbers are written as plain numbers (no thousands
separators, a dot for the decimals, money with its 2 places, percentages as fractions); text is neutralised.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import BinaryIO

from warehouse.reports.cells import is_number, neutralise
from warehouse.reports.shape import Report, lines


def _field(value):
    if value is None:
        return ""
    if is_number(value):
        return value  # str() of an int or a Decimal: "-1234.50", never quoted by the csv module
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(report: Report, out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    try:
        w = csv.writer(text, lineterminator="\r\n")
        w.writerow([neutralise(c.header) for c in report.columns])
        w.writerows([_field(v) for v in values] for _, values in lines(report))
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
