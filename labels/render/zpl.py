"""ZPL II for Zebra printers (and the many printers that emulate ZPL).

Text and QR codes go as `^GFA` hex bitmaps, in which a 1 bit is black: printers rarely carry a CJK font, and a
printer font would not match the metrics the layout was fitted with. Code 128 goes as the native `^BC` with the
module width in `^BY` and explicit subset codes (`>:` start B, `>;` start C, `>5`/`>6` switch to C/B) read from
python-barcode's symbol, so the printer draws exactly the symbol that was measured, and crisply. Data containing
`^`, `~` or `>` (command and invocation characters whose escaping differs between firmware generations) goes as a
bitmap instead, as do EAN/UPC symbols (their pattern is drawn exactly as the PNG draws it).
Lines and boxes are native `^GB`.
"""
from __future__ import annotations

import numpy as np

from labels import linear
from labels.layout import Placed, PlacedBars, PlacedRect
from labels.render import raster

RESERVED = set("^~>")


def native_bars(e: PlacedBars) -> bool:
    return e.symbol.symbology == "code128" and not RESERVED & set(e.data)


def field_data(symbol: linear.Symbol) -> str:
    """^FD content for ^BC in mode N: every subset chosen by python-barcode's encoding, none by the printer."""
    out = []
    for k, (subset, text) in enumerate(linear.code128_runs(symbol)):
        if subset == "C":
            out.append((">5" if k else ">;") + text)
        else:
            out.append((">6" if k else ">:") + text)
    return "".join(out)


def graphic(p: Placed, x: int, y: int, mask: np.ndarray) -> str:
    x, y, mask = raster.clip(x, y, mask, p.width, p.height)
    dx, dy, mask = raster.trim(mask)
    if mask.size == 0:
        return ""
    packed = np.packbits(mask, axis=1)
    total = packed.size
    return f"^FO{x + dx},{y + dy}^GFA,{total},{total},{packed.shape[1]},{packed.tobytes().hex().upper()}^FS\n"


def label(p: Placed) -> bytes:
    out = [f"^XA\n^PW{p.width}^LL{p.height}^LH0,0\n"]
    for e in p.elements:
        if isinstance(e, PlacedBars) and native_bars(e):
            out.append(f"^FO{e.x},{e.y}^BY{e.module}^BCN,{e.h},N,N,N,N^FD{field_data(e.symbol)}^FS\n")
        elif isinstance(e, PlacedRect):
            thickness = min(e.w, e.h) if e.line is None else e.line
            out.append(f"^FO{e.x},{e.y}^GB{e.w},{e.h},{thickness}^FS\n")
        else:
            out.append(graphic(p, *raster.ink(e)))
    out.append("^XZ\n")
    return "".join(out).encode("ascii")
