"""Charts drawn on the server with reportlab's own graphics (no network, no browser library): a `Chart` becomes a
Drawing that the PDF writer places after the table, and the same Drawing as SVG for a web page.

Text uses the reports' CJK font, so Chinese series names and titles print; in SVG the font is named and the
browser falls back to its own CJK font.
"""
from __future__ import annotations

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from labels import fonts
from warehouse.reports.shape import Chart

PALETTE = [colors.HexColor(c) for c in ("#3b6ea5", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")]


def drawing(chart: Chart, width: float = 480, height: float = 220, font: str | None = None) -> Drawing:
    """The chart as a reportlab Drawing of `width` × `height` points."""
    font = font or fonts.pdf_font_name()
    d = Drawing(width, height)
    d.add(String(width / 2, height - 14, chart.title, fontName=font, fontSize=11, textAnchor="middle"))
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y = 45, 40
    plot.width, plot.height = width - 60 - (110 if len(chart.series) > 1 else 0), height - 75
    data = [[float(v or 0) for v in values] for _, values in chart.series] or [[0.0] * len(chart.categories)]
    plot.data = data
    plot.categoryAxis.categoryNames = [str(c) for c in chart.categories]
    plot.categoryAxis.labels.fontName = plot.valueAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = plot.valueAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30 if len(chart.categories) > 6 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 6 else "n"
    top = max((max(v) for v in data if v), default=0)
    plot.valueAxis.valueMin = 0
    plot.valueAxis.valueMax = top * 1.1 if top > 0 else 1
    if chart.kind == "bar":
        for i in range(len(data)):
            plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
            plot.bars[i].strokeColor = None
    else:
        for i in range(len(data)):
            plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            plot.lines[i].strokeWidth = 1.5
    d.add(plot)
    if len(chart.series) > 1:
        legend = Legend()
        legend.x, legend.y = width - 105, height - 40
        legend.fontName, legend.fontSize = font, 8
        legend.alignment = "right"
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(chart.series)]
        d.add(legend)
    return d


def svg(chart: Chart, width: float = 640, height: float = 260) -> str:
    """The chart as an SVG document (for an <img> on a page)."""
    return renderSVG.drawToString(drawing(chart, width, height))
