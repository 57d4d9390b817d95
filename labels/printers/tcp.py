"""Raw TCP (port 9100, "JetDirect"): `tcp://HOST[:PORT]?lang=zpl|tspl`.

Port 9100 has no acknowledgement: a printer that resets mid-job lets sendall() succeed and the connection close
cleanly, and the labels are gone. So the driver asks for status before the job (a printer that does not answer, or
answers paper out / head open / paused, gets nothing) and after every label (a query costs no round trip: the
answers are read as they arrive). An answer proves the printer read the stream up to that query; the job counts
as taken only when every label has been answered, and a retry resumes after the last answered label.
"""
from __future__ import annotations

import select
import socket
import time

from labels.printers.base import PrinterError, PrinterStatus
from labels.printers.status import Answers
from labels.streams import STATUS_QUERY, JobError, split_labels

# Labels sent ahead of their status answers. Pipelining keeps a batch from costing a round trip per label; the
# bound keeps an abortive close (which can destroy answers in flight) from repeating more than this many labels.
WINDOW = 8
NO_ANSWER = "no status answer (out of paper or ribbon, head open, or not a {lang} printer)"


class TcpPrinter:
    def __init__(self, url: str, host: str, port: int, *, lang: str, dpi: int, size_mm, timeout: float):
        self.url, self.host, self.port = url, host, port
        self.lang, self.dpi, self.size_mm, self.timeout = lang, dpi, size_mm, timeout

    def _connect(self) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as err:
            detail = f"cannot connect to {self.host}:{self.port}: {err.strerror or err}"
            raise PrinterError(detail, retryable=True, status=PrinterStatus.unreachable(detail)) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _read(self, sock: socket.socket, answers: Answers, wait: float) -> list[PrinterStatus] | None:
        """Answers that arrive within `wait` seconds; None when the printer closed the connection."""
        readable, _, _ = select.select([sock], [], [], wait)
        if not readable:
            return []
        data = sock.recv(65536)
        return answers.feed(data) if data else None

    def _ask(self, sock: socket.socket) -> PrinterStatus | None:
        sock.sendall(STATUS_QUERY[self.lang])
        answers, deadline = Answers(self.lang), time.monotonic() + self.timeout
        while (remaining := deadline - time.monotonic()) > 0:
            got = self._read(sock, answers, remaining)
            if got is None:
                return None
            if got:
                return got[-1]
        return None

    def status(self) -> PrinterStatus:
        try:
            sock = self._connect()
        except PrinterError as err:
            return err.status
        with sock:
            try:
                answer = self._ask(sock)
            except OSError as err:
                return PrinterStatus.unreachable(f"connection failed: {err}")
        return answer or PrinterStatus(reachable=True, ready=False, detail=NO_ANSWER.format(lang=self.lang.upper()))

    def send(self, job: bytes, *, name: str) -> None:
        try:
            labels = split_labels(job, self.lang)
        except JobError as err:
            raise PrinterError(f"{name}: not a {self.lang} job: {err}", retryable=False) from None
        with self._connect() as sock:
            try:
                before = self._ask(sock)
            except OSError as err:
                raise PrinterError(f"connection failed before the job: {err}", retryable=True) from None
            if before is None:
                detail = NO_ANSWER.format(lang=self.lang.upper())
                raise PrinterError(f"{detail}; nothing was sent", retryable=True,
                                   status=PrinterStatus(reachable=True, ready=False, detail=detail))
            if not before.ready:
                raise PrinterError(f"printer not ready ({before.detail}); nothing was sent", retryable=True,
                                   status=before)
            confirmed, reason = self._deliver(sock, labels)
        if confirmed < len(labels):
            raise PrinterError(f"printer confirmed {confirmed} of {len(labels)} labels: {reason}", retryable=True,
                               delivered=confirmed)

    def _deliver(self, sock: socket.socket, labels: list[bytes]) -> tuple[int, str]:
        """Send each label followed by a status query, with at most WINDOW labels unanswered at a time, and count
        the answers (including those still arriving after a failure). Returns (labels confirmed, why short)."""
        answers, confirmed, sent = Answers(self.lang), 0, 0
        query = STATUS_QUERY[self.lang]

        def wait_until(target: int, patience: float) -> str:
            """Read answers until `target` are in (with patience 0: only those that have already arrived). Returns
            why the connection is over, or ""."""
            nonlocal confirmed
            deadline = time.monotonic() + patience
            while confirmed < target:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and patience:
                    return f"no status answer within {self.timeout:g} s"
                try:
                    got = self._read(sock, answers, max(remaining, 0))
                except OSError as err:
                    return f"connection failed mid-job: {err.strerror or err}"
                if got is None:
                    return "the printer closed the connection mid-job"
                if not got and not patience:
                    return ""
                if got:
                    confirmed += len(got)
                    deadline = time.monotonic() + patience  # still answering: allow the next one as long
            return ""

        reason = ""
        try:
            for label in labels:
                sock.sendall(label + query)
                sent += 1
                reason = wait_until(sent - WINDOW + 1, self.timeout) or wait_until(sent, 0)
                if reason:
                    break
        except OSError as err:
            reason = f"connection failed mid-job: {err.strerror or err}"
        reason = wait_until(sent, self.timeout) or reason  # answers to what was sent may still be on their way
        return min(confirmed, sent), reason
