"""A label printer on 127.0.0.1 for tests, benchmarks and anyone without hardware.

It accepts raw TCP jobs like a port-9100 printer, answers ZPL `~HS` and TSPL `ESC ! ?` as real ones do, records each
complete label (a real printer would print it), and can be told to misbehave the ways real printers do:

    down           not listening (connection refused), until told otherwise
    refuse         accepts, then closes at once
    close_mid_job  stops after `cut_after` bytes of the connection: answers what it read, closes its side, and
                   ignores the rest; labels completed before the cut are kept (they would print)
    reset          answers the status query before the job, then reads and discards the job and closes cleanly
                   when asked for status again (the silent loss of port 9100)

Status flags: `paper_out`, `head_open`, `paused` are reported in the answers; `mute` stops answering (as Zebra
printers do while out of paper). Run one with `python -m labels testprinter --port 9100 --lang zpl --out DIR`.
"""
from __future__ import annotations

import os
import socket
import threading

from labels.streams import Reader

MODES = ("ok", "down", "refuse", "close_mid_job", "reset")


class TestPrinter:
    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, lang: str = "zpl", *, port: int = 0, host: str = "127.0.0.1", out_dir: str | None = None):
        self.lang, self.host, self.port, self.out_dir = lang, host, port, out_dir
        self.labels: list[bytes] = []
        self.connections = 0
        self.paper_out = self.head_open = self.paused = self.mute = False
        self.mode, self.times, self.cut_after = "ok", None, 0
        self._changed = threading.Condition()
        self._listener: socket.socket | None = None
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    def url(self, timeout: float = 2.0) -> str:
        return f"tcp://{self.host}:{self.port}?lang={self.lang}&timeout={timeout:g}"

    # --- life cycle -------------------------------------------------------------------------------------------

    def start(self) -> TestPrinter:
        self._listen()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._close_listener()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> TestPrinter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), name=f"testprinter-{self.port}",
                                          daemon=True)
        self._acceptor.start()

    def _close_listener(self) -> None:
        """Stop listening, and wait until the port really refuses connections."""
        listener, self._listener = self._listener, None
        if listener is not None:
            self._acceptor.join()  # it sees `_listener` changed within one accept timeout
            listener.close()

    # --- behaviour ------------------------------------------------------------------------------------------

    def misbehave(self, mode: str, *, times: int | None = None, cut_after: int = 0) -> None:
        """Behave as `mode` for the next `times` connections (for ever when None); "ok" restores good manners."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        with self._changed:
            self.mode, self.times, self.cut_after = mode, times, cut_after
        if mode == "down":
            self._close_listener()
        elif self._listener is None and not self._stopped.is_set():
            self._listen()

    def _next_mode(self) -> str:
        with self._changed:
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "ok", None
            self.connections += 1
            return mode

    def answer(self) -> bytes:
        """The status answer a printer in this state gives."""
        if self.lang == "tspl":
            return bytes([self.head_open * 0x01 | self.paper_out * 0x04 | self.paused * 0x10])
        return (f"\x02030,{self.paper_out:d},{self.paused:d},0240,000,0,0,0,000,0,0,0\x03\r\n"
                f"\x02001,0,{self.head_open:d},0,0,2,6,0,00000000,1,000\x03\r\n"
                f"\x021234,0\x03\r\n").encode("ascii")

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until at least `count` labels have been received."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.labels) >= count, timeout)

    # --- serving --------------------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set() and self._listener is listener:
            try:
                conn, _ = listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return  # listener closed: "down" or stopped
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        mode = self._next_mode()
        with conn:
            if mode == "refuse":
                return
            conn.settimeout(0.2)
            reader, received, job_started = Reader(self.lang), 0, False
            while not self._stopped.is_set():
                try:
                    data = conn.recv(65536)
                except (TimeoutError, socket.timeout):
                    continue
                except OSError:
                    return
                if not data:
                    return
                cut = mode == "close_mid_job" and received + len(data) >= self.cut_after
                if cut:
                    data = data[:max(self.cut_after - received, 0)]
                received += len(data)
                for kind, payload in reader.feed(data):
                    if kind == "label":
                        job_started = True
                        if mode != "reset":
                            self._record(payload)
                    elif mode == "reset" and job_started:
                        conn.shutdown(socket.SHUT_RDWR)  # a clean close, and no answer: the job is gone
                        return
                    elif not self.mute:
                        conn.sendall(self.answer())
                job_started = job_started or bool(reader.pending)
                if cut:
                    conn.shutdown(socket.SHUT_WR)  # answers already sent still reach the host
                    self._discard(conn)
                    return

    def _discard(self, conn: socket.socket) -> None:
        """Read and drop until the host closes: closing with unread data would reset the connection, and a reset
        destroys answers still in flight."""
        while not self._stopped.is_set():
            try:
                if not conn.recv(65536):
                    return
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return

    def _record(self, label: bytes) -> None:
        with self._changed:
            self.labels.append(label)
            number = len(self.labels)
            self._changed.notify_all()
        if self.out_dir:
            os.makedirs(self.out_dir, exist_ok=True)
            path = os.path.join(self.out_dir, f"label-{self.port}-{number:06d}.{self.lang}")
            with open(path + ".part", "wb") as f:
                f.write(label)
            os.replace(path + ".part", path)
