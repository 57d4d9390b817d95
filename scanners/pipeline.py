"""`decode()`: the detector, the passes and the two engines, run cheapest first within a time budget.

1. The ROI detector (`roi.detect`) finds likely code regions and, for bars, their angle.
2. Cheap passes on every candidate: the crop as is (linear crops deskewed so bars stand vertical) and, for bars,
   smoothed along the bars. zxing reads first; zbar reads linear crops too.
3. Only if nothing was read: zxing on the whole frame (catches what the detector ranked low or missed).
4. Only if still nothing, and while the budget lasts: the expensive passes (CLAHE, adaptive threshold,
   sharpening, upscaling) on each candidate in rank order, with both engines for bars.

So a frame whose code reads straight away costs the detector plus a few small crops, and the time a miss may cost
is capped by `budget_ms`. Every read goes through `validate` (check digits, ITF-14, zbar QR encodings; a 1D read
resting on a few scan lines counts only once a second pass or engine agrees) and overlapping reads that disagree
keep the one more scan lines agreed on.
"""
from __future__ import annotations

import functools
import time

import cv2
import numpy as np

from scanners import engines, preprocess, roi
from scanners.images import load_gray
from scanners.symbol import SYMBOLOGIES, Symbol
from scanners.validate import accepted_text, is_weak

DEFAULT_BUDGET_MS = 120.0
_WORK_MAX_SIDE = 2400  # larger photos are detected on a downscaled copy; crops still come from full resolution


def _wanted(symbologies) -> tuple[str, ...]:
    if symbologies is None:
        return SYMBOLOGIES
    names = tuple(s.lower() for s in ([symbologies] if isinstance(symbologies, str) else symbologies))
    unknown = [s for s in names if s not in SYMBOLOGIES]
    if unknown:
        raise ValueError(f"unknown symbology {unknown[0]!r}; known: {', '.join(SYMBOLOGIES)}")
    return names


def _area(polygon) -> float:
    return float(cv2.contourArea(np.asarray(polygon, np.float32))) if len(polygon) >= 3 else 0.0


class _Target:
    """One candidate, cropped (bars vertical) on first use and ready for the engines."""

    def __init__(self, gray: np.ndarray, cand: roi.Candidate, scale: float):
        box = ((cand.box[0][0] / scale, cand.box[0][1] / scale),
               (cand.box[1][0] / scale, cand.box[1][1] / scale), cand.box[2])
        self.gray, self.kind, self.score = gray, cand.kind, cand.score
        self.cand = roi.Candidate(cand.kind, box, cand.bar_angle, cand.score)
        self.read = False

    @functools.cached_property
    def crop(self) -> np.ndarray:
        crop, m = roi.crop(self.gray, self.cand)
        self.inverse = cv2.invertAffineTransform(m)
        return crop

    def mapper(self, zoom: float = 1.0):
        """Maps points of the crop (scaled by `zoom` in a pass) back to image coordinates."""
        def to_image(polygon):
            if not polygon:
                return ()
            points = np.asarray(polygon, np.float32).reshape(-1, 1, 2) / zoom
            return cv2.transform(points, self.inverse).reshape(-1, 2)
        return to_image


