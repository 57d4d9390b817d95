"""Frame sources: where camera frames come from. Nothing is opened until `frames()` is iterated.

`open_source(spec)` picks one from a spec string (the CAMERA_SOURCE setting):
- "0", "1", ...           a USB camera (V4L2 device index), through OpenCV;
- "rtsp://..."            a network camera's RTSP stream, through OpenCV's FFmpeg backend with timeouts;
- "http(s)://..."         an HTTP camera: a multipart/x-mixed-replace MJPEG stream, parsed here (no FFmpeg, with
                          socket timeouts, so a dead camera is noticed in seconds), or a snapshot URL that
                          answers one JPEG per request, which is polled;
- a video file            read through OpenCV; finite;
- an image file / folder  the image, or every image in the folder in name order; finite.

`frames()` raises SourceError when the source cannot be opened or stops delivering; a finite source simply ends.
The watcher decides about reconnecting.
"""
from __future__ import annotations

import base64
import http.client
import logging
import os
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import cv2
import numpy as np

from scanners.errors import ImageError
from scanners.images import decode_bytes, load_gray

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
READ_TIMEOUT_S = 5.0


class SourceError(Exception):
    """The source could not be opened, or stopped delivering frames."""


class FrameSource:
    """A camera or a recording. `finite` sources end; live ones run until they fail."""

    finite = False

    def __init__(self, spec: str):
        self.spec = spec

    def frames(self) -> Iterator[np.ndarray]:
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.spec!r})"


class CaptureSource(FrameSource):
    """Anything OpenCV's VideoCapture opens: a device index, an RTSP URL, a video file."""

    def __init__(self, spec: str, target, *, finite: bool):
        super().__init__(spec)
        self.target = target
        self.finite = finite

    def frames(self):
        if isinstance(self.target, str) and self.target.startswith("rtsp"):
            params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(READ_TIMEOUT_S * 1000),
                      cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(READ_TIMEOUT_S * 1000)]
            cap = cv2.VideoCapture(self.target, cv2.CAP_FFMPEG, params)
        else:
            cap = cv2.VideoCapture(self.target)
        try:
            if not cap.isOpened():
                raise SourceError(f"cannot open {self.spec}")
            while True:
                ok, frame = cap.read()
                if not ok or frame is None:
                    if self.finite:
                        return
                    raise SourceError(f"{self.spec} stopped delivering frames")
                yield frame
        finally:
            cap.release()


class ImageFilesSource(FrameSource):
    """One image file, or the images of a folder in name order. Unreadable files are skipped with a warning."""

    finite = True

    def __init__(self, spec: str, paths: list[Path]):
        super().__init__(spec)
        self.paths = paths

    def frames(self):
        for path in self.paths:
            try:
                yield load_gray(path)
            except ImageError as exc:
                log.warning("skipping %s", exc)


class HttpSource(FrameSource):
    """An HTTP camera: MJPEG (multipart/x-mixed-replace) stream, or a JPEG snapshot URL polled `poll_s` apart."""

    def __init__(self, spec: str, *, timeout: float = READ_TIMEOUT_S, poll_s: float = 0.1):
        super().__init__(spec)
        self.url = urlsplit(spec)
        self.timeout = timeout
        self.poll_s = poll_s

    def _connect(self):
        cls = http.client.HTTPSConnection if self.url.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.url.hostname, self.url.port, timeout=self.timeout)
        path = self.url.path or "/"
        if self.url.query:
            path += "?" + self.url.query
        headers = {"Accept": "multipart/x-mixed-replace, image/jpeg, */*"}
        if self.url.username:
            token = f"{self.url.username}:{self.url.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise SourceError(f"cannot connect to {self.url.hostname}:{self.url.port or ''}: {exc}") from None
        if resp.status != 200:
            conn.close()
            raise SourceError(f"{self.spec} answered HTTP {resp.status} {resp.reason}")
        return conn, resp

    def frames(self):
        conn, resp = self._connect()
        ctype = resp.getheader("Content-Type", "")
        try:
            if ctype.startswith("multipart/"):
                yield from self._multipart(resp, ctype)
                raise SourceError(f"{self.spec} closed the stream")
            while True:  # a snapshot URL: one image per request
                frame = self._image(resp.read())
                if frame is not None:
                    yield frame
                conn.close()
                time.sleep(self.poll_s)
                conn, resp = self._connect()
        except (OSError, http.client.HTTPException) as exc:
            raise SourceError(f"{self.spec}: {exc or type(exc).__name__}") from None
        finally:
            conn.close()

    def _image(self, data: bytes) -> np.ndarray | None:
        try:
            return decode_bytes(data)
        except ImageError as exc:
            log.warning("bad frame from %s: %s", self.spec, exc)
            return None

    def _multipart(self, resp, ctype: str):
        boundary = None
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "boundary":
                boundary = value.strip('"').encode()
        if not boundary:
            raise SourceError(f"{self.spec}: multipart stream without a boundary")
        # Cameras disagree on whether the header's boundary already carries the leading "--": compare without.
        key = boundary.lstrip(b"-")
        fp = resp.fp
        while True:
            line = fp.readline(1024)
            if not line:
                return
            line = line.strip()
            if not line.lstrip(b"-").startswith(key):
                continue
            if line.endswith(key + b"--"):  # the closing delimiter
                return
            length = None
            while True:  # part headers
                header = fp.readline(1024)
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is not None:
                data = fp.read(length)
                if len(data) < length:
                    return
            else:  # no length: the JPEG runs until its end-of-image marker
                chunks = []
                while not (chunks and chunks[-1].rstrip().endswith(b"\xff\xd9")):
                    chunk = fp.readline(65536)
                    if not chunk:
                        return
                    chunks.append(chunk)
                data = b"".join(chunks).rstrip(b"\r\n")
            frame = self._image(data)
            if frame is not None:
                yield frame


def open_source(spec) -> FrameSource:
    """A FrameSource for `spec` (see the module docstring). Raises SourceError for a spec that names nothing."""
    spec = str(spec).strip()
    if spec.isdigit():
        return CaptureSource(spec, int(spec), finite=False)
    scheme = urlsplit(spec).scheme.lower()
    if scheme in ("http", "https"):
        return HttpSource(spec)
    if scheme in ("rtsp", "rtsps", "rtmp"):
        return CaptureSource(spec, spec, finite=False)
    path = Path(spec)
    if path.is_dir():
        paths = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not paths:
            raise SourceError(f"{spec}: folder has no images")
        return ImageFilesSource(spec, paths)
    if path.is_file():
        if path.suffix.lower() in IMAGE_SUFFIXES:
            return ImageFilesSource(spec, [path])
        return CaptureSource(spec, str(path), finite=True)
    raise SourceError(f"{spec}: no such file, folder, device index or camera URL")


def default_spec() -> str | None:
    """The configured camera (CAMERA_SOURCE), or None."""
    return os.environ.get("CAMERA_SOURCE") or None
