"""Turning what callers hand us (a path, encoded bytes, a numpy array) into one gray uint8 image, or an ImageError.

Encoded images are sniffed and their header's dimensions checked *before* decoding, so a 30000x30000 PNG header
(a few hundred bytes that would make the decoder allocate gigabytes) is refused at once, and a truncated file is
named as truncated instead of being decoded into a half-gray picture.
"""
from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np

from scanners.errors import ImageError

MAX_PIXELS = 50_000_000  # a 50 MP photo is the largest a phone hands us; anything larger is refused
MAX_FILE_BYTES = 200 * 1024 * 1024


def _png_size(data: bytes):
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageError("truncated PNG: the header is incomplete")
    if b"IEND" not in data[-32:]:
        raise ImageError("truncated PNG: the file ends before its last chunk")
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes):
    pos, size, scan = 2, None, -1
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ImageError("corrupt JPEG: bad marker structure")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            if pos + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data follows until EOI
            scan = pos
            break
        pos += 2 + length
    if size is None:
        raise ImageError("truncated JPEG: no frame header before the image data")
    # FF D9 cannot occur inside entropy-coded data (FF is stuffed there), so any after the scan start is the EOI.
    if scan < 0 or data.find(b"\xff\xd9", scan) < 0:
        raise ImageError("truncated JPEG: the file ends before the end-of-image marker")
    return size


def _webp_size(data: bytes):
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    raise ImageError("truncated or unsupported WebP header")


def _tiff_size(data: bytes):
    endian = "<" if data[:2] == b"II" else ">"
    try:
        ifd = struct.unpack(endian + "I", data[4:8])[0]
        count = struct.unpack(endian + "H", data[ifd:ifd + 2])[0]
        dims = {}
        for i in range(count):
            entry = data[ifd + 2 + 12 * i: ifd + 14 + 12 * i]
            tag, kind = struct.unpack(endian + "HH", entry[:4])
            if tag in (256, 257):
                dims[tag] = struct.unpack(endian + ("H" if kind == 3 else "I"), entry[8:10 if kind == 3 else 12])[0]
        return dims[256], dims[257]
    except (struct.error, KeyError):
        raise ImageError("truncated or corrupt TIFF header") from None


def header_size(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) from an encoded image's header, without decoding it. Raises ImageError."""
    if not data:
        raise ImageError("empty file: no image data")
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ("PNG", *_png_size(data))
    if data[:3] == b"\xff\xd8\xff":
        return ("JPEG", *_jpeg_size(data))
    if data[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return "BMP", w, abs(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return ("GIF", *struct.unpack("<HH", data[6:10]))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ("WebP", *_webp_size(data))
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return ("TIFF", *_tiff_size(data))
    raise ImageError("not an image: expected PNG, JPEG, BMP, GIF, WebP or TIFF data")


def _check_size(width: int, height: int, what: str):
    if width <= 0 or height <= 0:
        raise ImageError(f"empty image: {what} is {width}x{height} pixels")
    if width * height > MAX_PIXELS:
        raise ImageError(f"image too large: {what} is {width}x{height} pixels, the limit is "
                         f"{MAX_PIXELS // 1_000_000} megapixels")


def decode_bytes(data: bytes) -> np.ndarray:
    fmt, width, height = header_size(data)
    _check_size(width, height, f"the {fmt} header")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None or image.size == 0:
        raise ImageError(f"corrupt {fmt}: the image data could not be decoded")
    return image


def to_gray(image: np.ndarray) -> np.ndarray:
    """A gray uint8 view or copy of a gray, BGR or BGRA array."""
    if not isinstance(image, np.ndarray):
        raise ImageError(f"expected a path, bytes or a numpy array, got {type(image).__name__}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ImageError(f"expected a gray (H, W) or BGR (H, W, 3) array, got shape {image.shape}")
    _check_size(image.shape[1], image.shape[0], "the array")
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise ImageError(f"unsupported pixel type {image.dtype}: pass uint8 (or uint16) pixels")
    if image.ndim == 3:
        code = cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        image = cv2.cvtColor(image, code)
    return image


def load_gray(image) -> np.ndarray:
    """Gray uint8 pixels from a path (str/Path), encoded bytes, or a numpy array. Raises ImageError."""
    if isinstance(image, (str, Path)):
        path = Path(image)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ImageError(f"{path}: file too large for an image ({path.stat().st_size} bytes)")
            data = path.read_bytes()
        except OSError as exc:
            raise ImageError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            return decode_bytes(data)
        except ImageError as exc:
            raise ImageError(f"{path}: {exc}") from None
    if isinstance(image, (bytes, bytearray, memoryview)):
        return decode_bytes(bytes(image))
    return to_gray(image)
