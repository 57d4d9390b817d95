"""Bad input gives a clear ImageError, checked before any large allocation; the CLI reports it and goes on."""
import json
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

import scanners
from scanners import ImageError, synth

ROOT = Path(__file__).resolve().parents[2]
SLOW = 10_000  # where the result, not the time budget, is under test: the machine may be loaded


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + chunk + iend


@pytest.fixture(scope="module")
def label_jpeg() -> bytes:
    s = synth.sample("label", "code128", "easy", 0)
    return cv2.imencode(".jpg", s.image)[1].tobytes()


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"hello, I am text", "not an image"),
    (b"%PDF-1.7\n", "not an image"),
    (_png_header(0, 0), "empty image"),
    (_png_header(30000, 30000), "too large"),
    (_png_header(640, 480)[:20], "truncated PNG"),
])
def test_bad_bytes(data, message):
    with pytest.raises(ImageError, match=message):
        scanners.decode(data)


def test_huge_header_is_refused_without_allocating():
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ImageError, match="30000x30000"):
        scanners.decode(_png_header(30000, 30000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10_000_000 and time.perf_counter() - start < 1.0


def test_truncated_jpeg(label_jpeg):
    with pytest.raises(ImageError, match="truncated JPEG"):
        scanners.decode(label_jpeg[: len(label_jpeg) // 2])


def test_jpeg_with_trailing_bytes_still_reads(label_jpeg):
    assert [s.text for s in scanners.decode(label_jpeg + b"\x00" * 64, budget_ms=SLOW)]


def test_corrupt_but_complete_jpeg(label_jpeg):
    data = bytearray(label_jpeg)
    start = data.index(b"\xff\xda") + 200
    data[start:-2] = b"\x00" * (len(data) - start - 2)  # keeps the headers and EOI, blanks the image data
    assert scanners.decode(bytes(data)) == []  # decodes to a flat picture: no code, and no crash


def test_garbled_jpeg_header():
    with pytest.raises(ImageError, match="corrupt JPEG"):
        scanners.decode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9")


@pytest.mark.parametrize("array, message", [
    (np.zeros((0, 0), np.uint8), "empty image"),
    (np.zeros((10, 0, 3), np.uint8), "empty image"),
    (np.zeros((10, 10), np.float64), "unsupported pixel type"),
    (np.zeros((10, 10, 2), np.uint8), "shape"),
    (np.zeros((10,), np.uint8), "shape"),
    ([[0, 1], [1, 0]], "numpy array"),
])
def test_bad_arrays(array, message):
    with pytest.raises(ImageError, match=message):
        scanners.decode(array)


def test_missing_file(tmp_path):
    with pytest.raises(ImageError, match="cannot read"):
        scanners.decode(tmp_path / "nope.png")


def test_inputs_agree(tmp_path, label_jpeg):
    path = tmp_path / "label.jpg"
    path.write_bytes(label_jpeg)
    bgr = cv2.imdecode(np.frombuffer(label_jpeg, np.uint8), cv2.IMREAD_COLOR)
    expected = ["SNG17923164"]
    assert [s.text for s in scanners.decode(path, budget_ms=SLOW)] == expected
    assert [s.text for s in scanners.decode(str(path), budget_ms=SLOW)] == expected
    assert [s.text for s in scanners.decode(label_jpeg, budget_ms=SLOW)] == expected
    assert [s.text for s in scanners.decode(bgr, budget_ms=SLOW)] == expected
    assert [s.text for s in scanners.decode(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), budget_ms=SLOW)] == expected
    assert [s.text for s in scanners.decode(cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA), budget_ms=SLOW)] == expected


def test_imageerror_is_a_valueerror():
    assert issubclass(ImageError, ValueError)


def test_cli_reports_bad_files_and_still_prints_the_others(tmp_path, label_jpeg):
    good = tmp_path / "good.jpg"
    good.write_bytes(label_jpeg)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(label_jpeg[:3000])
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    huge = tmp_path / "huge.png"
    huge.write_bytes(_png_header(30000, 30000))
    files = [good, truncated, text, huge]
    proc = subprocess.run([sys.executable, "-m", "scanners", "decode", "--json", *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert [r["file"] for r in out] == [str(f) for f in files]
    assert out[0]["symbols"][0]["text"] == "SNG17923164"
    assert out[0]["symbols"][0]["symbology"] == "code128"
    assert "truncated JPEG" in out[1]["error"] and out[1]["symbols"] == []
    assert "not an image" in out[2]["error"]
    assert "too large" in out[3]["error"]
    assert proc.stderr.count("error:") == 3
