"""CUPS through the `lp` client: `cups://QUEUE` (local scheduler) or `cups://SERVER/QUEUE`, `?lang=pdf|zpl|tspl`.

ZPL and TSPL go with `-o raw` (the queue must pass them through untouched); PDF is printed by the queue's driver.
The job counts as taken when `lp` reports a request id: CUPS has then spooled it to disk and owns the delivery.
"""
from __future__ import annotations

import re
import subprocess

from labels.printers.base import PrinterError, PrinterStatus

PERMANENT = ("does not exist", "unknown printer", "invalid destination", "not found")  # no retry will fix these


class CupsPrinter:
    def __init__(self, url: str, queue: str, server: str | None, *, lang: str, dpi: int, size_mm, timeout: float):
        self.url, self.queue, self.server = url, queue, server
        self.lang, self.dpi, self.size_mm, self.timeout = lang, dpi, size_mm, timeout

    def _server_args(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    def send(self, job: bytes, *, name: str) -> None:
        cmd = ["lp", *self._server_args(), "-d", self.queue, "-t", name]
        if self.lang != "pdf":
            cmd += ["-o", "raw"]
        try:
            done = subprocess.run(cmd, input=job, capture_output=True, timeout=max(self.timeout, 30))
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PrinterError(f"cannot run lp: {err}", retryable=True) from None
        out = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
        if done.returncode != 0 or not re.search(r"request id is", out):
            permanent = any(p in out.lower() for p in PERMANENT)
            raise PrinterError(f"CUPS queue {self.queue!r} refused the job: {out or done.returncode}",
                               retryable=not permanent, status=PrinterStatus.unreachable(out))

    def status(self) -> PrinterStatus:
        try:
            done = subprocess.run(["lpstat", *self._server_args(), "-p", self.queue], capture_output=True,
                                  timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired) as err:
            return PrinterStatus.unreachable(f"cannot run lpstat: {err}")
        out = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
        if done.returncode != 0:
            return PrinterStatus.unreachable(out or f"lpstat exited {done.returncode}")
        paused = "disabled" in out
        return PrinterStatus(reachable=True, ready=not paused, paused=paused, detail=out.splitlines()[0])
