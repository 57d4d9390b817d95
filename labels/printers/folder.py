"""A folder as a printer: `file:///ABSOLUTE/DIR` or `file://RELATIVE/DIR`, `?lang=pdf|zpl|tspl`.

The default printer of a fresh install and the fake of tests. Each job is written to a temporary file in the same
folder and renamed to a unique name, so a reader (a person, a hot-folder print service) never sees half a job.
"""
from __future__ import annotations

import os
import re
import tempfile
import uuid
from datetime import datetime, timezone

from labels.printers.base import PrinterError, PrinterStatus


class FolderPrinter:
    def __init__(self, url: str, path: str, *, lang: str, dpi: int, size_mm):
        self.url, self.path = url, path
        self.lang, self.dpi, self.size_mm = lang, dpi, size_mm

    def send(self, job: bytes, *, name: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]
        final = os.path.join(self.path, f"{stamp}-{safe}-{uuid.uuid4().hex[:8]}.{self.lang}")
        try:
            os.makedirs(self.path, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path, prefix=".", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(job)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temp, final)
            except BaseException:
                os.unlink(temp)
                raise
        except OSError as err:
            raise PrinterError(f"cannot write to {self.path}: {err}", retryable=True,
                               status=PrinterStatus.unreachable(str(err))) from None

    def find(self, name: str) -> str | None:
        """The file a job sent under `name` was written to (the newest, if sent twice), or None."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]
        try:
            found = sorted(f for f in os.listdir(self.path)
                           if f.endswith(f".{self.lang}") and f"-{safe}-" in f and not f.startswith("."))
        except OSError:
            return None
        return os.path.join(self.path, found[-1]) if found else None

    def status(self) -> PrinterStatus:
        existing = os.path.abspath(self.path)
        while not os.path.exists(existing):  # the folder is created on the first job
            existing = os.path.dirname(existing)
        if os.path.isdir(existing) and os.access(existing, os.W_OK | os.X_OK):
            return PrinterStatus(reachable=True, ready=True, detail=f"writes to {os.path.abspath(self.path)}")
        return PrinterStatus.unreachable(f"{self.path} is not writable")
