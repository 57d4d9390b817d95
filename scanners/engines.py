"""The two decoder engines behind one shape: a gray uint8 image in, `Read`s (unvalidated) out.

- zxing-cpp: maintained, reads every symbology we need including DataMatrix, decodes QR text encodings (ECI,
  Shift-JIS) correctly, and reports GS1 content. Its 1D readers scan rows, so 1D codes tilted more than ~20° need
  deskewing first.
- zbar (through pyzbar's ctypes bindings): no DataMatrix, guesses QR text encodings, and reads short ITF off
  clutter, but its 1D scanner often reads binarised or unevenly lit bars that zxing gives up on. We drive the
  C library directly (pyzbar's `decode()` hides the GS1 modifier and the scan-line count) with only our
  symbologies enabled and ITF limited to the allowed lengths.

Text is normalised here so both engines agree: UPC-A is 12 digits (zxing and zbar report it as a 13-digit EAN-13
with a leading 0), and GS1 data is returned raw (GS-separated element string, no symbology identifier).
"""
from __future__ import annotations

from ctypes import POINTER, c_uint, c_void_p, cast, string_at
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from pyzbar import wrapper as zb

LINEAR = ("code128", "code39", "ean13", "ean8", "upca", "itf")
MATRIX = ("qrcode", "datamatrix")

_ZX = zxingcpp.BarcodeFormat
ZXING_FORMATS = {"code128": _ZX.Code128, "code39": _ZX.Code39, "ean13": _ZX.EAN13, "ean8": _ZX.EAN8,
                  "upca": _ZX.UPCA, "itf": _ZX.ITF, "qrcode": _ZX.QRCode, "datamatrix": _ZX.DataMatrix}
_FROM_ZXING = {
    _ZX.Code128: "code128", _ZX.Code39: "code39", _ZX.Code39Std: "code39", _ZX.Code39Ext: "code39",
    _ZX.EAN13: "ean13", _ZX.EAN8: "ean8", _ZX.UPCA: "upca", _ZX.ITF: "itf", _ZX.ITF14: "itf",
    _ZX.QRCode: "qrcode", _ZX.QRCodeModel2: "qrcode", _ZX.DataMatrix: "datamatrix",
}

_ZB = zb.ZBarSymbol
ZBAR_SYMBOLS = {"code128": _ZB.CODE128, "code39": _ZB.CODE39, "ean13": _ZB.EAN13, "ean8": _ZB.EAN8,
                 "upca": _ZB.UPCA, "itf": _ZB.I25, "qrcode": _ZB.QRCODE}
_FROM_ZBAR = {v: k for k, v in ZBAR_SYMBOLS.items()}
ZBAR_SYMBOLOGIES = tuple(ZBAR_SYMBOLS)
ITF_14 = 14  # ITF-14: a GTIN-14 on outer cartons, with its check digit
# Allowed ITF lengths, as a handheld scanner's setting: even lengths 6 to 14 (ITF is digit pairs). Shorter
# lengths are what zbar reads off rack holes and stripes, so any length but 14 is reported only when confirmed.
ITF_LENGTHS = (6, 8, 10, 12, 14)
_ZBAR_MOD_GS1 = 1 << 0
_Y800 = 0x30303859  # fourcc "Y800": 8-bit gray
_zbar_get_modifiers = None


@dataclass(frozen=True)
class Read:
    text: str
    symbology: str
    polygon: tuple[tuple[float, float], ...]
    engine: str
    gs1: bool = False
    lines: int = 0  # zbar: how many scan lines decoded the same text (0 = not reported)


def overlaps(a, b) -> bool:
    """True when the boxes around two polygons share more than half of the smaller one."""
    (ax0, ay0), (ax1, ay1) = np.min(a, 0), np.max(a, 0)
    (bx0, by0), (bx1, by1) = np.min(b, 0), np.max(b, 0)
    iw, ih = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return False
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return iw * ih > 0.5 * max(smaller, 1.0)


def _upca(symbology: str, text: str) -> tuple[str, str]:
    if symbology in ("ean13", "upca") and len(text) == 13 and text.startswith("0"):
        return "upca", text[1:]
    return symbology, text


