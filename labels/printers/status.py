"""Printer status queries and their answers: ZPL `~HS` (three <STX>…<ETX> strings) and TSPL `ESC ! ?` (one byte).

Answers are parsed incrementally because the TCP driver follows every label with a query and counts the answers
as they come back: each answer proves the printer has read the stream up to its query.
"""
from __future__ import annotations

from labels.printers.base import PrinterStatus

STX, ETX = 0x02, 0x03
# ESC ! ? answer bits, TSC's documented meanings; 0x20 is "printing", which is no fault.
TSPL_BITS = {0x01: "head open", 0x02: "paper jam", 0x04: "paper out", 0x08: "ribbon out", 0x10: "paused",
             0x80: "other error"}


def zpl_status(strings: list[bytes]) -> PrinterStatus:
    """~HS string 1 `aaa,b,c,…` (b paper out, c paused) and string 2 `mmm,n,o,p,…` (o head up, p ribbon out)."""
    first = strings[0].decode("ascii", "replace").split(",")
    second = strings[1].decode("ascii", "replace").split(",")
    flag = lambda fields, k: len(fields) > k and fields[k].strip() == "1"  # noqa: E731
    paper_out, paused, head_open, ribbon_out = flag(first, 1), flag(first, 2), flag(second, 2), flag(second, 3)
    faults = [name for name, on in (("paper out", paper_out), ("paused", paused), ("head open", head_open),
                                    ("ribbon out", ribbon_out)) if on]
    return PrinterStatus(reachable=True, ready=not faults, paper_out=paper_out, head_open=head_open, paused=paused,
                         detail=", ".join(faults) or "ready")


def tspl_status(byte: int) -> PrinterStatus:
    faults = [name for bit, name in TSPL_BITS.items() if byte & bit]
    return PrinterStatus(reachable=True, ready=not faults, paper_out=bool(byte & 0x04), head_open=bool(byte & 0x01),
                         paused=bool(byte & 0x10), detail=", ".join(faults) or "ready")


class Answers:
    """Feed bytes read from the printer; get one PrinterStatus per complete answer."""

    def __init__(self, lang: str):
        self.lang = lang
        self.buffer = bytearray()
        self.strings: list[bytes] = []

    def feed(self, data: bytes) -> list[PrinterStatus]:
        if self.lang == "tspl":
            return [tspl_status(b) for b in data]
        self.buffer += data
        out = []
        while True:
            start, end = self.buffer.find(STX), self.buffer.find(ETX)
            if start < 0 or end < 0:
                return out
            if end < start:  # noise before a string
                del self.buffer[:start]
                continue
            self.strings.append(bytes(self.buffer[start + 1:end]))
            del self.buffer[:end + 1]
            if len(self.strings) == 3:
                out.append(zpl_status(self.strings))
                self.strings = []
