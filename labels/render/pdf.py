"""PDF with reportlab: text as real text in the embedded CJK subset font (searchable, selectable), barcodes and
rules as filled rectangles on the printer's dot grid. The page is sized in whole dots so that rasterising at the
label's dpi puts every bar edge on a pixel edge."""
from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from labels import code128, fonts
from labels.layout import MM_PER_INCH, Placed, PlacedBars, PlacedQR, PlacedRect, PlacedText

POINTS_PER_INCH = 72


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
        path.rect(x * scale, top - (y + h) * scale, w * scale, h * scale)

    for e in p.elements:
        if isinstance(e, PlacedText):
            c.setFont(fonts.pdf_font_name(), e.size_mm * POINTS_PER_INCH / MM_PER_INCH)
            for x, baseline, line in e.lines:
                c.drawString((e.x + x) * scale, top - (e.y + baseline) * scale, line)
        elif isinstance(e, PlacedBars):
            for start, width in code128.bar_runs(e.values):
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
