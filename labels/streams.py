"""Reading ZPL and TSPL job streams the way a printer does: where each label ends, and where a status query sits.

The TCP driver splits a job into labels so that it can follow each one with a status query (and resume a job at
the first label the printer did not confirm); the test printer reads the stream on the other end of the socket.
Both need only what labels.render emits: ZPL formats ^XA…^XZ with `~HS` between them, TSPL commands one per line
(BITMAP followed by its binary payload) with each label ending in PRINT, and `ESC ! ?` between them.
"""
from __future__ import annotations

import re

LANGS = ("zpl", "tspl")
STATUS_QUERY = {"zpl": b"~HS", "tspl": b"\x1b!?"}
_BITMAP_HEADER = re.compile(rb"\s*BITMAP\s*-?\d+\s*,\s*-?\d+\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*\d+\s*,")
_BITMAP_START = re.compile(rb"\s*BITMAP")
_WORD = re.compile(rb"\s*([A-Z]+)")
LONGEST_HEADER = 64  # bytes; a BITMAP header not complete by then is malformed


class JobError(ValueError):
    """The bytes are not a job in the language they claim to be."""


class Reader:
    """Incremental: feed() bytes as they arrive, get ("status", b"") and ("label", bytes) events in stream order.

    The buffer is scanned by index and compacted once per feed(), so reading a job costs time in proportion to
    its length, however many labels it holds."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"no stream reader for {lang!r}")
        self.lang = lang
        self.buffer = bytearray()
        self.start = 0  # where the label in progress begins
        self.pos = 0  # how far the buffer has been parsed

    @property
    def pending(self) -> bytes:
        """Bytes of a label not yet complete (whitespace between labels excluded)."""
        return bytes(self.buffer[self.start:]).strip()

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        self.buffer += data
        events = self._zpl() if self.lang == "zpl" else self._tspl()
        del self.buffer[:self.start]
        self.pos -= self.start
        self.start = 0
        return events

    def _label(self, end: int) -> tuple[str, bytes]:
        label = bytes(self.buffer[self.start:end]).lstrip()
        self.start = self.pos = end
        return "label", label

    def _zpl(self) -> list[tuple[str, bytes]]:
        events = []
        query = STATUS_QUERY["zpl"]
        while True:
            scan = max(self.pos - 2, self.start)  # a terminator may straddle two reads
            xz = self.buffer.find(b"^XZ", scan)
            hs = self.buffer.find(query, scan, len(self.buffer) if xz < 0 else xz)  # only before the next ^XZ
            if hs >= 0:
                del self.buffer[hs:hs + 3]
                self.pos = hs
                events.append(("status", b""))
            elif xz >= 0:
                self.pos = xz + 3
                kind, label = self._label(self.pos)
                if not label.startswith(b"^XA"):
                    raise JobError(f"ZPL format does not start with ^XA: {label[:40]!r}")
                events.append((kind, label))
            else:
                self.pos = len(self.buffer)
                return events

    def _tspl(self) -> list[tuple[str, bytes]]:
        events = []
        query = STATUS_QUERY["tspl"]
        buf = self.buffer
        while True:
            pos = self.pos
            if buf[pos:pos + 1] == b"\x1b":
                if len(buf) - pos < 3:
                    return events
                if buf[pos:pos + 3] != query:
                    raise JobError(f"unknown TSPL escape {bytes(buf[pos:pos + 3])!r}")
                del buf[pos:pos + 3]
                events.append(("status", b""))
                continue
            end = self._command_end(pos)
            if end is None:
                return events
            word = _WORD.match(buf, pos)
            self.pos = end
            if word is not None and word[1] == b"PRINT":
                events.append(self._label(end))  # the label keeps PRINT's line end

    def _command_end(self, pos: int) -> int | None:
        """End of the command at `pos`, line end included; None while it is incomplete."""
        buf = self.buffer
        header = _BITMAP_HEADER.match(buf, pos)
        if header is not None:
            end = header.end() + int(header[1]) * int(header[2])
            if len(buf) < end + 2:
                return None
            return end + 2 if buf[end:end + 2] == b"\r\n" else end
        if _BITMAP_START.match(buf, pos):
            if len(buf) - pos < LONGEST_HEADER:
                return None  # its header may still be arriving
            raise JobError(f"malformed TSPL BITMAP header: {bytes(buf[pos:pos + 40])!r}")
        newline = buf.find(b"\n", pos)
        return None if newline < 0 else newline + 1


def split_labels(job: bytes, lang: str) -> list[bytes]:
    """The labels of a whole ZPL or TSPL job, each a complete unit a printer prints on its own."""
    reader = Reader(lang)
    labels = [data for kind, data in reader.feed(job) if kind == "label"]
    if reader.pending:
        raise JobError(f"{lang} job ends inside a label: {reader.pending[:40]!r}")
    return labels
