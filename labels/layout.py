"""Label layout: elements placed in millimetres by a template, then snapped once to a printer's dot grid.

A template builds a `Label` (size and elements in mm) from data, fitting text with the font's metrics. `place()`
turns it into a `Placed` label in whole printer dots for one dpi: barcode modules become whole dots and every
position is rounded once. The PDF, PNG, ZPL and TSPL renderers all draw that same `Placed` label, so the outputs
agree to the dot and a barcode that was checked to fit is the barcode that prints.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from labels import datamatrix, fonts, linear, qr
from labels.errors import LabelError

MM_PER_INCH = 25.4
LINE = 1.15  # line pitch as a multiple of the em size
FIT_MARGIN = 0.97  # fitted text keeps 3% spare width: glyph ink may overhang its advance, hinting thickens
MIN_MODULE_MM = linear.MIN_MODULE_MM["code128"]  # narrowest Code 128 module that scans: 2 dots at 203 dpi
MIN_QR_MODULE_MM = 0.33  # 3 dots at 203 dpi; Data Matrix modules too


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]
    size: float  # em size in mm
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class Barcode:
    """A linear barcode (Code 128 unless `symbology` names a GTIN symbol, see labels.linear) inside a box that
    includes its quiet zones; bars are centred and `h` tall."""

    x: float
    y: float
    w: float
    h: float
    data: str
    field: str | None
    max_module: float = 0.5
    symbology: str = "code128"


@dataclass(frozen=True)
class QRCode:
    """A QR code inside a square box that includes its quiet zone."""

    x: float
    y: float
    size: float
    data: str
    field: str | None


@dataclass(frozen=True)
class DataMatrix:
    """A square Data Matrix (ECC 200) inside a square box that includes its quiet zone."""

    x: float
    y: float
    size: float
    data: str
    field: str | None


@dataclass(frozen=True)
class Rect:
    """A rectangle outline `line` mm thick; a filled bar when `line` is None (rules and table lines)."""

    x: float
    y: float
    w: float
    h: float
    line: float | None = None


Element = Text | Barcode | QRCode | DataMatrix | Rect


@dataclass(frozen=True)
class Label:
    width: float
    height: float
    elements: tuple[Element, ...]


def rows(top: float, bottom: float, heights: list[float | None], gap: float = 0.0) -> list[tuple[float, float]]:
    """(y, h) of stacked rows between top and bottom; rows of height None share what the fixed ones leave."""
    fixed = sum(h for h in heights if h is not None) + gap * (len(heights) - 1)
    flexible = sum(1 for h in heights if h is None)
    share = (bottom - top - fixed) / flexible if flexible else 0.0
    if fixed > bottom - top or (flexible and share < 2.0):
        raise LabelError("bad_value", f"the label is too small for this template: its rows need more than the "
                         f"{bottom - top:.1f} mm available", field="size")
    out, y = [], top
    for h in heights:
        h = share if h is None else h
        out.append((y, h))
        y += h + gap
    return out


_TOKEN = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+")  # one CJK character, a word, or a space run
GLYPH_HEIGHT = 1.02  # ascent + descent of the label font, in em


def _wrap(value: str, size: float, width: float, max_lines: int) -> tuple[str, ...] | None:
    """Greedy wrap at spaces or between CJK characters; None when it needs more than max_lines lines."""
    limit = width / size  # compare in em units: token widths are computed once, at size 1
    lines: list[str] = []
    line, line_w, pending_space = "", 0.0, ""
    for token in _TOKEN.findall(value):
        if token.isspace():
            pending_space = token if line else ""
            continue
        token_w = fonts.text_width(token, 1.0)
        gap_w = fonts.text_width(pending_space, 1.0)
        if line_w + gap_w + token_w <= limit:
            line, line_w = line + pending_space + token, line_w + gap_w + token_w
        elif token_w > limit or len(lines) + 1 >= max_lines:
            return None  # a single word wider than the line, or no line left for the rest
        else:
            lines.append(line)
            line, line_w = token, token_w
        pending_space = ""
    lines.append(line)
    return tuple(lines)


def _lines_that_fit(h: float, size: float) -> int:
    return int((h / size - GLYPH_HEIGHT) / LINE + 1e-9) + 1 if h >= size * GLYPH_HEIGHT - 1e-9 else 0


def text(x: float, y: float, w: float, h: float, value: str, *, size: float, min_size: float | None = None,
         max_lines: int = 1, align: str = "left", middle: bool = False, field: str | None = None) -> Text:
    """Fit `value` in the box: at `size` if it fits, else at the largest size in 0.1 mm steps down to `min_size`,
    wrapped to at most `max_lines`, top-aligned or vertically centred (`middle`). Text that still does not fit is
    refused (too_long), never clipped."""
    width = w * FIT_MARGIN
    smallest = min(size, min_size or size)

    def fit(s: float) -> tuple[str, ...] | None:
        n = min(max_lines, _lines_that_fit(h, s))
        return _wrap(value, s, width, n) if n else None

    steps = [round(size - 0.1 * k, 2) for k in range(int(round((size - smallest) / 0.1)) + 1)]
    if max_lines == 1:  # width is proportional to size: take the largest step that fits, no search needed
        natural = fonts.text_width(value, 1.0)
        steps = [s for s in steps if natural * s <= width and _lines_that_fit(h, s)][:1] or steps[-1:]
    lo, hi, best = 0, len(steps) - 1, None
    while lo <= hi:  # fitting is monotonic in the size: binary-search the largest step that fits
        mid = (lo + hi) // 2
        wrapped = fit(steps[mid])
        if wrapped is not None:
            best, hi = (steps[mid], wrapped), mid - 1
        else:
            lo = mid + 1
    if best is None:
        what = f"field {field!r}" if field else f"text {value!r}"
        raise LabelError("too_long", f"{what} ({len(value)} characters) does not fit its {w:.1f} x {h:.1f} mm "
                         f"space even at {smallest:g} mm type; shorten it or use a larger label", field=field)
    size, lines = best
    if middle:
        used = ((len(lines) - 1) * LINE + GLYPH_HEIGHT) * size
        y, h = y + (h - used) / 2, used
    return Text(x, y, w, h, lines, size, align)


# --- placement on the printer's dot grid ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedText:
    x: int
    y: int
    w: int
    h: int
    size_px: float  # em size in dots, unrounded
    size_mm: float
    lines: tuple[tuple[int, int, str], ...]  # (x, baseline y, text), relative to the box


@dataclass(frozen=True)
class PlacedBars:
    x: int  # the first bar (the quiet zone lies left of it)
    y: int
    w: int
    h: int
    module: int  # dots per module
    data: str
    symbol: linear.Symbol


@dataclass(frozen=True)
class PlacedQR:
    """A 2D symbol (QR code or Data Matrix) as its matrix of modules: every renderer draws both alike."""

    x: int
    y: int
    module: int
    dark: np.ndarray  # modules, without quiet zone

    @property
    def size(self) -> int:
        return self.dark.shape[0] * self.module


@dataclass(frozen=True)
class PlacedRect:
    x: int
    y: int
    w: int
    h: int
    line: int | None


@dataclass(frozen=True)
class Placed:
    dpi: int
    width_mm: float
    height_mm: float
    width: int
    height: int
    elements: tuple[PlacedText | PlacedBars | PlacedQR | PlacedRect, ...]


def dots(mm: float, dpi: int) -> int:
    return int(round(mm * dpi / MM_PER_INCH))


def min_dots(mm: float, dpi: int) -> int:
    """Fewest whole dots at least `mm` wide (with a hair of tolerance: 2 dots at 203 dpi are 0.2502 mm)."""
    return max(1, math.ceil(mm * dpi / MM_PER_INCH - 0.02))


def _place_text(e: Text, dpi: int) -> PlacedText:
    x, y, w, h = dots(e.x, dpi), dots(e.y, dpi), dots(e.w, dpi), dots(e.h, dpi)
    lines = []
    for i, line in enumerate(e.lines):
        width = fonts.text_width(line, e.size)
        offset = {"left": 0.0, "center": (e.w - width) / 2, "right": e.w - width}[e.align]
        baseline = (i * LINE + fonts.ascent()) * e.size
        lines.append((dots(offset, dpi), dots(baseline, dpi), line))
    return PlacedText(x, y, w, h, e.size * dpi / MM_PER_INCH, e.size, tuple(lines))


def _place_bars(e: Barcode, dpi: int) -> PlacedBars:
    try:
        symbol = linear.symbol(e.symbology, e.data)
    except ValueError as exc:
        raise LabelError("unencodable", f"field {e.field!r}: {exc}", field=e.field) from None
    modules, quiet = symbol.modules, linear.QUIET[e.symbology]
    smallest = min_dots(linear.MIN_MODULE_MM[e.symbology], dpi)
    box_w = dots(e.w, dpi)
    module = min(box_w // (modules + 2 * quiet), max(smallest, dots(e.max_module, dpi)))
    if module < smallest:
        need = (modules + 2 * quiet) * smallest * MM_PER_INCH / dpi
        name = "Code 128" if e.symbology == "code128" else e.symbology.upper()
        raise LabelError("too_long", f"field {e.field!r} = {e.data!r} needs a {need:.1f} mm wide {name} at "
                         f"{dpi} dpi (with quiet zones) but the label has {e.w:.1f} mm; shorten it or use a "
                         f"wider label", field=e.field)
    x = dots(e.x, dpi) + (box_w - modules * module) // 2
    return PlacedBars(x, dots(e.y, dpi), modules * module, dots(e.h, dpi), module, e.data, symbol)


def _place_qr(e: QRCode | DataMatrix, dpi: int) -> PlacedQR:
    symbol, kind = (qr, "QR code") if isinstance(e, QRCode) else (datamatrix, "Data Matrix")
    dark = symbol.matrix(e.data)
    n = dark.shape[0]
    box = dots(e.size, dpi)
    module = box // (n + 2 * symbol.QUIET)
    if module < min_dots(MIN_QR_MODULE_MM, dpi):
        raise LabelError("too_long", f"field {e.field!r} = {e.data!r} makes a {n}x{n} {kind} that does not "
                         f"fit {e.size:.1f} mm at a scannable module size; shorten it or use a larger label",
                         field=e.field)
    offset = (box - n * module) // 2
    return PlacedQR(dots(e.x, dpi) + offset, dots(e.y, dpi) + offset, module, dark)


def _place_rect(e: Rect, dpi: int) -> PlacedRect:
    line = None if e.line is None else max(1, dots(e.line, dpi))
    return PlacedRect(dots(e.x, dpi), dots(e.y, dpi), max(1, dots(e.w, dpi)), max(1, dots(e.h, dpi)), line)


def place(label: Label, dpi: int) -> Placed:
    placed = []
    for e in label.elements:
        if isinstance(e, Text):
            placed.append(_place_text(e, dpi))
        elif isinstance(e, Barcode):
            placed.append(_place_bars(e, dpi))
        elif isinstance(e, (QRCode, DataMatrix)):
            placed.append(_place_qr(e, dpi))
        else:
            placed.append(_place_rect(e, dpi))
    return Placed(dpi, label.width, label.height, dots(label.width, dpi), dots(label.height, dpi), tuple(placed))


def barcode_fits(data: str, width: float) -> bool:
    """Whether a Code 128 of `data` fits `width` mm at the minimum module width on every supported printer grid
    (0.254 mm at 300 dpi is the widest), so a template can decide on an optional barcode once for all outputs."""
    modules = linear.symbol("code128", data).modules + 2 * linear.QUIET["code128"]
    return all(modules * min_dots(MIN_MODULE_MM, dpi) * MM_PER_INCH / dpi <= width for dpi in (203, 300))
