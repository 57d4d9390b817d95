"""A real MJPEG camera for tests: multipart/x-mixed-replace JPEG frames over HTTP on 127.0.0.1."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOUNDARY = "frame-boundary"


class MjpegCamera:
    """Serves `parts` (JPEG bytes, or any bytes to simulate a broken frame) at `fps` on GET /stream.

    After the last part it repeats the last one (`then="repeat"`) or drops the connection (`then="close"`).
    `port=0` picks an ephemeral port; pass a previous camera's port to "reboot" the same camera.
    """

    def __init__(self, parts: list[bytes], *, fps: float = 15.0, then: str = "repeat", port: int = 0,
                 with_length: bool = True):
        self.parts, self.fps, self.then, self.with_length = parts, fps, then, with_length
        camera = self
        self.closing = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/stream":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.end_headers()
                i = 0
                try:
                    while not camera.closing.is_set():
                        if i >= len(camera.parts) and camera.then == "close":
                            return
                        part = camera.parts[min(i, len(camera.parts) - 1)]
                        head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                        if camera.with_length:
                            head += f"Content-Length: {len(part)}\r\n"
                        self.wfile.write(head.encode() + b"\r\n" + part + b"\r\n")
                        self.wfile.flush()
                        i += 1
                        time.sleep(1 / camera.fps)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/stream"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
