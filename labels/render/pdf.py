"""PDF with reportlab: text as real text in the embedded CJK subset font (searchable, selectable), barcodes and
rules as filled rectangles on the printer's dot grid. The page is sized in whole dots so that rasterising at the
label's dpi puts every bar edge on a pixel edge.

Every filled rectangle is drawn a quarter dot inside its dots on each side (bar width reduction): rasterisers that
blacken every pixel a shape touches (the PostScript rule of Ghostscript and of poppler in 1-bit mode, as in a CUPS
raster driver) would otherwise widen each bar by a dot, turning 2-dot modules into 3-dot bars and 1-dot gaps.
Centre-sampling and anti-aliasing rasterisers still fill exactly the intended dots."""
from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from labels import fonts, linear
from labels.layout import MM_PER_INCH, Placed, PlacedBars, PlacedQR, PlacedRect, PlacedText

POINTS_PER_INCH = 72
BWR = 0.25  # dots taken off each edge of a filled rectangle


def _runs(row) -> list[tuple[int, int]]:
    """(start, length) of each run of True in a row of QR modules."""
    runs, start = [], None
    for k, dark in enumerate(row):
        if dark and start is None:
            start = k
        elif not dark and start is not None:
            runs.append((start, k - start))
            start = None
    if start is not None:
        runs.append((start, len(row) - start))
    return runs


def _page(c: canvas.Canvas, p: Placed) -> None:
    scale = POINTS_PER_INCH / p.dpi
    top = p.height * scale
    c.setPageSize((p.width * scale, top))
    path = c.beginPath()

    def box(x: float, y: float, w: float, h: float) -> None:  # dots, y down → points, y up
        path.rect((x + BWR) * scale, top - (y + h - BWR) * scale, (w - 2 * BWR) * scale, (h - 2 * BWR) * scale)

    for e in p.elements:
        if isinstance(e, PlacedText):
            c.setFont(fonts.pdf_font_name(), e.size_mm * POINTS_PER_INCH / MM_PER_INCH)
            for x, baseline, line in e.lines:
                c.drawString((e.x + x) * scale, top - (e.y + baseline) * scale, line)
        elif isinstance(e, PlacedBars):
            for start, width in linear.bar_runs(e.symbol.pattern):
                box(e.x + start * e.module, e.y, width * e.module, e.h)
        elif isinstance(e, PlacedQR):
            for r, row in enumerate(e.dark):
                for start, length in _runs(row):
                    box(e.x + start * e.module, e.y + r * e.module, length * e.module, e.module)
        elif isinstance(e, PlacedRect):
            t = e.line
            if t is None:
                box(e.x, e.y, e.w, e.h)
            else:
                box(e.x, e.y, e.w, t), box(e.x, e.y + e.h - t, e.w, t)
                box(e.x, e.y + t, t, e.h - 2 * t), box(e.x + e.w - t, e.y + t, t, e.h - 2 * t)
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()


def document(labels: list[Placed]) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=True, pageCompression=1)
    c.setCreator("labels")
    for p in labels:
        _page(c, p)
    c.save()
    return buf.getvalue()
