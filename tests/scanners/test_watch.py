"""The watcher against real streams on 127.0.0.1: MJPEG over HTTP, a camera that reboots, files and folders."""
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import time
from pathlib import Path

import cv2
import pytest

from scanners import synth
from scanners.sources import HttpSource, SourceError, open_source
from scanners.watch import CodeWatcher

from .mjpeg import MjpegCamera

ROOT = Path(__file__).resolve().parents[2]


def _jpeg(image) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()


@pytest.fixture(scope="module")
def scenes():
    """Three label photos (different symbologies) and a photo with no code, as JPEG bytes, with their texts."""
    kinds = ("code128", "qrcode", "datamatrix")
    samples = [synth.sample("label", kind, "easy", 3) for kind in kinds]
    blank = synth.sample("negative", None, "easy", 0).image[:960, :1280]
    return [(_jpeg(s.image), s.truths[0].text) for s in samples], _jpeg(blank)


class Events:
    def __init__(self):
        self.items, self.cond = [], threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def wait_for(self, predicate, timeout):
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self.items), timeout)

    def codes(self):
        return [e["text"] for e in self.items if e["type"] == "code"]

    def states(self):
        return [e["state"] for e in self.items if e["type"] == "status"]


def test_mjpeg_stream_reports_each_code_once(scenes):
    """`python -m scanners watch http://…` as a subprocess: each code held in view ~1.5 s is printed once; a broken
    frame in the stream does not stop it."""
    codes, blank = scenes
    parts = []
    for jpeg, _ in codes:
        parts += [jpeg] * 20 + [b"\xff\xd8 not really a jpeg"] + [blank] * 2
    with MjpegCamera(parts, fps=15) as cam:
        proc = subprocess.Popen([sys.executable, "-m", "scanners", "watch", cam.url, "--holdoff", "1.0",
                                 "--max-seconds", "30"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        lines, deadline = [], time.monotonic() + 25
        try:
            # The stream lasts ~4.6 s; then it repeats the blank frame, so nothing more may appear.
            while time.monotonic() < deadline and len(lines) < len(codes):
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(json.loads(line))
            time.sleep(1.5)
        finally:
            proc.terminate()
            out, err = proc.communicate(timeout=20)
    lines += [json.loads(line) for line in out.splitlines()]
    assert [e["text"] for e in lines] == [text for _, text in codes]
    assert all(e["type"] == "code" and e["source"] == cam.url for e in lines)
    status = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert status[0]["state"] == "connected"


def test_camera_that_reboots_is_reconnected(scenes):
    """The server drops the stream and is gone for a while, then comes back on the same port: the watcher reports
    disconnected, keeps retrying with back-off, reports connected and reads the new code."""
    (first, first_text), (second, second_text), _ = scenes[0]
    events = Events()
    cam = MjpegCamera([first] * 15, fps=15, then="close").__enter__()
    port = cam.port
    watcher = CodeWatcher(cam.url, holdoff=1.0, on_event=events, reconnect_backoff=(0.1, 0.4)).start()
    try:
        assert events.wait_for(lambda ev: any(e.get("state") == "disconnected" for e in ev), 20)
        cam.stop()  # the camera is off: connection refused for a while
        assert events.wait_for(lambda ev: sum(e.get("state") == "reconnecting" for e in ev) >= 3, 20)
        with MjpegCamera([second] * 30, fps=15, port=port):
            assert events.wait_for(lambda ev: second_text in [e.get("text") for e in ev], 20)
    finally:
        watcher.stop()
    states = events.states()
    assert events.codes() == [first_text, second_text]
    assert states[:3] == ["connected", "disconnected", "reconnecting"]
    assert states.count("connected") == 2
    refused = [e["detail"] for e in events.items if e.get("state") == "disconnected"][1:]
    assert refused and all("cannot connect" in d for d in refused)


def test_stream_without_content_length(scenes):
    (jpeg, text), _, _ = scenes[0]
    with MjpegCamera([jpeg] * 3, fps=30, with_length=False, then="close") as cam:
        frames = []
        with pytest.raises(SourceError, match="closed the stream"):
            for frame in HttpSource(cam.url).frames():
                frames.append(frame)
    assert len(frames) == 3 and frames[0].shape == (960, 1280)


def test_http_errors_are_source_errors(scenes):
    with MjpegCamera([scenes[1]], fps=30) as cam:
        with pytest.raises(SourceError, match="HTTP 404"):
            next(HttpSource(cam.url.replace("/stream", "/nothing")).frames())


def test_image_folder_is_finite_and_skips_bad_files(tmp_path, scenes):
    codes, _ = scenes
    for i, (jpeg, _) in enumerate(codes):
        (tmp_path / f"{i:02d}.jpg").write_bytes(jpeg)
    (tmp_path / "01b.jpg").write_bytes(codes[0][0][:2000])  # truncated: skipped, not fatal
    (tmp_path / "notes.txt").write_text("ignored")
    events = Events()
    with CodeWatcher(str(tmp_path), on_event=events) as watcher:
        assert watcher.wait(30)
    assert events.codes() == [text for _, text in codes]
    assert events.states() == ["connected", "ended"]


def test_video_file_through_the_cli(tmp_path):
    path = tmp_path / "shelf.avi"
    scenes = synth.write_video(path, seconds=2.4, fps=5, hold=4, base_seed=3)
    # A generous budget makes the result independent of how busy the machine is.
    proc = subprocess.run([sys.executable, "-m", "scanners", "watch", str(path), "--budget-ms", "10000"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    expected = [t.text for _, truths in scenes for t in truths]
    assert len(expected) == 2  # two shelf scenes with a code, then one without
    assert [e["text"] for e in printed] == expected  # every frame decoded, each code once
    assert [e["gs1"] for e in printed] == [False, True]
    assert '"ended"' in proc.stderr


def test_watch_needs_a_source():
    env = {k: v for k, v in os.environ.items() if k != "CAMERA_SOURCE"}
    proc = subprocess.run([sys.executable, "-m", "scanners", "watch"], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 2 and "CAMERA_SOURCE" in proc.stderr


@pytest.mark.parametrize("spec, kind", [("0", "CaptureSource"), ("rtsp://127.0.0.1:1/x", "CaptureSource"),
                                        ("http://127.0.0.1:1/x", "HttpSource")])
def test_open_source_does_not_open_anything(spec, kind):
    assert type(open_source(spec)).__name__ == kind  # nothing is connected until frames() is iterated


def test_unknown_spec():
    with pytest.raises(SourceError, match="no such file"):
        open_source("/nonexistent/camera")


def test_snapshot_url_is_polled(scenes):
    """An HTTP camera that answers one JPEG per request (a snapshot URL) is polled like a stream."""
    (jpeg, text), _, _ = scenes[0]
    requests = []

    class Snapshot(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(jpeg)))
            self.end_headers()
            self.wfile.write(jpeg)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Snapshot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = HttpSource(f"http://127.0.0.1:{server.server_address[1]}/snap.jpg", poll_s=0.01)
        frames = []
        for frame in source.frames():
            frames.append(frame)
            if len(frames) == 3:
                break
    finally:
        server.shutdown()
        server.server_close()
    assert len(requests) == 3 and frames[0].shape == (960, 1280)


def test_missing_usb_camera_is_retried_not_fatal():
    events = Events()
    watcher = CodeWatcher("9", on_event=events, reconnect_backoff=(0.05, 0.1)).start()
    try:
        assert events.wait_for(lambda ev: sum(e.get("state") == "reconnecting" for e in ev) >= 2, 20)
    finally:
        watcher.stop()
    assert events.codes() == []
    assert "cannot open 9" in [e["detail"] for e in events.items if e.get("state") == "disconnected"][0]
