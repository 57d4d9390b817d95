"""Which raw engine reads may be returned: the rule that keeps false and wrong reads out.

- EAN-13, EAN-8 and UPC-A must carry a valid GS1 mod-10 check digit. ITF must have one of the allowed lengths
  (a setting, as on handheld scanners; default even lengths 6-14); ITF-14 must carry its check digit, and any other
  length is only *tentative* (below): zbar reads short "ITF" off EAN bars, rack holes and stripes, so a short ITF
  counts only when a second pass or the other engine reads the same digits (both engines demand quiet zones).
- A 1D read that rests on a few scan lines (zbar: fewer than MIN_LINES lines agreed; zxing: an outline less
  than MIN_LINES pixels tall) is only *tentative*: on a blurred or tilted code one line can decode to a wrong
  number with a valid check digit. The pipeline returns it only when a second pass or the other engine reads
  the same text (`is_weak`).
- A QR code read by zbar must be plain ASCII: zbar guesses the text encoding of QR data without an ECI (Shift-JIS
  becomes mojibake), zxing decodes it properly, so only zxing's non-ASCII QR text is trusted.
- GS1 data (FNC1 in first position) is returned in parenthesised form; GS1 data that fails its own rules (a bad
  GTIN check digit, an unknown AI) is returned raw behind its AIM identifier (]C1, ]d2, ]Q3) so that
  `codes.classify()` reports it as invalid with the reason, instead of the label silently "not scanning".
"""
from __future__ import annotations

import cv2
import numpy as np

from scanners import gs1
from scanners.engines import ITF_14, ITF_LENGTHS, LINEAR, Read

MIN_LINES = 8
_GTIN_LENGTHS = {"ean13": 13, "ean8": 8, "upca": 12}
_GS1_AIM = {"code128": "]C1", "datamatrix": "]d2", "qrcode": "]Q3"}


GTIN_SYMBOLOGIES = tuple(_GTIN_LENGTHS)


def support(read: Read) -> float:
    """How many scan lines a 1D read rests on: zbar's count of agreeing lines, or the short side of zxing's outline."""
    if read.engine == "zbar":
        return float(read.lines)
    if len(read.polygon) < 3:
        return 0.0
    (_, _), (w, h), _ = cv2.minAreaRect(np.asarray(read.polygon, np.float32))
    return float(min(w, h))


def is_weak(read: Read) -> bool:
    if read.symbology not in LINEAR:
        return False
    if read.symbology == "itf" and len(read.text) != ITF_14:
        return True
    return support(read) < MIN_LINES


def accepted_text(read: Read, itf_lengths: tuple[int, ...] = ITF_LENGTHS) -> str | None:
    """The text to return for `read`, or None when the read must be dropped."""
    text, symbology = read.text, read.symbology
    if not text or "\ufffd" in text:
        return None
    if symbology in _GTIN_LENGTHS:
        ok = len(text) == _GTIN_LENGTHS[symbology] and gs1.gtin_check_digit_ok(text)
        return text if ok else None
    if symbology == "itf":
        if not text.isdigit() or len(text) not in itf_lengths:
            return None
        return text if len(text) != ITF_14 or gs1.gtin_check_digit_ok(text) else None
    if symbology == "qrcode" and read.engine == "zbar" and not text.isascii():
        return None
    if read.gs1:
        try:
            return gs1.parse(text).hri()
        except gs1.GS1Error:
            return _GS1_AIM.get(symbology, "") + text
    return text
