"""`part`: the label stuck on a received part or its box. Code 128 of the part number, Chinese and English name,
bin and date. Default stock 50 x 30 mm."""
from __future__ import annotations

from labels.fields import Fields
from labels.layout import Barcode, Element, rows, text

MARGIN = 1.5


def draw(f: Fields, w: float, h: float) -> list[Element]:
    part_number = f.code("part_number")
    name = f.text("name")
    name_en = f.text("name_en", required=False)
    location = f.text("location", required=False)
    date = f.date("date")

    inner = w - 2 * MARGIN
    heights = [3.6, 2.7] if name_en else [3.6]
    boxes = iter(rows(MARGIN, h - MARGIN, [*heights, None, 3.3, 2.7], gap=0.4))
    out: list[Element] = []
    y, bh = next(boxes)
    out.append(text(MARGIN, y, inner, bh, name, size=3.4, min_size=2.0, field="name"))
    if name_en:
        y, bh = next(boxes)
        out.append(text(MARGIN, y, inner, bh, name_en, size=2.5, min_size=1.8, field="name_en"))
    y, bh = next(boxes)
    out.append(Barcode(0, y, w, bh, part_number, "part_number", max_module=0.375))  # quiet zones reach the edge
    y, bh = next(boxes)
    out.append(text(MARGIN, y, inner, bh, part_number, size=3.2, min_size=2.0, align="center",
                    field="part_number"))
    y, bh = next(boxes)
    if location:
        out.append(text(MARGIN, y, inner * 0.64, bh, f"货位 {location}", size=2.5, min_size=1.8, field="location"))
    out.append(text(w - MARGIN - inner * 0.34, y, inner * 0.34, bh, date, size=2.5, min_size=1.8, align="right",
                    field="date"))
    return out
