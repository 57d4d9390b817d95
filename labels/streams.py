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
_BITMAP_HEADER = re.compile(rb"BITMAP\s*-?\d+\s*,\s*-?\d+\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*\d+\s*,")


class JobError(ValueError):
    """The bytes are not a job in the language they claim to be."""


class Reader:
    """Incremental: feed() bytes as they arrive, get ("status", b"") and ("label", bytes) events in stream order."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"no stream reader for {lang!r}")
        self.lang = lang
        self.buffer = bytearray()  # bytes of the label in progress
        self.pos = 0  # how far the buffer has been parsed

    @property
    def pending(self) -> bytes:
        """Bytes of a label not yet complete (whitespace between labels excluded)."""
        return bytes(self.buffer).strip()

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        self.buffer += data
        return self._zpl() if self.lang == "zpl" else self._tspl()

    def _zpl(self) -> list[tuple[str, bytes]]:
        events = []
        query = STATUS_QUERY["zpl"]
        while True:
            start = max(self.pos - 2, 0)  # a terminator may straddle two reads
            hs, xz = self.buffer.find(query, start), self.buffer.find(b"^XZ", start)
            if hs >= 0 and (xz < 0 or hs < xz):
                del self.buffer[hs:hs + 3]
                self.pos = hs
                events.append(("status", b""))
            elif xz >= 0:
                label = bytes(self.buffer[:xz + 3]).strip()
                del self.buffer[:xz + 3]
                self.pos = 0
                if not label.startswith(b"^XA"):
                    raise JobError(f"ZPL format does not start with ^XA: {label[:40]!r}")
                events.append(("label", label))
            else:
                self.pos = len(self.buffer)
                return events

    def _tspl(self) -> list[tuple[str, bytes]]:
        events = []
        query = STATUS_QUERY["tspl"]
        while True:
            rest = self.buffer[self.pos:]
            if rest[:1] == b"\x1b":
                if len(rest) < 3:
                    return events
                if bytes(rest[:3]) != query:
                    raise JobError(f"unknown TSPL escape {bytes(rest[:3])!r}")
                del self.buffer[self.pos:self.pos + 3]
                events.append(("status", b""))
                continue
            end = self._command_end(rest)
            if end is None:
                return events
            command = bytes(rest[:end]).strip()
            self.pos += end
            if command.startswith(b"PRINT"):
                events.append(("label", bytes(self.buffer[:self.pos]).lstrip()))  # keeps PRINT's line end
                del self.buffer[:self.pos]
                self.pos = 0

    @staticmethod
    def _command_end(rest: bytearray) -> int | None:
        """Length of the first command in `rest`, line end included; None while it is incomplete."""
        header = _BITMAP_HEADER.match(rest.lstrip())
        if header is not None:
            skipped = len(rest) - len(rest.lstrip())
            end = skipped + header.end() + int(header[1]) * int(header[2])
            if len(rest) < end + 2:
                return None
            return end + 2 if rest[end:end + 2] == b"\r\n" else end
        if rest.lstrip()[:6] == b"BITMAP" and b"\n" not in rest:
            return None  # its header may still be arriving
        newline = rest.find(b"\n")
        return None if newline < 0 else newline + 1


def split_labels(job: bytes, lang: str) -> list[bytes]:
    """The labels of a whole ZPL or TSPL job, each a complete unit a printer prints on its own."""
    reader = Reader(lang)
    labels = [data for kind, data in reader.feed(job) if kind == "label"]
    if reader.pending:
        raise JobError(f"{lang} job ends inside a label: {reader.pending[:40]!r}")
    return labels
