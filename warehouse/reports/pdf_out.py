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
from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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


def _page_header(report: Report, font: str):
    period = f"{report.labels.period}: {report.period}" if report.period else ""
    printed = report.printed_line()

    def draw(canvas: Canvas, doc) -> None:
        width, height = doc.pagesize
        top = height - MARGIN
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
        canvas.restoreState()

    return draw


def write_pdf(report: Report, out: BinaryIO) -> None:
    font = font_name()
    widths, stream = sampled_lines(report)
    pagesize = landscape(A4) if is_landscape(report, widths) else A4
    avail = pagesize[0] - 2 * MARGIN
    scale = avail / sum(widths)
    col_w = [w * scale for w in widths]
    cols = list(report.columns)
    numeric = [c.kind in NUMERIC_KINDS for c in cols]

    cell_style = ParagraphStyle("cell", fontName=font, fontSize=SIZE, leading=SIZE + 2, wordWrap="CJK")
    note_style = ParagraphStyle("note", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    body: list[list] = [[Paragraph(_escape(c.header), cell_style) for c in cols]]
    style = [
        ("FONT", (0, 0), (-1, -1), font, SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]

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
        r = len(body)
        line = []
        for i, (c, v) in enumerate(zip(cols, values)):
            text = display(c.kind, v)
            if not numeric[i] and fonts.text_width(text, SIZE) > col_w[i] - 2 * PAD:
                line.append(Paragraph(_escape(text), cell_style))  # wrap only what would overflow: Paragraphs are slow
            else:
                line.append(text)
            if is_negative(v):
                style.append(("TEXTCOLOR", (i, r), (i, r), NEGATIVE))
        body.append(line)
        if kind != ROW:
            style.append(("BACKGROUND", (0, r), (-1, r), SUM_BG))
            # The caption ("Subtotal N-A01") may spread over the empty text cells after it.
            at = next(i for i, v in enumerate(values) if isinstance(v, str))
            end = at
            while end + 1 < len(values) and values[end + 1] is None and not numeric[end + 1]:
                end += 1
            if end > at:
                line[at] = display("text", values[at])  # a span is wide enough: no wrapping Paragraph
                style.append(("SPAN", (at, r), (end, r)))

    story: list = [Paragraph(_escape(n), note_style) for n in report.notes]
    if story:
        story.append(Spacer(1, 2 * mm))
    table = LongTable(body, colWidths=col_w, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    if shown < total_rows:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_escape(report.labels.more_rows.format(shown=shown, total=total_rows)), note_style))
    if report.signatures:
        story.append(Spacer(1, 10 * mm))
        story.append(KeepTogether(_signatures(report.signatures, font, avail)))

    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + HEADER_H, bottomMargin=MARGIN + FOOTER_H,
                            title=report.header_line(), author=report.printed_by or "", creator="warehouse.reports",
                            initialFontName=font)  # else every page names Helvetica, a font nobody embeds
    header = _page_header(report, font)
    doc.build(story, onFirstPage=header, onLaterPages=header, canvasmaker=_numbered_canvas(report, font))


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
