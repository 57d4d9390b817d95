"""`bin`: the shelf label of a storage bin. The code in large type, readable from a metre, a QR code and, when it
fits, a Code 128 for 1D laser scanners. Default stock 60 x 40 mm."""
from __future__ import annotations

from labels.fields import Fields
from labels.layout import Barcode, Element, QRCode, barcode_fits, rows, text

MARGIN = 1.5
STORES = {"NEW": "新件库 NEW", "RETURNED": "旧件库 RETURNED"}


def draw(f: Fields, w: float, h: float) -> list[Element]:
    code = f.code("code")
    store = f.text("store", required=False)

    inner = w - 2 * MARGIN
    out: list[Element] = []
    if barcode_fits(code, w):
        qr_side = min(inner * 0.4, (h - 2 * MARGIN) * 0.55)
        top, bars, bottom = rows(MARGIN, h - MARGIN, [qr_side, None, 2.8], gap=1.0)
        out.append(Barcode(0, bars[0], w, bars[1], code, "code", max_module=0.5))
    else:  # the QR code alone carries the code, so it may grow
        top, bottom = rows(MARGIN, h - MARGIN, [None, 2.8], gap=1.0)
        qr_side = min(top[1], inner * 0.45)
    out += [
        QRCode(MARGIN, top[0], qr_side, code, "code"),
        text(MARGIN + qr_side + 1, top[0], inner - qr_side - 1, top[1], code, size=10, min_size=4.0, max_lines=2,
             align="center", middle=True, field="code"),
        text(MARGIN, bottom[0], inner * 0.4, bottom[1], "货位 BIN", size=2.5),
    ]
    if store:
        out.append(text(MARGIN + inner * 0.4, bottom[0], inner * 0.6, bottom[1], STORES.get(store.upper(), store),
                        size=2.5, min_size=1.8, align="right", field="store"))
    return out
