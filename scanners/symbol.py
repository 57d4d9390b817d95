"""What a decode returns: one `Symbol` per barcode read."""
from __future__ import annotations

from dataclasses import asdict, dataclass

# Lower-case names used throughout. GS1-128 is reported as "code128" with gs1=True (likewise GS1 DataMatrix and
# GS1 QR), and its text is the parenthesised human-readable form, e.g. "(01)09501101530003(10)LOT7".
SYMBOLOGIES = ("code128", "code39", "ean13", "ean8", "upca", "itf", "qrcode", "datamatrix")


@dataclass(frozen=True)
class Symbol:
    text: str
    symbology: str
    position: tuple[tuple[int, int], ...]  # corner points in image pixels, clockwise from the code's top-left
    engine: str  # "zxing" or "zbar"
    pass_name: str  # the preprocessing pass whose image the engine read, e.g. "roi:clahe"
    gs1: bool = False

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) around `position`."""
        xs = [p[0] for p in self.position]
        ys = [p[1] for p in self.position]
        return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["position"] = [list(p) for p in self.position]
        return d
