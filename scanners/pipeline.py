"""`decode()`: the detector, the passes and the two engines, run cheapest first within a time budget.

1. The ROI detector (`roi.detect`) finds likely code regions and, for bars, their angle.
2. Cheap passes on every candidate: the crop as is (linear crops deskewed so bars stand vertical) and, for bars,
   smoothed along the bars. zxing reads first; zbar reads linear crops too.
3. The safety net that keeps the pipeline from reading less than either engine alone: each engine on the whole
   frame, as each reads with its defaults — zxing always (a second code the detector missed or split), zbar
   when nothing was read yet or strong candidates are still unread.
4. While the budget lasts, on the candidates still open (unread, not on a code found, ranked at least half as
   high as the best one a code was found on): the expensive passes (CLAHE, adaptive threshold, sharpening,
   upscaling) in rank order, with both engines for bars.

So a frame whose code reads straight away costs the detector plus a few small crops, and the time a miss may cost
is capped by `budget_ms`. Every read goes through `validate` (check digits, allowed ITF lengths, zbar QR
encodings). A read is only *tentative*, and counts once a second pass or the other engine reads the same text,
when it rests on a few scan lines, when it is ITF of a length other than 14 (then both engines must agree, or
two passes that each rest on many lines), or when it is an EAN/UPC number
read off a heavily processed crop (threshold, sharpen, CLAHE, upscale: they make bars, and can make a wrong
number with a valid check digit). Overlapping reads that disagree keep the one more scan lines agreed on.
"""
from __future__ import annotations

import functools
import time

import cv2
import numpy as np

from scanners import engines, preprocess, roi
from scanners.images import load_gray
from scanners.symbol import SYMBOLOGIES, Symbol
from scanners.validate import GTIN_SYMBOLOGIES, accepted_text, is_weak, support

DEFAULT_BUDGET_MS = 120.0
STRONG_SUPPORT = 16  # scan lines (zbar) or outline pixels (zxing) for one engine's short ITF to count in two passes
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


def _truncated_itf(a: Symbol, b: Symbol) -> bool:
    """Two ITF reads where one's digits lie within the other's, close together: one code read short."""
    if a.symbology != "itf" or b.symbology != "itf" or not (a.text in b.text or b.text in a.text):
        return False
    pa, pb = np.asarray(a.position, np.float32), np.asarray(b.position, np.float32)
    if not len(pa) or not len(pb):
        return True
    reach = 1.5 * max(float(np.ptp(pa, 0).max()), float(np.ptp(pb, 0).max())) + 20.0
    return float(np.linalg.norm(pa.mean(0) - pb.mean(0))) <= reach


class _Target:
    """One candidate, cropped (bars vertical) on first use and ready for the engines."""

    def __init__(self, gray: np.ndarray, cand: roi.Candidate, scale: float):
        box = ((cand.box[0][0] / scale, cand.box[0][1] / scale),
               (cand.box[1][0] / scale, cand.box[1][1] / scale), cand.box[2])
        self.gray, self.kind, self.score = gray, cand.kind, cand.score
        self.cand = roi.Candidate(cand.kind, box, cand.bar_angle, cand.score)
        self.outline = cv2.boxPoints(box)  # in image coordinates
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

    def __init__(self, wanted: tuple[str, ...], budget_ms: float, itf: tuple[int, ...] = engines.ITF_LENGTHS):
        self.itf = itf
        self.linear = tuple(s for s in wanted if s in engines.LINEAR)
        self.matrix = tuple(s for s in wanted if s in engines.MATRIX)
        # The budget is this thread's CPU time, not the wall clock: a frame gets the same passes, and so the same
        # result, however busy the machine is (on a loaded host the wall time would cut the safety nets first).
        self.deadline = time.thread_time() + budget_ms / 1000
        self.found: list[Symbol] = []
        self.tentative: dict[tuple[str, str], Symbol] = {}
        self.support: dict[tuple[str, str], float] = {}  # how many scan lines the first tentative read rested on

    def expired(self) -> bool:
        return time.thread_time() > self.deadline

    def keep(self, reads, to_image, pass_name: str, heavy: bool = False) -> bool:
        """Validate reads, map them to image coordinates and merge them into the result. True if any was new.
        `heavy`: the image was heavily processed, so an EAN/UPC number off it needs a second witness."""
        new = False
        for read in reads:
            text = accepted_text(read, self.itf)
            if text is None:
                continue
            polygon = tuple((int(round(x)), int(round(y))) for x, y in to_image(read.polygon))
            sym = Symbol(text, read.symbology, polygon, read.engine, pass_name, read.gs1)
            key = (sym.symbology, sym.text)
            if is_weak(read) or (heavy and read.symbology in GTIN_SYMBOLOGIES):
                first = self.tentative.setdefault(key, sym)
                self.support.setdefault(key, support(read))
                # Not confirmed yet: a second pass or the other engine must agree. Short ITF from one engine needs
                # two passes that each rest on many scan lines: zbar read the same short digits off stripes, and off
                # a long ITF's first half, in two passes where one of them rested on a single line.
                short_itf = sym.symbology == "itf" and len(sym.text) != engines.ITF_14
                if first.engine == sym.engine:
                    if first.pass_name == sym.pass_name:
                        continue
                    if short_itf and min(self.support[key], support(read)) < STRONG_SUPPORT:
                        continue
                sym = first
            new |= self._merge(sym)
        return new

    def _merge(self, sym: Symbol) -> bool:
        kind = "linear" if sym.symbology in engines.LINEAR else "matrix"
        for i, old in enumerate(self.found):
            if (old.symbology, old.text) == (sym.symbology, sym.text):
                return False
            if _truncated_itf(old, sym):
                # ITF has no fixed length: a read that missed the last digit pairs is the rest of the same code
                # (its outline, from one or two scan lines, may be too thin to overlap): keep the longer.
                if len(sym.text) > len(old.text):
                    self.found[i] = sym
                    return True
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

    def zxing(self, target: _Target, image, pass_name: str, zoom: float = 1.0, heavy: bool = False) -> None:
        if target.kind == "linear":
            reads = engines.zxing_read(image, self.linear, downscale=False)
        else:
            reads = engines.zxing_read(image, self.matrix, rotate=True)
        target.read |= self.keep(reads, target.mapper(zoom), pass_name, heavy)

    def zbar(self, target: _Target, image, pass_name: str, zoom: float = 1.0, heavy: bool = False) -> None:
        if target.kind == "linear":
            reads = engines.zbar_read(image, self.linear, rows_only=True, itf=self.itf)
        else:
            reads = engines.zbar_read(image, tuple(s for s in self.matrix if s == "qrcode"))
        target.read |= self.keep(reads, target.mapper(zoom), pass_name, heavy)


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


