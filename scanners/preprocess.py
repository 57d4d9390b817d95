"""Image passes applied to a candidate crop before an engine retries it. Each fixes one failure seen in practice.

Linear crops arrive deskewed (bars vertical), which makes `smooth_bars` possible: averaging down the bars removes
sensor noise and JPEG blocking without touching the bar widths, the one thing a 1D decoder measures.
"""
from __future__ import annotations

import cv2
import numpy as np


def smooth_bars(crop: np.ndarray) -> np.ndarray:
    """Average along vertical bars: noise and JPEG artefacts fall by ~3x, bar edges stay put."""
    return cv2.blur(crop, (1, 9))


def clahe(crop: np.ndarray) -> np.ndarray:
    """Contrast-limited adaptive histogram equalisation: evens out a shadow edge, uneven light and faint print
    tile by tile, so a decoder's global or row threshold sees bars on both sides of the shadow."""
    tiles = max(2, min(8, min(crop.shape) // 32))
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(tiles, tiles)).apply(crop)


def threshold(crop: np.ndarray) -> np.ndarray:
    """Local (adaptive) binarisation: the strongest fix for a hard shadow edge or a glare halo across a code."""
    block = max(15, (min(crop.shape) // 8) | 1)
    return cv2.adaptiveThreshold(crop, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 2)


def sharpen(crop: np.ndarray) -> np.ndarray:
    """Unsharp mask: restores edge slope lost to defocus and motion blur."""
    soft = cv2.GaussianBlur(crop, (0, 0), 2.0)
    return cv2.addWeighted(crop, 2.0, soft, -1.0, 0)


UPSCALE = 2.0


def upscale(crop: np.ndarray) -> np.ndarray:
    """Cubic upscaling by UPSCALE: modules of ~1.5 px become ~3 px, above both engines' minimum."""
    return cv2.resize(crop, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)
