"""QR code matrices (zxing-cpp's encoder: a C++ encoder, about 25x faster than the pure-Python `qrcode`)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import zxingcpp

QUIET = 4  # modules of blank margin around the symbol, as the QR specification asks


@lru_cache(maxsize=1024)
def matrix(data: str) -> np.ndarray:
    """Dark modules as True, without the quiet zone; error correction level M (15%) survives a scuffed label."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    dark = np.asarray(symbol.to_image(scale=1, add_quiet_zones=False)) < 128
    dark.setflags(write=False)
    return dark