def _open(run: _Run, targets: list[_Target]) -> list[_Target]:
    """The candidates still worth work: unread, not lying on a code already found, and ranked at least half as high
    as the best candidate a code was found on — all unread ones while nothing was found. So a second code in the
    picture gets the same passes as the first, and clutter ranked far below a read code gets none."""
    def on_found(t):
        return any(engines.overlaps(t.outline, s.position) for s in run.found if len(s.position) >= 3)
    best = max((t.score for t in targets if t.read or on_found(t)), default=0.0)
    return [t for t in targets if not t.read and t.score >= best / 2 and not on_found(t)]


def _cheap_passes(run: _Run, targets: list[_Target]) -> None:
    best = 0.0
    for t in targets:  # zxing on every crop, best ranked first
        if t.score < best / 2:
            break  # once a code is read, clutter ranked far below it is not worth cropping
        run.zxing(t, t.crop, "roi")
        if t.read:
            best = max(best, t.score)
    for t in _open(run, targets):  # zbar on the bars, then both on the bars smoothed
        if t.kind != "linear" or run.expired():
            continue
        run.zbar(t, t.crop, "roi")
        smooth = preprocess.smooth_bars(t.crop)
        if not t.read:
            run.zxing(t, smooth, "roi+smooth")
        if not t.read:
            run.zbar(t, smooth, "roi+smooth")


def _escalate(run: _Run, targets: list[_Target]) -> None:
    """One expensive pass at a time over the open crops, so the budget goes to the likeliest first."""
    for step in range(4):
        for t in _open(run, targets):
            if run.expired():
                return
            name, fn, zoom = _escalations(t.kind)[step]
            image = fn(t.crop)
            run.zxing(t, image, f"roi+{name}", zoom, heavy=True)
            if not t.read:
                run.zbar(t, image, f"roi+{name}", zoom, heavy=True)


def _full_frame(run: _Run, work: np.ndarray, scale: float, everything: bool) -> None:
    """Each engine over the whole (working) frame with its default scanning, so the pipeline never reads less than
    either engine alone would: zxing always (a code the detector missed or split), zbar, which costs more, when
    nothing was read yet or strong candidates are still unread (`everything`)."""
    to_image = lambda p: np.asarray(p) / scale  # noqa: E731
    run.keep(engines.zxing_read(work, run.linear + run.matrix, rotate=True), to_image, "full")
    if everything and not run.expired():
        zbar_wanted = run.linear + tuple(s for s in run.matrix if s == "qrcode")
        run.keep(engines.zbar_read(work, zbar_wanted, itf=run.itf), to_image, "full")


def _second_scale(run: _Run, work: np.ndarray, scale: float) -> None:
    """A short ITF that one engine read on many lines in a single pass is read again at another scale: the same
    digits at two scales confirm it (stripes and a truncated read rarely survive the change of scale)."""
    pending = [k for k in run.tentative if k[0] == "itf" and len(k[1]) != engines.ITF_14
               and run.support.get(k, 0) >= STRONG_SUPPORT and all((f.symbology, f.text) != k for f in run.found)]
    if not pending or run.expired():
        return
    zoom = 0.7
    small = cv2.resize(work, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_AREA)
    run.keep(engines.zbar_read(small, ("itf",), itf=run.itf), lambda p: np.asarray(p) / (scale * zoom), "full@0.7")
    run.keep(engines.zxing_read(small, ("itf",), rotate=True), lambda p: np.asarray(p) / (scale * zoom), "full@0.7")


def decode(image, *, symbologies=None, budget_ms=None, itf_lengths=None) -> list[Symbol]:
    """The codes in `image`. `itf_lengths`: the allowed ITF lengths (a handheld scanner's setting; default even
    lengths 6-14; "6,14" or a list of ints)."""
    wanted = _wanted(symbologies)
    itf = engines.itf_lengths(itf_lengths)
    gray = load_gray(image)
    run = _Run(wanted, DEFAULT_BUDGET_MS if budget_ms is None else float(budget_ms), itf)
    scale = min(1.0, _WORK_MAX_SIDE / max(gray.shape))
    work = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    targets = [_Target(gray, c, scale) for c in roi.detect(work)
               if (c.kind == "linear" and run.linear) or (c.kind == "matrix" and run.matrix)]
    _cheap_passes(run, targets)
    if not run.expired():
        _full_frame(run, work, scale, everything=not run.found or bool(_open(run, targets)))
    _escalate(run, targets)
    if "itf" in run.linear:
        _second_scale(run, work, scale)
    return list(run.found)
