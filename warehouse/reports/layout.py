"""Column widths and page orientation, shared by the XLSX and PDF writers."""
from __future__ import annotations

from itertools import chain, islice

from warehouse.reports.cells import display, text_width
from warehouse.reports.shape import ROW, Report, lines

DEFAULT_WIDTH = {"text": 10, "qty": 8, "money": 12, "percent": 8, "date": 10}
MAX_WIDTH = 40
SAMPLE_ROWS = 200
PORTRAIT_CELLS = 100  # wider than this many character cells at 8 pt does not fit portrait A4


def sampled_lines(report: Report):
    """(widths in character cells, the whole line stream): widths come from column `width` or, where that is not
    given, from the header and the first SAMPLE_ROWS lines, which are read ahead and then replayed, so the rows
    are still read only once."""
    stream = lines(report)
    head = list(islice(stream, SAMPLE_ROWS))
    widths = []
    for i, c in enumerate(report.columns):
        if c.width is not None:
            widths.append(float(c.width))
            continue
        seen = [text_width(display(c.kind, values[i])) for kind, values in head if kind == ROW]
        w = max([text_width(c.header), DEFAULT_WIDTH[c.kind] if not seen else 4, *seen])
        widths.append(float(min(w, MAX_WIDTH)))
    return widths, chain(head, stream)


def is_landscape(report: Report, widths: list[float]) -> bool:
    if report.landscape is not None:
        return report.landscape
    return sum(widths) + 2 * len(widths) > PORTRAIT_CELLS
