"""The one font every label is drawn with, in PDF and in bitmaps alike, so that text fitted once fits everywhere.

It must be a CJK TrueType font embedded in the PDF as a subset: reportlab's built-in `STSong-Light` is only a
reference to a font the reader must own, and prints as boxes on a machine without it. Label printers rarely carry
CJK fonts either, so the same font is rasterised for ZPL and TSPL.
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

PDF_NAME = "LabelSans"
CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
# FreeType faces are not safe to use from two threads at once; labels may be rendered by web threads and a worker.
raster_lock = threading.Lock()


@lru_cache(maxsize=None)
def font_file() -> tuple[str, int]:
    """(path, index in a collection): `LABEL_FONT=/path/font.ttc#0` overrides the Debian font packages."""
    override = os.environ.get("LABEL_FONT")
    if override:
        path, _, index = override.partition("#")
        return path, int(index or 0)
    for path, index in CANDIDATES:
        if os.path.exists(path):
            return path, index
    raise RuntimeError(
        "no CJK TrueType font found for labels: install fonts-wqy-microhei (Debian/Ubuntu) "
        "or set LABEL_FONT=/path/to/font.ttc#0"
    )


@lru_cache(maxsize=None)
def _ttfont() -> TTFont:
    path, index = font_file()
    font = TTFont(PDF_NAME, path, subfontIndex=index)
    pdfmetrics.registerFont(font)
    return font


def pdf_font_name() -> str:
    _ttfont()
    return PDF_NAME


@lru_cache(maxsize=None)
def advances() -> tuple[dict[int, float], float]:
    """Per-character advance widths in thousandths of an em, and the width of characters not in the table."""
    face = _ttfont().face
    return face.charWidths, face.defaultWidth


@lru_cache(maxsize=65536)  # words, captions and CJK characters recur from label to label
def _em_width(text: str) -> float:
    widths, default = advances()
    return sum(widths.get(ord(ch), default) for ch in text) / 1000


def text_width(text: str, size: float) -> float:
    """Advance width of `text` at em size `size`, in the unit of `size`: unhinted, so the same at every dpi, and
    the sum of per-character advances (what reportlab draws), so widths of pieces add up."""
    return size * _em_width(text)


def ascent() -> float:
    """Distance from the top of a line to its baseline, as a fraction of the em size."""
    return _ttfont().face.ascent / 1000


def missing_glyphs(text: str) -> str:
    """The characters of `text` the font cannot draw (they would print as empty boxes)."""
    cmap = _ttfont().face.charToGlyph
    return "".join(sorted({ch for ch in text if ord(ch) not in cmap}))


@lru_cache(maxsize=64)
def raster_font(size_px: float) -> ImageFont.FreeTypeFont:
    """The font at an exact (fractional) pixel size, so that rasterised text is as wide as the PDF's."""
    path, index = font_file()
    return ImageFont.truetype(path, size_px, index=index, layout_engine=ImageFont.Layout.BASIC)
