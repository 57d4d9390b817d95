"""TSPL for TSC printers and the Gprinter/Xprinter families that speak it.

Everything but rules goes as `BITMAP` (mode 0, overwrite), in which a 0 bit is black: the opposite polarity of
ZPL's ^GFA. Barcodes go as bitmaps too: TSPL's "128M" manual-subset syntax is documented loosely and implemented
unevenly by the clones, while BITMAP is drawn identically by all of them and pins the module width to whole dots.
Rules and frames are `BAR` rectangles. Each label is self-contained (SIZE … PRINT), so a job can be resumed at
any label. Gap or black-mark sensing is left to the printer's own calibration.
"""
from __future__ import annotations

import numpy as np

from labels.layout import Placed, PlacedRect
from labels.render import raster


def bitmap(p: Placed, x: int, y: int, mask: np.ndarray) -> bytes:
    x, y, mask = raster.clip(x, y, mask, p.width, p.height)
    dx, dy, mask = raster.trim(mask)
    if mask.size == 0:
        return b""
    packed = ~np.packbits(mask, axis=1)  # 0 = black; inverting after packing turns the row padding white too
    height, width_bytes = packed.shape
    return f"BITMAP {x + dx},{y + dy},{width_bytes},{height},0,".encode("ascii") + packed.tobytes() + b"\r\n"


def bars(r: PlacedRect) -> list[str]:
    if r.line is None:
        return [f"BAR {r.x},{r.y},{r.w},{r.h}"]
    t = r.line
    return [f"BAR {r.x},{r.y},{r.w},{t}", f"BAR {r.x},{r.y + r.h - t},{r.w},{t}",
            f"BAR {r.x},{r.y},{t},{r.h}", f"BAR {r.x + r.w - t},{r.y},{t},{r.h}"]


def label(p: Placed) -> bytes:
    out = [f"SIZE {p.width_mm:g} mm,{p.height_mm:g} mm\r\nCLS\r\n".encode("ascii")]
    for e in p.elements:
        if isinstance(e, PlacedRect):
            out.append("".join(f"{cmd}\r\n" for cmd in bars(e)).encode("ascii"))
        else:
            out.append(bitmap(p, *raster.ink(e)))
    out.append(b"PRINT 1,1\r\n")
    return b"".join(out)