class _Run:
    """The state of one decode: what is wanted, the deadline, and the reads so far."""

    def __init__(self, wanted: tuple[str, ...], budget_ms: float):
        self.linear = tuple(s for s in wanted if s in engines.LINEAR)
        self.matrix = tuple(s for s in wanted if s in engines.MATRIX)
        self.deadline = time.perf_counter() + budget_ms / 1000
        self.found: list[Symbol] = []
        self.tentative: dict[tuple[str, str], Symbol] = {}

    def expired(self) -> bool:
        return time.perf_counter() > self.deadline

    def keep(self, reads, to_image, pass_name: str) -> bool:
        """Validate reads, map them to image coordinates and merge them into the result. True if any was new."""
        new = False
        for read in reads:
            text = accepted_text(read)
            if text is None:
                continue
            polygon = tuple((int(round(x)), int(round(y))) for x, y in to_image(read.polygon))
            sym = Symbol(text, read.symbology, polygon, read.engine, pass_name, read.gs1)
            key = (sym.symbology, sym.text)
            if is_weak(read):
                first = self.tentative.setdefault(key, sym)
                if (first.engine, first.pass_name) == (sym.engine, sym.pass_name):
                    continue  # not confirmed yet: a second pass or the other engine must agree
                sym = first
            new |= self._merge(sym)
        return new

    def _merge(self, sym: Symbol) -> bool:
        kind = "linear" if sym.symbology in engines.LINEAR else "matrix"
        for i, old in enumerate(self.found):
            if (old.symbology, old.text) == (sym.symbology, sym.text):
                return False
            old_kind = "linear" if old.symbology in engines.LINEAR else "matrix"
            if old_kind == kind and engines.overlaps(old.position, sym.position):
                # Two different reads of one code: keep the one that more scan lines supported (the taller or
                # wider outline), e.g. EAN-13 over an EAN-8 read off half of it, or a full-height read over a
                # one-line misread at the bars' ragged end.
                if _area(sym.position) > _area(old.position):
                    self.found[i] = sym
                    return True
                return False
        self.found.append(sym)
        return True

    def zxing(self, target: _Target, image, pass_name: str, zoom: float = 1.0) -> None:
        if target.kind == "linear":
            reads = engines.zxing_read(image, self.linear, downscale=False)
        else:
            reads = engines.zxing_read(image, self.matrix, rotate=True)
        target.read |= self.keep(reads, target.mapper(zoom), pass_name)

    def zbar(self, target: _Target, image, pass_name: str, zoom: float = 1.0) -> None:
        if target.kind == "linear":
            reads = engines.zbar_read(image, self.linear, rows_only=True)
        else:
            reads = engines.zbar_read(image, tuple(s for s in self.matrix if s == "qrcode"))
        target.read |= self.keep(reads, target.mapper(zoom), pass_name)


def _escalations(kind: str):
    """The expensive passes for a crop nothing could read yet, cheapest and most rewarding first:
    (name, function, zoom of its output relative to the crop)."""
    zoom = preprocess.UPSCALE
    if kind == "linear":
        return (("clahe", lambda c: preprocess.clahe(preprocess.smooth_bars(c)), 1.0),
                ("threshold", lambda c: preprocess.threshold(preprocess.smooth_bars(c)), 1.0),
                ("sharpen", lambda c: preprocess.sharpen(preprocess.smooth_bars(c)), 1.0),
                ("upscale", lambda c: preprocess.upscale(preprocess.clahe(preprocess.smooth_bars(c))), zoom))
    return (("clahe", preprocess.clahe, 1.0),
            ("upscale", preprocess.upscale, zoom),
            ("threshold", preprocess.threshold, 1.0),
            ("sharpen", preprocess.sharpen, 1.0))


def _cheap_passes(run: _Run, targets: list[_Target]) -> None:
    best = 0.0
    for t in targets:  # zxing on every crop, best ranked first
        if t.score < best / 2:
            break  # once a code is read, clutter ranked far below it is not worth cropping
        run.zxing(t, t.crop, "roi")
        if t.read:
            best = max(best, t.score)
    if run.found:
        return
    for t in targets:  # zbar on the bars, then both on the bars smoothed
        if t.kind != "linear" or run.expired():
            continue
        run.zbar(t, t.crop, "roi")
        smooth = preprocess.smooth_bars(t.crop)
        if not t.read:
            run.zxing(t, smooth, "roi+smooth")
        if not t.read:
            run.zbar(t, smooth, "roi+smooth")


def _escalate(run: _Run, targets: list[_Target]) -> None:
    """One expensive pass at a time over all unread crops, so the budget goes to the likeliest first."""
    for step in range(4):
        for t in targets:
            if run.found or run.expired():
                return
            if t.read:
                continue
            name, fn, zoom = _escalations(t.kind)[step]
            image = fn(t.crop)
            run.zxing(t, image, f"roi+{name}", zoom)
            if not t.read:
                run.zbar(t, image, f"roi+{name}", zoom)


def decode(image, *, symbologies=None, budget_ms=None) -> list[Symbol]:
    wanted = _wanted(symbologies)
    gray = load_gray(image)
    run = _Run(wanted, DEFAULT_BUDGET_MS if budget_ms is None else float(budget_ms))
    scale = min(1.0, _WORK_MAX_SIDE / max(gray.shape))
    work = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    targets = [_Target(gray, c, scale) for c in roi.detect(work)
               if (c.kind == "linear" and run.linear) or (c.kind == "matrix" and run.matrix)]
    _cheap_passes(run, targets)
    if not run.found and not run.expired():
        reads = engines.zxing_read(work, run.linear + run.matrix, rotate=True)
        run.keep(reads, lambda p: np.asarray(p) / scale, "full")
    if not run.found:
        _escalate(run, targets)
    return list(run.found)
