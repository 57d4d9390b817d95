"""Files to upload: real images and workbooks made on the spot, and fakes of each."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image


def jpeg(size=(64, 48), color=(200, 30, 30), exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=85, **({"exif": exif.tobytes()} if exif else {}))
    return out.getvalue()


def png(size=(40, 20), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 0).save(out, "PNG")
    return out.getvalue()


def spy_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF with a camera make and a GPS position (what must not leave the building), optionally an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model-GPS-7"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 14.0, 5.5)
    gps[3], gps[4] = "E", (121.0, 28.0, 9.25)
    if orientation:
        exif[0x0112] = orientation
    return exif


def xlsx(rows=(("part_number", "qty"), ("AC-100", 3))) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
        zf.writestr("payload.exe", b"MZ" + b"\x00" * 100)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels: the shape of a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def noisy_jpeg(side: int = 1400) -> bytes:
    """A photo-sized JPEG of noise (noise does not compress): several MB, well over the 1 MB JSON cap."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()
