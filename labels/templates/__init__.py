"""The label templates: each turns one label's data into elements laid out in millimetres, once for every output.

A template is a function `(fields, width, height) -> elements`; its default size is the stock it was drawn for, and a
printer loaded with other stock passes its own size (the rows stretch; text and barcodes are re-checked for fit).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from labels.errors import LabelError
from labels.fields import Fields
from labels.layout import Element, Label
from labels.templates import bin, bin_card, part, returned_part, shipment, unit

MIN_SIDE, MAX_SIDE = 20.0, 300.0


@dataclass(frozen=True)
class Template:
    name: str
    size: tuple[float, float]  # default width x height in mm
    main_field: str  # the data field the main barcode encodes
    draw: Callable[[Fields, float, float], list[Element]]


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template("part", (50, 30), "part_number", part.draw),
        Template("bin", (60, 40), "code", bin.draw),
        Template("returned_part", (60, 40), "claim_no", returned_part.draw),
        Template("unit", (50, 30), "serial", unit.draw),
        Template("shipment", (100, 150), "order_no", shipment.draw),
        Template("bin_card", (60, 90), "card_code", bin_card.draw),
    )
}


def get(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except (KeyError, TypeError):
        raise LabelError("unknown_template", f"unknown label template {name!r}; known: "
                         f"{', '.join(TEMPLATES)}") from None


def label_size(template: Template, size_mm: tuple[float, float] | None) -> tuple[float, float]:
    if size_mm is None:
        return template.size
    try:
        width, height = (float(v) for v in size_mm)
    except (TypeError, ValueError):
        raise LabelError("bad_value", f"label size must be (width, height) in mm, not {size_mm!r}",
                         field="size") from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise LabelError("bad_value", f"label size {width:g} x {height:g} mm is outside {MIN_SIDE:g}..{MAX_SIDE:g} "
                         f"mm", field="size")
    return width, height


def build(name: str, data: object, size_mm: tuple[float, float] | None = None) -> Label:
    template = get(name)
    width, height = label_size(template, size_mm)
    return Label(width, height, tuple(template.draw(Fields(name, data), width, height)))
