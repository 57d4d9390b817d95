"""Decode benchmark: pyzbar alone, zxing-cpp alone, the better of the two, and our pipeline, side by side.

    .venv/bin/python benchmarks/decode_bench.py [--quick] [--per-cell N] [--seed S]

On the synthetic corpus (scanners/synth.py, fixed seeds): read rate on label photos and on cluttered 1080p frames,
wrong reads (a returned code that is not the one in the picture), false reads (any code returned for a picture
without one), median and p95 milliseconds per image; then frames/s over the frames of a 1080p MJPG video.
The process is pinned to one core and OpenCV to one thread, so the times are single-core times. Every method
gets the same gray image and the same text normalisation (UPC-A as 12 digits, GS1 compared by content).
"""
from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import zxingcpp  # noqa: E402
from pyzbar import pyzbar  # noqa: E402

import scanners  # noqa: E402
from scanners import gs1, synth  # noqa: E402
from scanners.engines import ZBAR_SYMBOLS, ZXING_FORMATS  # noqa: E402
from scanners.watch import WATCH_BUDGET_MS  # noqa: E402

_PYZBAR_NAMES = {sym.name: name for name, sym in ZBAR_SYMBOLS.items()}
_ZXING_NAMES = {fmt: name for name, fmt in ZXING_FORMATS.items()}


def _normal(symbology: str, text: str) -> tuple[str, str]:
    """Engine-independent identity of a read: UPC-A as 12 digits, GS1 data as its raw element string (which is
    what pyzbar returns; zxing-cpp and our pipeline return the parenthesised form)."""
    if symbology in ("ean13", "upca") and len(text) == 13 and text.startswith("0"):
        symbology, text = "upca", text[1:]
    if text.startswith("("):
        try:
            text = gs1.parse(text).element_string()
        except gs1.GS1Error:
            pass
    return symbology, text


def pyzbar_alone(gray):
    return {_normal(_PYZBAR_NAMES.get(d.type, d.type.lower()), d.data.decode("utf-8", "replace"))
            for d in pyzbar.decode(gray, symbols=list(ZBAR_SYMBOLS.values()))}


def zxing_alone(gray):
    return {_normal(_ZXING_NAMES.get(b.format, str(b.format)), b.text)
            for b in zxingcpp.read_barcodes(gray, formats=list(ZXING_FORMATS.values()))}


PASSES = collections.Counter()  # (engine, pass) that found each code our pipeline returned


def pipeline(gray):
    symbols = scanners.decode(gray)
    PASSES.update((s.engine, s.pass_name) for s in symbols)
    return {_normal(s.symbology, s.text) for s in symbols}


METHODS = {"pyzbar alone": pyzbar_alone, "zxing-cpp alone": zxing_alone, "our pipeline": pipeline}


