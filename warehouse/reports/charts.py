"""Charts drawn on the server with reportlab's own graphics (no network, no browser library): a `Chart` becomes a
Drawing that the PDF writer places after the table, and the same Drawing as SVG for a web page.

Text uses the reports' CJK font, so Chinese series names and titles print; in SVG the font is named and the
browser falls back to its own CJK font.
"""
from __future__ import annotations

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from labels import fonts
from warehouse.reports.shape import Chart

PALETTE = [colors.HexColor(c) for c in ("#3b6ea5", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")]


def drawing(chart: Chart, width: float = 480, height: float = 220, font: str | None = None,
            text_scale: float = 1.0) -> Drawing:
    """The chart as a reportlab Drawing of `width` × `height` points; `text_scale` enlarges its text (a page that
    shows the chart narrower than it is drawn)."""
    font = font or fonts.pdf_font_name()
    z = text_scale
    d = Drawing(width, height)
    d.add(String(width / 2, height - 14 * z, chart.title, fontName=font, fontSize=11 * z, textAnchor="middle"))
    plot = {"bar": VerticalBarChart, "hbar": HorizontalBarChart}.get(chart.kind, HorizontalLineChart)()
    # the legend sits right of the plot, or for horizontal bars (whose labels take the left) in a row under the title
    legend_w = 70 * z + 40 if len(chart.series) > 1 and chart.kind != "hbar" else 0
    # a line leaves a gap where a value is missing (None); bars draw it as 0
    data = [[(None if v is None else float(v)) if chart.kind == "line" else float(v or 0) for v in values]
            for _, values in chart.series] or [[0.0] * len(chart.categories)]
    if chart.kind == "hbar":
        size = 8 * z
        room = width * 0.5 - 12
        names = [_fit(str(c), font, size, room) for c in chart.categories]
        # labels start at the left edge (an SVG viewer's fallback font may be wider than the one measured here,
        # so they are not right-aligned against the axis: 15 % room to spare instead)
        left = 12 + 1.15 * max((stringWidth(n, font, size) for n in names), default=0)
        plot.x, plot.y = left, 20 * z
        plot.width, plot.height = width - left - 20, height - 60 * z
        plot.valueAxis.maximumTicks = 6
        plot.categoryAxis.reverseDirection = True  # the first category on top
    else:
        plot.x, plot.y = 30 + 15 * z, 25 + 15 * z
        plot.width, plot.height = width - 45 - 15 * z - legend_w, height - 50 - 25 * z
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(data))]
    if chart.kind == "line":
        # reportlab cannot draw a line without any point: a series with no value at all is left out of the plot
        # (its legend entry stays); with nothing to draw, a grey zero line keeps the axes
        drawn = [i for i, v in enumerate(data) if any(x is not None for x in v)]
        data = [data[i] for i in drawn] or [[0.0] * len(chart.categories)]
        colours = [colours[i] for i in drawn] or [colors.lightgrey]
    plot.data = data
    plot.categoryAxis.categoryNames = names if chart.kind == "hbar" else [str(c) for c in chart.categories]
    plot.categoryAxis.labels.fontName = plot.valueAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = plot.valueAxis.labels.fontSize = (7 if chart.kind != "hbar" else 8) * z
    if chart.kind == "hbar":
        plot.categoryAxis.labels.boxAnchor = "w"
        plot.categoryAxis.labels.dx = 6 - left
    else:
        plot.categoryAxis.labels.angle = 30 if len(chart.categories) > 6 else 0
        plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 6 else "n"
    top = max((max(x for x in v if x is not None) for v in data if any(x is not None for x in v)), default=0)
    plot.valueAxis.valueMin = 0
    plot.valueAxis.valueMax = top * 1.1 if top > 0 else 1
    if chart.kind in ("bar", "hbar"):
        for i in range(len(data)):
            plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
            plot.bars[i].strokeColor = None
    else:
        for i in range(len(data)):
            plot.lines[i].strokeColor = colours[i]
            plot.lines[i].strokeWidth = 1.5
            plot.lines[i].symbol = makeMarker("FilledCircle", size=3 * z)  # a month between gaps still shows
    d.add(plot)
    if len(chart.series) > 1:
        legend = Legend()
        legend.x, legend.y = width - legend_w + 5, height - 25 - 15 * z
        legend.fontName, legend.fontSize = font, 8 * z
        legend.alignment = "right"
        if chart.kind == "hbar":
            legend.x, legend.y = plot.x, height - 22 * z
            legend.columnMaximum, legend.deltax = 1, 60 * z
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(chart.series)]
        d.add(legend)
    return d


def _fit(text: str, font: str, size: float, room: float) -> str:
    """The label, shortened with "…" until it fits `room` points (a horizontal chart's category names)."""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


def svg(chart: Chart, width: float = 640, height: float = 260, text_scale: float = 1.0) -> str:
    """The chart as an SVG document (for an <img> on a page)."""
    return renderSVG.drawToString(drawing(chart, width, height, text_scale=text_scale))
