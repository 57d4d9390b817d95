"""Placed elements as 1-bit ink masks (True = ink) on the printer's dot grid, and whole labels as PNG.

ZPL and TSPL take text and QR codes as bitmaps cut from these same masks, so the PNG preview, the PDF (drawn from
the same placed geometry) and the printer output agree to the dot.
"""
from __future__ import annotations

import io
import math
import re
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from labels import fonts
from labels.layout import Placed, PlacedBars, PlacedQR, PlacedRect, PlacedText


@lru_cache(maxsize=16384)
def glyph(ch: str, size_px: float) -> tuple[int, int, np.ndarray]:
    """(dx, dy, mask) of one character rendered by FreeType (hinted, 1-bit) with its pen origin at (0, 0).
    Rendering each glyph once and placing it by the font's own advances is several times faster than laying out
    every string anew, and puts each glyph where the PDF puts it (to the nearest dot)."""
    with fonts.raster_lock:
        font = fonts.raster_font(size_px)
        left, top, right, bottom = font.getbbox(ch, anchor="ls")
        if right <= left or bottom <= top:
            return 0, 0, np.zeros((0, 0), dtype=bool)
        image = Image.new("1", (right - left, bottom - top), 0)
        ImageDraw.Draw(image).text((-left, -top), ch, font=font, fill=1, anchor="ls")
    mask = np.asarray(image, dtype=bool)
    mask.setflags(write=False)
    return left, top, mask


_WORDS = re.compile(r"\S+|\s+")


@lru_cache(maxsize=8192)  # words and captions recur from label to label
def word_ink(word: str, size_px: float) -> tuple[int, int, np.ndarray, float]:
    """(dx, dy, mask, advance) of a run of characters without spaces, each glyph at its pen position rounded to a
    whole dot, measured from the word's own pen origin."""
    widths, default = fonts.advances()
    scale = size_px / 1000
    placed, pen = [], 0.0
    for ch in word:
        dx, dy, mask = glyph(ch, size_px)
        if mask.size:
            placed.append((round(pen) + dx, dy, mask))
        pen += widths.get(ord(ch), default) * scale
    if not placed:
        return 0, 0, np.zeros((0, 0), dtype=bool), pen
    left, top = min(x for x, _, _ in placed), min(y for _, y, _ in placed)
    right = max(x + m.shape[1] for x, _, m in placed)
    bottom = max(y + m.shape[0] for _, y, m in placed)
    canvas = np.zeros((bottom - top, right - left), dtype=bool)
    for x, y, mask in placed:
        blit(canvas, x - left, y - top, mask)
    canvas.setflags(write=False)
    return left, top, canvas, pen


@lru_cache(maxsize=2048)  # whole texts recur too: captions, and copies of a label
def text_ink(t: PlacedText) -> tuple[int, int, np.ndarray]:
    """(x, y, mask). The mask overhangs the text box by a quarter em: accents and hinted strokes may rise above
    the ascent line, and clipping them would drop the top stroke of characters like 王."""
    pad = math.ceil(t.size_px / 4)
    canvas = np.zeros((t.h + 2 * pad, t.w + 2 * pad), dtype=bool)
    for x, baseline, line in t.lines:
        pen = float(x + pad)
        for word in _WORDS.findall(line):
            if word.isspace():
                pen += fonts.text_width(word, t.size_px)
                continue
            dx, dy, mask, advance = word_ink(word, t.size_px)
            if mask.size:
                blit(canvas, round(pen) + dx, baseline + pad + dy, mask)
            pen += advance
    canvas.setflags(write=False)
    return t.x - pad, t.y - pad, canvas


def bars_ink(b: PlacedBars) -> np.ndarray:
    """The symbol's module pattern, each module `module` dots wide, `h` rows tall."""
    modules = np.frombuffer(b.symbol.pattern.encode("ascii"), dtype=np.uint8) == ord("1")
    return np.broadcast_to(np.repeat(modules, b.module), (b.h, b.w))


def qr_ink(q: PlacedQR) -> np.ndarray:
    return np.kron(q.dark, np.ones((q.module, q.module), dtype=bool))


def rect_ink(r: PlacedRect) -> np.ndarray:
    ink = np.ones((r.h, r.w), dtype=bool)
    if r.line is not None:
        ink[r.line:r.h - r.line, r.line:r.w - r.line] = False
    return ink


def ink(e: PlacedText | PlacedBars | PlacedQR | PlacedRect) -> tuple[int, int, np.ndarray]:
    """(x, y, mask) of one element on the label."""
    if isinstance(e, PlacedText):
        return text_ink(e)
    if isinstance(e, PlacedBars):
        return e.x, e.y, bars_ink(e)
    if isinstance(e, PlacedQR):
        return e.x, e.y, qr_ink(e)
    return e.x, e.y, rect_ink(e)


def trim(mask: np.ndarray) -> tuple[int, int, np.ndarray]:
    """(dx, dy, the smallest sub-mask holding all ink): bitmaps sent to a printer carry no blank margins."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return 0, 0, mask[:0, :0]
    cols = np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def clip(x: int, y: int, mask: np.ndarray, width: int, height: int) -> tuple[int, int, np.ndarray]:
    """The part of a mask at (x, y) that lies on a width x height label (printers refuse negative origins)."""
    x0, y0 = max(x, 0), max(y, 0)
    return x0, y0, mask[y0 - y:max(height - y, 0), x0 - x:max(width - x, 0)]


def blit(canvas: np.ndarray, x: int, y: int, mask: np.ndarray) -> None:
    """OR `mask` into `canvas` at (x, y), clipped to the canvas."""
    h, w = mask.shape
    if x >= 0 and y >= 0 and x + w <= canvas.shape[1] and y + h <= canvas.shape[0]:
        canvas[y:y + h, x:x + w] |= mask
        return
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, canvas.shape[1]), min(y + h, canvas.shape[0])
    if x0 < x1 and y0 < y1:
        canvas[y0:y1, x0:x1] |= mask[y0 - y:y1 - y, x0 - x:x1 - x]


def label_ink(p: Placed) -> np.ndarray:
    canvas = np.zeros((p.height, p.width), dtype=bool)
    for e in p.elements:
        blit(canvas, *ink(e))
    return canvas


def png(p: Placed) -> bytes:
    image = Image.fromarray(~label_ink(p))  # mode "1": white paper, black ink
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(p.dpi, p.dpi))
    return buf.getvalue()