def _corpus(per_cell: int, frames_per_cell: int, negatives: int, seed: int):
    for s in synth.corpus("label", per_cell, base_seed=seed):
        yield s
    for s in synth.corpus("frame", frames_per_cell, base_seed=seed):
        yield s
    yield from synth.corpus("negative", max(1, negatives // 3), base_seed=seed)


def run(per_cell: int, frames_per_cell: int, negatives: int, seed: int, video_seconds: float):
    stats = collections.defaultdict(lambda: collections.defaultdict(list))
    by_kind = collections.defaultdict(lambda: collections.defaultdict(list))
    count = 0
    for sample in _corpus(per_cell, frames_per_cell, negatives, seed):
        gray = cv2.cvtColor(sample.image, cv2.COLOR_BGR2GRAY)
        truth = {_normal(t.symbology, t.text) for t in sample.truths}
        got = {}
        for name, method in METHODS.items():
            start = time.perf_counter()
            got[name] = method(gray)
            stats[(name, sample.scene)]["ms"].append((time.perf_counter() - start) * 1000)
        got["better of two"] = got["pyzbar alone"] | got["zxing-cpp alone"]
        for name, reads in got.items():
            st = stats[(name, sample.scene)]
            st["read"].append(bool(truth & reads) if truth else False)
            if sample.difficulty != "hard":
                st["read realistic"].append(bool(truth & reads) if truth else False)
            st["wrong"].append(len(reads - truth) if truth else 0)
            st["false"].append(bool(reads) if not truth else False)
            if truth:
                by_kind[name][sample.kind].append(bool(truth & reads))
        count += 1
        if count % 50 == 0:
            print(f"  {count} images", file=sys.stderr)
    return stats, by_kind, _video_fps(seed, video_seconds)


def _video_fps(seed: int, seconds: float):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shelf.avi"
        synth.write_video(path, seconds=seconds, fps=10, hold=10, base_seed=seed)
        cap = cv2.VideoCapture(str(path))
        frames = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames.append(frame)
        cap.release()
    result = {}
    methods = (("zxing-cpp alone", zxing_alone),
               ("our pipeline", scanners.decode),
               (f"our pipeline at the watcher's {WATCH_BUDGET_MS:.0f} ms budget",
                lambda gray: scanners.decode(gray, budget_ms=WATCH_BUDGET_MS)))
    for name, method in methods:
        start = time.perf_counter()
        for frame in frames:
            method(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
        result[name] = len(frames) / (time.perf_counter() - start)
    return len(frames), result


def _rate(values):
    return f"{100 * sum(values) / len(values):.1f}%" if values else "-"


def report(stats, by_kind, video):
    names = ["pyzbar alone", "zxing-cpp alone", "better of two", "our pipeline"]
    print()
    head = f"{'method':<17}{'labels read':>13}{'frames read':>13}{'wrong':>7}{'false':>7}" \
           f"{'label ms med/p95':>18}{'frame ms med/p95':>18}"
    print(head)
    print("-" * len(head))
    for name in names:
        label, frame, neg = stats[(name, "label")], stats[(name, "frame")], stats[(name, "negative")]
        wrong = sum(label["wrong"]) + sum(frame["wrong"])
        false = f"{sum(neg['false'])}/{len(neg['false'])}"
        times = []
        for st in (label, frame):
            ms = st.get("ms")
            times.append(f"{statistics.median(ms):7.1f}/{np.percentile(ms, 95):6.1f}" if ms else "        (sum)")
        reads = [f"{_rate(st['read'])} {_rate(st['read realistic'])}" for st in (label, frame)]
        print(f"{name:<17}{reads[0]:>13}{reads[1]:>13}{wrong:>7}{false:>7}{times[0]:>18}{times[1]:>18}")
    n_label, n_frame = len(stats[("our pipeline", "label")]["read"]), len(stats[("our pipeline", "frame")]["read"])
    print(f"\nread: all tiers, then the realistic tiers (easy + medium). wrong: returned codes that are not the one "
          f"in the picture.\nfalse: pictures without a code for which something was returned. "
          f"{n_label} label photos, {n_frame} cluttered 1080p frames, "
          f"{len(stats[('our pipeline', 'negative')]['read'])} 1080p frames without a code.")
    ms = stats[("our pipeline", "negative")]["ms"]
    print(f"our pipeline on frames without a code: median {statistics.median(ms):.1f} ms, "
          f"p95 {np.percentile(ms, 95):.1f} ms")
    print("\nread rate per symbology (labels and frames):")
    kinds = list(synth.KINDS)
    widths = [max(len(k) + 2, 9) for k in kinds]
    print(f"{'method':<17}" + "".join(f"{k:>{w}}" for k, w in zip(kinds, widths)))
    for name in names:
        print(f"{name:<17}" + "".join(f"{_rate(by_kind[name][k]):>{w}}" for k, w in zip(kinds, widths)))
    print("\nwhich engine and pass found the codes our pipeline returned (labels and frames):")
    print("  " + ", ".join(f"{engine} {name}: {n}" for (engine, name), n in PASSES.most_common()))
    frames, fps = video
    print(f"\n1080p video ({frames} MJPG frames, a third of the scenes without a code, every frame decoded):")
    for name, v in fps.items():
        print(f"  {name}: {v:.1f} frames/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small corpus, for a smoke run")
    parser.add_argument("--per-cell", type=int, default=None, help="label photos per symbology x difficulty")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    per_cell = args.per_cell or (2 if args.quick else 10)
    frames_per_cell = max(1, per_cell * 2 // 3)
    negatives = 12 if args.quick else 60
    print(f"corpus: {per_cell} label photos and {frames_per_cell} frames per symbology x difficulty, "
          f"{negatives} negatives, seed {args.seed}; one core", file=sys.stderr)
    stats, by_kind, video = run(per_cell, frames_per_cell, negatives, args.seed, 4.0 if args.quick else 10.0)
    report(stats, by_kind, video)


if __name__ == "__main__":
    main()
