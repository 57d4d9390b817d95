"""One renderer per output, each drawing the same placed labels (see labels.layout): PDF, PNG, ZPL II, TSPL."""
from __future__ import annotations

from labels.layout import Placed
from labels.render import pdf, raster, tspl, zpl

FORMATS = ("pdf", "png", "zpl", "tspl")


def render(labels: list[Placed], fmt: str) -> bytes:
    """All labels as one job: a multi-page PDF, concatenated ^XA…^XZ formats, or TSPL blocks each ending in PRINT.
    PNG is a preview of a single label."""
    if fmt == "pdf":
        return pdf.document(labels)
    if fmt == "zpl":
        return b"".join(zpl.label(p) for p in labels)
    if fmt == "tspl":
        return b"".join(tspl.label(p) for p in labels)
    (single,) = labels
    return raster.png(single)
