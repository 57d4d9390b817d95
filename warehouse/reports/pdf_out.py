"""PDF (reportlab): A4 portrait or landscape; on every page a header (department, title, period, printed at / by)
and a "page n of m" footer; the column header repeated on every page; numbers right-aligned in their formats,
negatives in red with their minus sign; subtotal and total lines shaded; sign-off lines at the end.

The text is drawn in the labels' CJK TrueType font (`labels.fonts`: the one place a font is looked up), embedded as
a subset, so Chinese prints on a machine that has no Chinese font.
"""
from __future__ import annotations

from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table,
                                TableStyle)

from labels import fonts
from warehouse.reports.cells import NUMERIC_KINDS, display, is_negative
from warehouse.reports.layout import is_landscape, sampled_lines
from warehouse.reports.shape import ROW, TOTAL, Report

SIZE = 8  # table text, pt
MARGIN = 10 * mm
HEADER_H = 18 * mm  # room above the frame for the page header
FOOTER_H = 8 * mm
HEADER_BG = colors.HexColor("#dde4ee")
SUM_BG = colors.HexColor("#f2f2f2")
NEGATIVE = colors.HexColor("#c00000")
PAD = 2  # cell padding each side, pt
CHUNK = 40  # rows per table flowable (fewer than fit a page)


def font_name() -> str:
    """The embedded CJK font, registered with reportlab on first use."""
    return fonts.pdf_font_name()


