"""Scannable labels for parts, bins, returned parts, units, shipments and bin cards, rendered to PDF, PNG, ZPL II
and TSPL from one layout, and the printers that take them.

Nouns: a template (labels.templates) lays one label's data out in millimetres; labels.layout snaps it to a
printer's dot grid; labels.render draws that one placement in each output; labels.printers sends jobs and reads
printer status. Invariant: bad data raises LabelError while the label is laid out, before any byte is rendered,
so a caller can validate everything before it queues anything. Imports nothing of the application and no Flask;
opens no socket at import time.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from labels import templates
from labels.errors import LabelError
from labels.layout import Placed, place
from labels.render import FORMATS, render as _render

TEMPLATES: tuple[str, ...] = tuple(templates.TEMPLATES)
DPI_RANGE = (100, 600)

__all__ = ["FORMATS", "TEMPLATES", "LabelError", "render", "render_batch", "validate"]


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise LabelError("bad_value", f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}", field="format")


def _check_dpi(dpi: int) -> None:
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise LabelError("bad_value", f"dpi must be a whole number of dots per inch such as 203 or 300, not "
                         f"{dpi!r}", field="dpi")


def _placed(template: str, data: Mapping, dpi: int, size_mm: tuple[float, float] | None) -> Placed:
    return place(templates.build(template, data, size_mm), dpi)


def validate(template: str, data: Mapping, *, dpi: int = 203, size_mm: tuple[float, float] | None = None) -> None:
    """Raise LabelError (code unknown_template, missing_field, too_long, unencodable or bad_value) if `data` cannot
    make a scannable `template` label at `dpi` on `size_mm` stock (the template's default size when None)."""
    _check_dpi(dpi)
    _placed(template, data, dpi, size_mm)


def render(template: str, data: Mapping, *, fmt: str, dpi: int = 203,
           size_mm: tuple[float, float] | None = None) -> bytes:
    """One label as a PDF page, a PNG, a ZPL format or a TSPL block."""
    _check_format(fmt)
    _check_dpi(dpi)
    return _render([_placed(template, data, dpi, size_mm)], fmt)


def render_batch(template: str, items: Sequence[Mapping], *, fmt: str, dpi: int = 203,
                 size_mm: tuple[float, float] | None = None) -> bytes:
    """Many labels as one job (multi-page PDF, concatenated ZPL formats, successive TSPL PRINTs). Every item is
    laid out before anything is rendered; an error names the label by its position."""
    _check_format(fmt)
    _check_dpi(dpi)
    templates.get(template)
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence) or not items:
        raise LabelError("bad_value", "a batch needs a non-empty list of label data", field="items")
    if fmt == "png" and len(items) > 1:
        raise LabelError("bad_value", "a PNG holds one label; render a batch as pdf, zpl or tspl", field="format")
    placed = []
    for k, item in enumerate(items):
        try:
            placed.append(_placed(template, item, dpi, size_mm))
        except LabelError as err:
            raise err.at(k) from None
    return _render(placed, fmt)
