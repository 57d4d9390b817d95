"""The cheap detector: where in a frame a barcode is likely, and which way its bars run.

Bars are many strong gradients that all point the same way; a 2D code is many strong gradients pointing two ways.
The structure tensor says both at once: its trace is the local edge energy, its coherence (0..1) how much the
gradients agree on one direction, and its principal axis the bar-normal direction. We compute gradients at full
resolution (a 1080p code's modules can be 1.2 px, which a downscale would blur away) and average the tensor over
4x4-pixel cells, so everything after that runs on a 480x270 grid and costs a few milliseconds.

Candidates come back best first. A linear candidate carries the angle that turns its bars vertical, which is what
both engines' row scanners need; deskewing it is what reads 1D codes tilted beyond zxing's ~20° tolerance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

CELL = 4  # full-resolution pixels per tensor cell
_SMOOTH = 5  # cells averaged around each cell (20 px at full resolution)
_LINEAR_COHERENCE = 0.55
_MIN_ENERGY_RATIO = 5.0  # a code's edge energy stands this far above the frame's median
_MIN_CELLS = 24
_MIN_DENSITY = 0.3


@dataclass(frozen=True)
class Candidate:
    kind: str  # "linear" or "matrix"
    box: tuple[tuple[float, float], tuple[float, float], float]  # cv2 rotated rect, full-resolution pixels
    bar_angle: float  # degrees to rotate the crop by so that bars stand vertical (linear only)
    score: float


def _features(gray: np.ndarray):
    """Per cell: the structure tensor (Jxx, Jyy, Jxy) and the edge density, all averaged over _SMOOTH cells.

    Gradients are taken at full resolution, then every other one is kept: subsampling the gradient field keeps
    its statistics (which is all the tensor needs) at a quarter of the arithmetic, whereas subsampling the image
    first would blur 1.2 px modules into gray.

    Edge density is (mean |g|)^2 / mean |g|^2, the fraction of pixels carrying the gradient: about 0.15 for a
    single box edge in the window, 0.5 and more across bars. It keeps shelf and carton edges, which are as
    coherent as bars, out of the linear candidates.
    """
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)[::2, ::2].astype(np.float32)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)[::2, ::2].astype(np.float32)
    h, w = gray.shape
    size = (max(1, w // CELL), max(1, h // CELL))

    def cells(a):  # mean over each cell, then over the _SMOOTH neighbourhood
        return cv2.blur(cv2.resize(a, size, interpolation=cv2.INTER_AREA), (_SMOOTH, _SMOOTH))

    jxx, jyy, jxy = cells(cv2.multiply(gx, gx)), cells(cv2.multiply(gy, gy)), cells(cv2.multiply(gx, gy))
    mag = cells(cv2.magnitude(gx, gy))
    density = mag * mag / (jxx + jyy + 1e-3)
    return jxx, jyy, jxy, density


def detect(gray: np.ndarray, *, limit: int = 8) -> list[Candidate]:
    """Up to `limit` likely code regions in a gray image, most promising first."""
    jxx, jyy, jxy, density = _features(gray)
    energy = jxx + jyy
    diff = jxx - jyy
    coherence = np.sqrt(diff * diff + 4 * jxy * jxy) / (energy + 1e-3)
    floor = max(float(np.median(energy[::4, ::4])) * _MIN_ENERGY_RATIO, 400.0)  # a sampled median is plenty
    strong = (energy > floor) & (density > _MIN_DENSITY)
    # Bar orientation is averaged with weights favouring the cells most like bars (coherent and dense), so label
    # edges and printed text around the bars hardly pull it.
    c2 = coherence * coherence
    weight = c2 * c2 * density  # coherence⁴ · density
    grids = {"energy": energy, "coherence": coherence, "density": density,
             "wxx": jxx * weight, "wyy": jyy * weight, "wxy": jxy * weight}
    candidates = []
    for kind, mask in (("linear", strong & (coherence >= _LINEAR_COHERENCE)),
                       ("matrix", strong & (coherence < _LINEAR_COHERENCE))):
        mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        areas = stats[1:, cv2.CC_STAT_AREA]
        for i in np.argsort(-areas)[:limit] + 1:
            if stats[i, cv2.CC_STAT_AREA] < _MIN_CELLS:
                break
            cand = _candidate(kind, stats[i], labels, i, grids, floor)
            if cand is not None:
                candidates.append(cand)
    candidates.sort(key=lambda c: c.score, reverse=True)
    return candidates[:limit]


def _candidate(kind, stat, labels, i, grids, floor) -> Candidate | None:
    x, y, w, h, area = (int(v) for v in stat[:5])
    window = (slice(y, y + h), slice(x, x + w))
    sel = (labels[window] == i).astype(np.uint8)
    contours, _ = cv2.findContours(sel, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    (cx, cy), (bw, bh), angle = cv2.minAreaRect(np.concatenate(contours) + np.array([x, y], np.int32))
    long_side, short_side = max(bw, bh) + 1, min(bw, bh) + 1
    if kind == "matrix" and long_side > 3 * short_side:
        return None  # a 2D code is roughly square; long thin blobs are text lines
    if kind == "linear" and long_side > 12 * short_side:
        return None  # a rack beam's row of holes, not a label

    def mean(name):
        return cv2.mean(grids[name][window], sel)[0]

    bar_angle = 0.0
    if kind == "linear":  # principal gradient direction of the region: the normal of its bars
        bar_angle = math.degrees(0.5 * math.atan2(2 * mean("wxy"), mean("wxx") - mean("wyy")))
    quality = mean("coherence" if kind == "linear" else "density")
    score = math.log1p(mean("energy") / floor) * quality * math.sqrt(area)
    box = ((cx * CELL + CELL / 2, cy * CELL + CELL / 2), ((bw + 1) * CELL, (bh + 1) * CELL), angle)
    return Candidate(kind, box, bar_angle, score)


def crop(gray: np.ndarray, cand: Candidate, *, margin: float = 0.25, max_side: int = 1000):
    """Cut the candidate out of `gray`, turned so that linear bars stand vertical, with a quiet-zone margin.

    Returns (crop, matrix) where `matrix` (2x3 affine) maps full-image points into the crop. Candidates that need
    no turning are sliced rather than warped, which is free.
    """
    (cx, cy), (bw, bh), _ = cand.box
    angle = cand.bar_angle if cand.kind == "linear" else 0.0
    if cand.kind == "linear":
        # Size in the deskewed frame: project the box onto the bar-normal (width) and bar (height) axes.
        corners = cv2.boxPoints(cand.box) - np.array([cx, cy], np.float32)
        t = math.radians(angle)
        across = np.abs(corners @ np.array([math.cos(t), math.sin(t)], np.float32)).max() * 2
        along = np.abs(corners @ np.array([-math.sin(t), math.cos(t)], np.float32)).max() * 2
        width, height = across * (1 + 2 * margin) + 4 * CELL, along * (1 + margin) + 2 * CELL
    else:
        side = max(bw, bh) * math.sqrt(2)  # the axis-aligned square around a code at any rotation
        width = height = side * (1 + margin) + 4 * CELL
    scale = min(1.0, max_side / max(width, height))
    if abs(angle) < 3:
        h, w = gray.shape
        x0, y0 = max(0, int(cx - width / 2)), max(0, int(cy - height / 2))
        x1, y1 = min(w, int(cx + width / 2)), min(h, int(cy + height / 2))
        out = gray[y0:y1, x0:x1]
        if scale < 1.0:
            out = cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(out), np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]])
    m = cv2.getRotationMatrix2D((cx, cy), angle, scale)
    m[0, 2] += width * scale / 2 - cx
    m[1, 2] += height * scale / 2 - cy
    size = (max(8, int(width * scale)), max(8, int(height * scale)))
    return cv2.warpAffine(gray, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), m
