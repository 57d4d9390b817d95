"""CodeWatcher: read a camera continuously and report each code once while it stays in view.

Two threads. The reader pulls frames from the source as fast as it delivers them and keeps only the newest in a
one-frame slot, so a slow decode never builds a queue of stale frames (the lag stays one frame). The decoder takes
whatever frame is newest, decodes it within its time budget, and reports codes. For a finite source (a video file,
an image folder) the slot is handed over losslessly instead, so every frame is decoded and the watcher ends when
the recording does.

A code is reported when it appears and then not again until it has been out of view for `holdoff` seconds. A live
source that fails is reopened with exponential back-off (reported as disconnected, reconnecting, connected);
a frame that cannot be decoded is logged and skipped.
"""
from __future__ import annotations

import datetime as _dt
import functools
import logging
import threading
import time

from scanners.sources import FrameSource, SourceError, open_source

log = logging.getLogger(__name__)


def _now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


WATCH_BUDGET_MS = 50.0  # per frame: a code in view stays for many frames, so no frame needs the full budget


class CodeWatcher:
    def __init__(self, spec, *, holdoff: float = 2.0, on_event=None, reconnect_backoff=(0.5, 8.0),
                 budget_ms: float | None = None, decode=None, itf_lengths=None):
        self.spec = str(spec)
        self.holdoff = holdoff
        self.on_event = on_event or (lambda event: None)
        self.backoff = reconnect_backoff
        self.budget_ms = WATCH_BUDGET_MS if budget_ms is None else budget_ms
        if decode is None:
            from scanners.pipeline import decode
        self._decode = decode if itf_lengths is None else functools.partial(decode, itf_lengths=itf_lengths)
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._slot_lock = threading.Condition()
        self._frame = None
        self._reader_done = False
        self._last_seen: dict[tuple[str, str], float] = {}
        self._threads: list[threading.Thread] = []
        self.frames_read = 0
        self.frames_decoded = 0

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> "CodeWatcher":
        source = open_source(self.spec)  # a spec that names nothing fails here, in the caller's thread
        self._threads = [threading.Thread(target=self._read, args=(source,), name="scan-reader", daemon=True),
                         threading.Thread(target=self._work, name="scan-decoder", daemon=True)]
        for t in self._threads:
            t.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        with self._slot_lock:
            self._slot_lock.notify_all()
        for t in self._threads:
            t.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a finite source has been fully decoded (True) or `timeout` passes (False)."""
        return self._ended.wait(timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- events -------------------------------------------------------------------------------------------------

    def _emit(self, event: dict) -> None:
        try:
            self.on_event(event)
        except Exception:  # a broken callback must not kill the camera threads
            log.exception("scan event handler failed")

    def _status(self, state: str, detail: str = "") -> None:
        self._emit({"type": "status", "state": state, "detail": detail, "at": _now_iso(), "source": self.spec})

    # --- reader -------------------------------------------------------------------------------------------------

    def _read(self, source: FrameSource) -> None:
        delay = self.backoff[0]
        try:
            while not self._stop.is_set():
                connected = False
                try:
                    for frame in source.frames():
                        if not connected:
                            connected, delay = True, self.backoff[0]
                            self._status("connected", repr(source))
                        self.frames_read += 1
                        self._put(frame, lossless=source.finite)
                        if self._stop.is_set():
                            return
                    if source.finite:
                        return
                    raise SourceError(f"{self.spec} ended")
                except SourceError as exc:
                    if self._stop.is_set():
                        return
                    self._status("disconnected", str(exc))
                except Exception as exc:  # a backend error: treat like a disconnect, never die
                    log.exception("frame source %s failed", self.spec)
                    self._status("disconnected", f"{type(exc).__name__}: {exc}")
                self._status("reconnecting", f"retrying in {delay:.1f} s")
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self.backoff[1])
        finally:
            with self._slot_lock:
                self._reader_done = True
                self._slot_lock.notify_all()

    def _put(self, frame, *, lossless: bool) -> None:
        with self._slot_lock:
            if lossless:
                while self._frame is not None and not self._stop.is_set():
                    self._slot_lock.wait(0.5)
            self._frame = frame  # a live source overwrites: only the newest frame is worth decoding
            self._slot_lock.notify_all()

    # --- decoder ------------------------------------------------------------------------------------------------

    def _take(self):
        with self._slot_lock:
            while self._frame is None and not self._reader_done and not self._stop.is_set():
                self._slot_lock.wait(0.5)
            frame, self._frame = self._frame, None
            self._slot_lock.notify_all()
            return frame

    def _work(self) -> None:
        while not self._stop.is_set():
            frame = self._take()
            if frame is None:
                if self._reader_done and not self._stop.is_set():
                    self._status("ended", f"{self.frames_read} frames read, {self.frames_decoded} decoded")
                    self._ended.set()
                    return
                continue
            try:
                symbols = self._decode(frame, budget_ms=self.budget_ms)
            except Exception as exc:  # a bad frame is skipped, never fatal
                log.warning("frame from %s not decoded: %s", self.spec, exc)
                continue
            self.frames_decoded += 1
            self._report(symbols, time.monotonic())

    def _report(self, symbols, now: float) -> None:
        for sym in symbols:
            # By text alone: a label may carry the same text twice (a bin label's Code 128 and its QR code), and the
            # decoder now reads every code in the picture; the clerk scanned one thing.
            key = sym.text
            last = self._last_seen.get(key)
            self._last_seen[key] = now
            if last is None or now - last > self.holdoff:
                self._emit({"type": "code", "text": sym.text, "symbology": sym.symbology, "gs1": sym.gs1,
                            "at": _now_iso(), "source": self.spec})
        for key in [k for k, t in self._last_seen.items() if now - t > self.holdoff]:
            del self._last_seen[key]  # keeps the table small on a long-running camera
