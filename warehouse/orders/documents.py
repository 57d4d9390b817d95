"""An order's papers: the parcel labels (the `shipment` template through the print queue) and the order document
in four copies (PDF)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from warehouse.orders.models import Order
from warehouse.printing import services as printing


def shipment_labels(order: Order) -> list[dict]:
    """One `shipment` label per parcel: "parcel n of m" for the dock."""
    parcels = order.parcels or 1
    day = (order.shipped_at or order.created_at).date().isoformat()
    return [{"order_no": order.order_no, "dealer": f"{order.dealer.code} {order.dealer.name}",
             "address": order.dealer.address or order.dealer.name, "parcel": n, "parcels": parcels, "date": day}
            for n in range(1, parcels + 1)]


def queue_shipment_labels(session: Session, *, order: Order, actor: str, printer_url: str) -> int:
    return printing.enqueue(session, template="shipment", items=shipment_labels(order), printer_url=printer_url,
                            actor=actor).id


# The order document (配件销售单) in four copies, one page each, marked for who keeps it. The captions come from the
# shell in the paper's language (Chinese), like every report's.
COPIES = ("finance", "warehouse", "materials", "archive")


def order_pdf(order: Order, *, words: dict[str, str], printed_by: str = "") -> bytes:
    """A4 PDF: the same order on four pages, each with its copy mark (财务联 / 仓库联 / 材料会计联 / 存档联)
    in a box at the top right; lines at the order's prices, net, tax and total."""
    import io
    from html import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from warehouse.reports.pdf_out import font_name

    font = font_name()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{words['title']} {order.order_no}", author=printed_by,
                            creator="warehouse.orders", initialFontName=font)
    avail = A4[0] - 30 * mm
    text = ParagraphStyle("t", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    title = ParagraphStyle("h", fontName=font, fontSize=16, leading=20)
    net = sum((ln.qty * ln.unit_price for ln in order.lines), Decimal("0"))
    d = order.dealer
    head = [
        [f"{words['order_no']}: {order.order_no}", f"{words['date']}: {order.created_at:%Y-%m-%d}"],
        [f"{words['dealer']}: {d.code} {d.name}", f"{words['channel']}: {words.get(order.channel, order.channel)}"
         + (f" {order.reference}" if order.reference else "")],
        [f"{words['address']}: {d.address or ''}", f"{words['invoice_title']}: {d.invoice_title or ''} "
                                                   f"{d.tax_number or ''}"],
    ]
    if order.invoice_no or order.waybill:
        head.append([f"{words['invoice_no']}: {order.invoice_no or ''}",
                     f"{words['waybill']}: {order.carrier or ''} {order.waybill or ''}"])
    grid = [[words["line"], words["part_number"], words["name"], words["qty"], words["shipped"], words["price"],
             words["amount"]]]
    for ln in order.lines:
        grid.append([str(ln.line_no), ln.part.part_number, Paragraph(escape(ln.part.name), text), f"{ln.qty}",
                     f"{ln.picked}", f"{ln.unit_price:,.2f}", f"{ln.qty * ln.unit_price:,.2f}"])
    grid.append(["", words["net"], "", "", "", "", f"{net:,.2f}"])
    grid.append(["", words["tax"], "", "", "", "", f"{order.total - net:,.2f}"])
    grid.append(["", words["total"], "", "", "", "", f"{order.total:,.2f}"])
    widths = [w * avail for w in (0.06, 0.18, 0.30, 0.08, 0.08, 0.13, 0.17)]
    style = TableStyle([("FONT", (0, 0), (-1, -1), font, 9), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                        ("ALIGN", (3, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("SPAN", (1, -3), (5, -3)), ("SPAN", (1, -2), (5, -2)), ("SPAN", (1, -1), (5, -1))])
    story = []
    for i, copy in enumerate(COPIES):
        mark = Table([[words[copy]]], colWidths=[34 * mm], rowHeights=[10 * mm])
        mark.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 13), ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                                  ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        top = Table([[Paragraph(words["title"], title), mark]], colWidths=[avail - 34 * mm, 34 * mm])
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
        info = Table([[Paragraph(escape(a), text), Paragraph(escape(b), text)] for a, b in head],
                     colWidths=[avail / 2] * 2)
        info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        lines = Table(grid, colWidths=widths, repeatRows=1)
        lines.setStyle(style)
        signs = Table([[f"{words['made_by']}: {order.created_by}", f"{words['shipped_by']}: "
                        f"{order.shipped_by or '________'}", f"{words['received_by']}: ________"]],
                      colWidths=[avail / 3] * 3)
        signs.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10)]))
        story += [top, Spacer(1, 4 * mm), info, Spacer(1, 4 * mm), lines, Spacer(1, 12 * mm), signs,
                  Spacer(1, 4 * mm), Paragraph(f"{words['page_of']} {i + 1}/{len(COPIES)} · {words[copy]}", text)]
        if i < len(COPIES) - 1:
            story.append(PageBreak())
    doc.build(story)
    return out.getvalue()
