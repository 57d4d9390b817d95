"""`unit`: the serial plate label of a sold unit. The serial (a 17-character VIN for vehicles) as a Data Matrix
beside the serial in type and the model, as vehicle makers label VINs; plus a Code 128 of the serial when it fits
the width, for 1D laser scanners. Default stock 50 x 30 mm.

A VIN of letters needs a 60 mm wide Code 128 at the smallest module that scans at 203 dpi, so on 50 mm stock the
Data Matrix is the symbol that always carries the serial (docs/labels.md)."""
from __future__ import annotations

from labels.fields import Fields
from labels.layout import Barcode, DataMatrix, Element, barcode_fits, rows, text

MARGIN = 1.5


def draw(f: Fields, w: float, h: float) -> list[Element]:
    serial = f.code("serial")
    model = f.text("model")

    inner = w - 2 * MARGIN
    if barcode_fits(serial, w):
        bars, block = rows(MARGIN, h - MARGIN, [None, min(15.0, (h - 2 * MARGIN) * 0.55)], gap=0.6)
        side = min(block[1], inner * 0.4)
        serial_row, model_row = rows(block[0], block[0] + block[1], [4.0, None], gap=0.6)
        out: list[Element] = [Barcode(0, bars[0], w, bars[1], serial, "serial", max_module=0.375),
                              text(MARGIN, serial_row[0], inner - side - 1, serial_row[1], serial, size=3.4,
                                   min_size=2.0, field="serial")]
    else:  # the Data Matrix alone carries the serial: the serial in type across the top, the symbol may grow
        serial_row, block = rows(MARGIN, h - MARGIN, [min(6.0, (h - 2 * MARGIN) * 0.25), None], gap=0.8)
        side = min(block[1], inner * 0.45)
        model_row = block
        out = [text(MARGIN, serial_row[0], inner, serial_row[1], serial, size=5.0, min_size=2.0, align="center",
                    middle=True, field="serial")]
    return out + [
        text(MARGIN, model_row[0], inner - side - 1, model_row[1], f"型号 Model {model}", size=2.6, min_size=1.8,
             max_lines=3, field="model"),
        DataMatrix(w - MARGIN - side, block[0], side, serial, "serial"),
    ]
