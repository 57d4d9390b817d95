"""`unit`: the serial plate label of a sold unit. Serial as Code 128 and as a QR code, with the model.
Default stock 50 x 30 mm."""
from __future__ import annotations

from labels.fields import Fields
from labels.layout import Barcode, Element, QRCode, rows, text

MARGIN = 1.5


def draw(f: Fields, w: float, h: float) -> list[Element]:
    serial = f.code("serial")
    model = f.text("model")

    inner = w - 2 * MARGIN
    bars, block = rows(MARGIN, h - MARGIN, [None, min(15.0, (h - 2 * MARGIN) * 0.55)], gap=0.6)
    qr_side = block[1]
    column = inner - qr_side - 1
    serial_row, model_row = rows(block[0], block[0] + block[1], [4.0, None], gap=0.6)
    return [
        Barcode(0, bars[0], w, bars[1], serial, "serial", max_module=0.375),
        text(MARGIN, serial_row[0], column, serial_row[1], serial, size=3.4, min_size=2.0, field="serial"),
        text(MARGIN, model_row[0], column, model_row[1], f"型号 Model {model}", size=2.6, min_size=1.8,
             max_lines=3, field="model"),
        QRCode(w - MARGIN - qr_side, block[0], qr_side, serial, "serial"),
    ]