def zxing_read(gray: np.ndarray, symbologies, *, rotate: bool = False, downscale: bool = True) -> list[Read]:
    """zxing-cpp over `gray`; `rotate` adds its 90° turns (which deskewed crops do not need)."""
    formats = [ZXING_FORMATS[s] for s in symbologies if s in ZXING_FORMATS]
    if not formats:
        return []
    found = zxingcpp.read_barcodes(gray, formats=formats, try_rotate=rotate, try_invert=False,
                                   try_downscale=downscale)
    reads = []
    for b in found:
        symbology = _FROM_ZXING.get(b.format)
        if symbology is None:
            continue
        is_gs1 = b.content_type == zxingcpp.ContentType.GS1
        text = b.bytes.decode("latin-1") if is_gs1 else b.text
        symbology, text = _upca(symbology, text)
        p = b.position
        polygon = tuple((float(q.x), float(q.y)) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
        reads.append(Read(text, symbology, polygon, "zxing", is_gs1))
    return reads


def itf_lengths(value) -> tuple[int, ...]:
    """The allowed ITF lengths from a setting: None (the default), "6,10,14" or an iterable of ints."""
    if value is None:
        return ITF_LENGTHS
    items = value.replace(" ", "").split(",") if isinstance(value, str) else list(value)
    try:
        lengths = tuple(sorted({int(v) for v in items if v != ""}))
    except (TypeError, ValueError):
        raise ValueError(f"ITF lengths must be even numbers from 2 to 80, not {value!r}") from None
    if not lengths or any(n < 2 or n > 80 or n % 2 for n in lengths):
        raise ValueError(f"ITF lengths must be even numbers from 2 to 80, not {value!r}")
    return lengths


def _zbar_scanner(symbologies: tuple, rows_only: bool, itf: tuple[int, ...] = ITF_LENGTHS):
    """A fresh, configured zbar image scanner. A reused one carries decoder state from image to image (results
    then depend on what was scanned before), and creating one costs microseconds."""
    global _zbar_get_modifiers
    if _zbar_get_modifiers is None:
        _zbar_get_modifiers = zb.zbar_function("zbar_symbol_get_modifiers", c_uint, POINTER(zb.zbar_symbol))
    scanner = zb.zbar_image_scanner_create()
    cfg = zb.ZBarConfig
    zb.zbar_image_scanner_set_config(scanner, _ZB.NONE, cfg.CFG_ENABLE, 0)
    for name in symbologies:
        zb.zbar_image_scanner_set_config(scanner, ZBAR_SYMBOLS[name], cfg.CFG_ENABLE, 1)
    zb.zbar_image_scanner_set_config(scanner, _ZB.I25, cfg.CFG_MIN_LEN, min(itf))
    zb.zbar_image_scanner_set_config(scanner, _ZB.I25, cfg.CFG_MAX_LEN, max(itf))
    # Deskewed bars need only horizontal scan lines: half the work.
    zb.zbar_image_scanner_set_config(scanner, _ZB.NONE, cfg.CFG_X_DENSITY, 0 if rows_only else 1)
    zb.zbar_image_scanner_set_config(scanner, _ZB.NONE, cfg.CFG_Y_DENSITY, 1)
    return scanner


def _zbar_polygon(symbol) -> tuple[tuple[float, float], ...]:
    """zbar reports one point per scan line that crossed the code; their minimum-area rectangle is the outline."""
    points = np.array([(zb.zbar_symbol_get_loc_x(symbol, i), zb.zbar_symbol_get_loc_y(symbol, i))
                       for i in range(zb.zbar_symbol_get_loc_size(symbol))], np.float32)
    if len(points) == 0:
        return ()
    return tuple((float(x), float(y)) for x, y in cv2.boxPoints(cv2.minAreaRect(points)))


def zbar_read(gray: np.ndarray, symbologies, *, rows_only: bool = False,
              itf: tuple[int, ...] = ITF_LENGTHS) -> list[Read]:
    """zbar over `gray`; `rows_only` scans horizontal lines only, for crops whose bars stand vertical."""
    wanted = tuple(s for s in ZBAR_SYMBOLOGIES if s in symbologies)
    if not wanted:
        return []
    scanner = _zbar_scanner(wanted, rows_only, itf)
    gray = np.ascontiguousarray(gray)
    height, width = gray.shape
    image = zb.zbar_image_create()
    try:
        zb.zbar_image_set_format(image, _Y800)
        zb.zbar_image_set_size(image, width, height)
        zb.zbar_image_set_data(image, cast(gray.ctypes.data, c_void_p), gray.size, None)
        if zb.zbar_scan_image(scanner, image) < 0:
            return []
        reads = []
        symbol = zb.zbar_image_first_symbol(image)
        while symbol:
            name = _FROM_ZBAR.get(symbol.contents.type)
            if name is not None:
                data = string_at(zb.zbar_symbol_get_data(symbol), zb.zbar_symbol_get_data_length(symbol))
                is_gs1 = bool(_zbar_get_modifiers(symbol) & _ZBAR_MOD_GS1)
                text = data.decode("latin-1") if is_gs1 else data.decode("utf-8", "replace")
                name, text = _upca(name, text)
                reads.append(Read(text, name, _zbar_polygon(symbol), "zbar", is_gs1,
                                  zb.zbar_symbol_get_quality(symbol)))
            symbol = zb.zbar_symbol_next(symbol)
        # zbar can report one code twice with different text (a few blurred lines misread): trust the majority.
        reads.sort(key=lambda r: r.lines, reverse=True)
        return [r for i, r in enumerate(reads)
                if not any(overlaps(r.polygon, k.polygon) for k in reads[:i] if k.polygon and r.polygon)]
    finally:
        zb.zbar_image_destroy(image)
        zb.zbar_image_scanner_destroy(scanner)