def _numbered_canvas(report: Report, font: str):
    """A canvas that holds its pages until the end, so the footer can say how many there are ("page n of m")."""
    pattern = report.labels.page

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(font, 8)
                self.drawCentredString(width / 2, MARGIN - 2 * mm,
                                       pattern.format(page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def write_pdf(report: Report, out: BinaryIO) -> None:
    font = font_name()
    widths, stream = sampled_lines(report)
    pagesize = landscape(A4) if is_landscape(report, widths) else A4
    avail = pagesize[0] - 2 * MARGIN
    col_w = [w * avail / sum(widths) for w in widths]
    cols = list(report.columns)
    numeric = [c.kind in NUMERIC_KINDS for c in cols]
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=SIZE, leading=SIZE + 2, wordWrap="CJK")
    note_style = ParagraphStyle("note", fontName=font, fontSize=9, leading=12, wordWrap="CJK")

    grid = [
        ("FONT", (0, 0), (-1, -1), font, SIZE),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    body_style = grid + [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]

    # The column header is drawn by the page template at the top of every page's frame, and the rows flow in
    # tables of CHUNK rows: splitting one long table re-measures all remaining rows on every page, which makes
    # a 5,000-row statement take seconds per page.
    column_header = Table([[Paragraph(_escape(c.header), cell_style) for c in cols]], colWidths=col_w)
    column_header.setStyle(TableStyle(grid + [("BACKGROUND", (0, 0), (-1, -1), HEADER_BG)]))
    header_h = column_header.wrap(avail, pagesize[1])[1]
    notes = [Paragraph(_escape(n), note_style) for n in report.notes]
    notes_h = sum(p.wrap(avail, pagesize[1])[1] for p in notes) + (2 * mm if notes else 0)

    story: list = []
    chunk: list[list] = []
    chunk_style: list = []

    def flush() -> None:
        if chunk:
            table = Table(chunk[:], colWidths=col_w)
            table.setStyle(TableStyle(body_style + chunk_style))
            story.append(table)
            chunk.clear()
            chunk_style.clear()

    limit = report.max_pdf_rows
    shown = total_rows = 0
    for kind, values in stream:
        if kind == ROW:
            total_rows += 1
            if limit is not None and total_rows > limit:
                continue  # read on: the total below still covers every row
            shown += 1
        elif limit is not None and total_rows > limit and kind != TOTAL:
            continue
        r = len(chunk)
        line = []
        for i, (c, v) in enumerate(zip(cols, values)):
            text = display(c.kind, v)
            if not numeric[i] and fonts.text_width(text, SIZE) > col_w[i] - 2 * PAD:
                line.append(Paragraph(_escape(text), cell_style))  # wrap only what would overflow: Paragraphs are slow
            else:
                line.append(text)
            if is_negative(v):
                chunk_style.append(("TEXTCOLOR", (i, r), (i, r), NEGATIVE))
        chunk.append(line)
        if kind != ROW:
            chunk_style.append(("BACKGROUND", (0, r), (-1, r), SUM_BG))
        if len(chunk) == CHUNK:
            flush()
    flush()
    table_open = [True]
    story.append(_Call(lambda: table_open.__setitem__(0, False)))  # pages after the table need no column header
    if shown < total_rows:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_escape(report.labels.more_rows.format(shown=shown, total=total_rows)), note_style))
    for chart in report.charts:
        from warehouse.reports.charts import drawing  # graphics only when a statement has a chart
        story.append(Spacer(1, 6 * mm))
        story.append(KeepTogether([drawing(chart, min(avail, 170 * mm), 70 * mm, font)]))
    end: list = []
    if report.closing:  # e.g. a confirmation slip: kept on one page with the sign-off lines below it
        closing_style = ParagraphStyle("closing", fontName=font, fontSize=10, leading=16, wordWrap="CJK")
        end += [Spacer(1, 8 * mm)] + [Paragraph(_escape(line), closing_style) for line in report.closing]
    for caption, data in report.images:  # e.g. the signature drawn on the tablet, at most 70 × 30 mm
        from io import BytesIO

        from reportlab.platypus import Image
        image_style = ParagraphStyle("image", fontName=font, fontSize=10, leading=16, wordWrap="CJK")
        end += [Spacer(1, 4 * mm), Paragraph(_escape(caption), image_style),
                Image(BytesIO(data), width=70 * mm, height=30 * mm, kind="proportional", hAlign="LEFT")]
    if report.signatures:
        end += [Spacer(1, 10 * mm)] + _signatures(report.signatures, font, avail)
    if end:
        story.append(KeepTogether(end))

    period = f"{report.labels.period}: {report.period}" if report.period else ""
    printed = report.printed_line()
    width, height = pagesize
    top = height - MARGIN

    def draw_page(canvas: Canvas, doc, first: bool) -> None:
        canvas.saveState()
        canvas.setFont(font, 14)
        canvas.drawCentredString(width / 2, top - 14, report.title)
        canvas.setFont(font, 9)
        if report.department:
            canvas.drawString(MARGIN, top - 12, report.department)
        if period:
            canvas.drawCentredString(width / 2, top - 28, period)
        canvas.setFont(font, 8)
        canvas.drawRightString(width - MARGIN, top - 28, printed)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - HEADER_H + 4 * mm, width - MARGIN, top - HEADER_H + 4 * mm)
        y = top - HEADER_H
        if first:
            for p in notes:
                y -= p.height
                p.drawOn(canvas, MARGIN, y)
            y -= 2 * mm if notes else 0
        if table_open[0]:
            column_header.drawOn(canvas, MARGIN, y - header_h)
        canvas.restoreState()

    def frame(extra: float) -> Frame:
        frame_top = top - HEADER_H - extra - header_h
        bottom = MARGIN + FOOTER_H
        return Frame(MARGIN, bottom, avail, frame_top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0)

    doc = BaseDocTemplate(out, pagesize=pagesize, title=report.header_line(), author=report.printed_by or "",
                          creator="warehouse.reports",
                          initialFontName=font)  # else every page names Helvetica, a font nobody embeds
    doc.addPageTemplates([
        PageTemplate("first", [frame(notes_h)], onPage=lambda c, d: draw_page(c, d, True),
                     autoNextPageTemplate="later"),
        PageTemplate("later", [frame(0)], onPage=lambda c, d: draw_page(c, d, False)),
    ])
    doc.build(story, canvasmaker=_numbered_canvas(report, font))


class _Call(Flowable):
    """Runs `action` when the layout reaches this point of the story (takes no room)."""

    def __init__(self, action):
        super().__init__()
        self.action = action

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        self.action()


def _signatures(captions, font: str, avail: float) -> list:
    """制表 ______  审核 ______  负责人 ______ : a caption and a line to sign on, side by side."""
    cap_w = max(fonts.text_width(c, 10) for c in captions) + 6
    gap = 8 * mm
    blank = avail / len(captions) - cap_w - gap
    row, widths = [], []
    style = [("FONT", (0, 0), (-1, -1), font, 10), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    for i, caption in enumerate(captions):
        row += [caption, "", ""]
        widths += [cap_w, blank, gap]
        style.append(("LINEBELOW", (3 * i + 1, 0), (3 * i + 1, 0), 0.5, colors.black))
    table = Table([row], colWidths=widths, rowHeights=[8 * mm])
    table.setStyle(TableStyle(style))
    return [table]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
