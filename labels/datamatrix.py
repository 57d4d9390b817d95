"""Data Matrix (ECC 200) matrices, from zxing-cpp's encoder like the QR codes. Always square: rectangular symbols
are shorter but taller than they are wide in no useful way on a small label, and some fixed-mount readers are set
up for square ones only."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import zxingcpp

QUIET = 2  # modules of blank margin; ISO/IEC 16022 asks for one, the second absorbs a label's cut edge


@lru_cache(maxsize=1024)
def matrix(data: str) -> np.ndarray:
    """Dark modules as True, without the quiet zone. ECC 200 carries its own Reed-Solomon error correction."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix, forceSquare=True)
    dark = np.asarray(symbol.to_image(scale=1, add_quiet_zones=False)) < 128
    dark.setflags(write=False)
    return dark
