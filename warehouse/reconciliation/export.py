"""The reconciliation report as XLSX and CSV (every row) and PDF (A4 landscape, the first 5,000 rows), on the report
base (`warehouse.reports`: page header and "page n of m", formats, the text-cell neutraliser).

Captions come from the caller, already translated: the domain does not know the reader's language. `labels` (the
base's own words: "Page {page} of {pages}", "Total", …) and `printed_by` are optional so a caller without a
request (a background job) can still export.
"""
from __future__ import annotations

from dataclasses import replace

from warehouse.reports import Column, Labels, Report, render

# Report columns in print order; the caller supplies a caption for each.
COLUMNS = ("location", "part_number", "name", "account", "card", "physical", "status", "cause", "value_diff",
           "counter")
KINDS = {"account": "qty", "card": "qty", "physical": "qty", "value_diff": "money"}
WIDTHS = {"location": 11, "part_number": 13, "name": 22, "account": 7, "card": 7, "physical": 7, "status": 18,
          "cause": 16, "value_diff": 12, "counter": 9}
PDF_MAX_ROWS = 5000  # a longer PDF is no use on paper; the XLSX holds everything


def to_xlsx(report: dict, *, title: str, captions: dict[str, str], words: dict[str, str],
            labels: Labels | None = None, printed_by: str = "") -> bytes:
    """`words` translates status and cause codes."""
    return render(_report(report, title, captions, words, labels, printed_by), "xlsx")


def to_csv(report: dict, *, title: str, captions: dict[str, str], words: dict[str, str],
           labels: Labels | None = None, printed_by: str = "") -> bytes:
    return render(_report(report, title, captions, words, labels, printed_by), "csv")


def to_pdf(report: dict, *, title: str, captions: dict[str, str], words: dict[str, str],
           more_rows: str, labels: Labels | None = None, printed_by: str = "") -> bytes:
    """`more_rows` is the sentence printed when rows were left out, with {shown} and {total} placeholders."""
    labels = replace(labels or Labels(), more_rows=more_rows)
    return render(_report(report, title, captions, words, labels, printed_by, max_pdf_rows=PDF_MAX_ROWS), "pdf")


def _report(report: dict, title: str, captions: dict[str, str], words: dict[str, str], labels: Labels | None,
            printed_by: str, max_pdf_rows: int | None = None) -> Report:
    columns = [Column(c, captions[c], KINDS.get(c, "text"), width=WIDTHS[c], total=c == "value_diff")
               for c in COLUMNS]
    summary = " · ".join(f"{words.get(k, k)} {n}" for k, n in report["summary"].items())
    return Report(
        title=title, columns=columns, rows=_rows(report["rows"], words), totals=True, landscape=True,
        notes=[summary, f"{captions['value_diff']}: {report['value_diff_total']}"],
        labels=labels or Labels(), printed_by=printed_by, max_pdf_rows=max_pdf_rows, sheet_name="reconciliation")


def _rows(rows, words: dict[str, str]):
    for r in rows:
        yield [words.get(r[c], r[c]) if c in ("status", "cause") and r[c] is not None else r[c] for c in COLUMNS]
