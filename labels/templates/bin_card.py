"""`bin_card`: the card that hangs on a shelf and records movements by hand. Location, part, a QR code (and a Code
128 when it fits) of the card code `BC:<bin>:<part number>`, and a ruled table for entries. Default 60 x 90 mm."""
from __future__ import annotations

from labels.errors import LabelError
from labels.fields import Fields
from labels.layout import Barcode, Element, QRCode, Rect, barcode_fits, rows, text

MARGIN = 2.0
ROW = 6.0  # room for a handwritten entry
COLUMNS = (("日期 Date", 0.2), ("单号 Ref", 0.26), ("入 In", 0.16), ("出 Out", 0.16), ("结存 Bal", 0.22))
LINE = 0.2


def draw(f: Fields, w: float, h: float) -> list[Element]:
    location = f.code("location")
    part_number = f.code("part_number")
    name = f.text("name")
    name_en = f.text("name_en", required=False)
    opening = f.count("opening_balance", required=False)
    card_code = f.code("card_code")
    if card_code != f"BC:{location}:{part_number}":
        raise LabelError("bad_value", f"bin_card: field 'card_code' = {card_code!r} must be "
                         f"'BC:{location}:{part_number}'", field="card_code")

    inner = w - 2 * MARGIN
    bars = barcode_fits(card_code, w)
    heights = [3.6, 7.5, min(24.0, inner * 0.42)] + ([8.0] if bars else []) + [None]
    boxes = iter(rows(MARGIN, h - MARGIN, heights, gap=1.0))
    out: list[Element] = []
    y, bh = next(boxes)
    out.append(text(MARGIN, y, inner, bh, "货位卡 BIN CARD", size=3.2, align="center"))
    y, bh = next(boxes)
    out.append(text(MARGIN, y, inner, bh, location, size=7.0, min_size=4.0, align="center", field="location"))
    y, side = next(boxes)
    out.append(QRCode(MARGIN, y, side, card_code, "card_code"))
    column_x, column_w = MARGIN + side + 1, inner - side - 1
    pn, nm, en = rows(y, y + side, [4.0, 6.6, 5.4], gap=0.6)
    out.append(text(column_x, pn[0], column_w, pn[1], part_number, size=3.4, min_size=2.2, field="part_number"))
    out.append(text(column_x, nm[0], column_w, nm[1], name, size=3.0, min_size=2.0, max_lines=2, field="name"))
    if name_en:
        out.append(text(column_x, en[0], column_w, en[1], name_en, size=2.4, min_size=1.7, max_lines=2,
                        field="name_en"))
    if bars:
        y, bh = next(boxes)
        out.append(Barcode(0, y, w, bh, card_code, "card_code", max_module=0.375))
    y, bh = next(boxes)
    out += _table(MARGIN, y, inner, bh, opening)
    return out


def _table(x: float, y: float, w: float, h: float, opening: int | None) -> list[Element]:
    """Header row, then ruled rows to the bottom; the first row holds the opening balance when there is one."""
    count = int(h // ROW)
    if count < 3:
        raise LabelError("bad_value", "bin_card: the label is too short for a movement table", field="size")
    height = count * ROW
    out: list[Element] = [Rect(x, y, w, height, line=LINE)]
    left = x
    for caption, share in COLUMNS:
        out.append(text(left + 0.5, y, w * share - 1.0, ROW, caption, size=2.4, min_size=1.8, middle=True))
        left += w * share
        if left < x + w - 0.1:
            out.append(Rect(left, y, LINE, height))
    for k in range(1, count):
        out.append(Rect(x, y + k * ROW, w, LINE))
    if opening is not None:
        ref_x = x + w * COLUMNS[0][1]
        bal_x = x + w * (1 - COLUMNS[-1][1])
        out.append(text(ref_x + 0.5, y + ROW, w * COLUMNS[1][1] - 1.0, ROW, "期初 Opening", size=2.4,
                        min_size=1.6, middle=True))
        out.append(text(bal_x + 0.5, y + ROW, w * COLUMNS[-1][1] - 1.0, ROW, str(opening), size=2.8,
                        min_size=1.6, align="right", middle=True, field="opening_balance"))
    return out
