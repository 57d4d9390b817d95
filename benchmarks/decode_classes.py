"""Read rates per symbology and difficulty over every scene of the synthetic corpus, against each engine alone.

    .venv/bin/python benchmarks/decode_classes.py [--per-cell N] [--seed S] [--compare-with DIR]

Scenes: label photos, cluttered 1080p frames, product photos (codes on curved, glossy packaging, low light, phone
JPEG) and multi-code photos (two or three labels in one picture); see scanners/synth.py. Every code in every
picture counts once, in its class: the symbology, with ITF split into ITF-14 and short ITF (6 and 10 digits,
no check digit). "pyzbar" and "zxing-cpp" are each library with its defaults on the whole gray image; "better"
counts a code as read when either read it (an oracle, not a method). "wrong" counts returned codes that are not
in the picture, per 200 photos. `--compare-with DIR` also runs the `scanners` package found in DIR (for example
an older commit's tree: `git worktree add /tmp/old <commit>`), so a change is measured before and after on the
same corpus in the same run. One core, OpenCV on one thread.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import scanners  # noqa: E402
from scanners import synth  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from decode_bench import _normal, pyzbar_alone, zxing_alone  # noqa: E402

SCENES = ("label", "frame", "product", "multi")
PER_SCENE = {"label": 1.0, "frame": 2 / 3, "product": 1.0, "multi": 1 / 3}  # share of --per-cell per scene


def code_class(symbology: str, text: str) -> str:
    if symbology == "itf":
        return "itf-14" if len(text) == 14 else "itf-short"
    return symbology


def _load_other(path: str):
    """The `decode` of the scanners package in another tree, as a copy named `scanners_before` (its imports
    rewritten to that name), so both packages live in one process side by side."""
    import re
    import shutil
    import tempfile

    target = Path(tempfile.mkdtemp()) / "scanners_before"
    shutil.copytree(Path(path) / "scanners", target)
    for py in target.glob("*.py"):
        text = py.read_text()
        text = re.sub(r"\b(from|import) scanners\b", r"\1 scanners_before", text)
        py.write_text(text)
    sys.path.insert(0, str(target.parent))
    import scanners_before
    return scanners_before.decode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cell", type=int, default=6, help="label and product photos per kind x difficulty")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare-with", metavar="DIR", help="a tree whose scanners package to run beside ours")
    parser.add_argument("--budget-ms", type=float, default=None,
                        help="the pipelines' time budget (default: each its own default)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    methods = {"pyzbar": pyzbar_alone, "zxing-cpp": zxing_alone}
    if args.compare_with:
        other = _load_other(args.compare_with)
        methods["pipeline before"] = lambda g: {_normal(s.symbology, s.text)
                                                for s in other(g, budget_ms=args.budget_ms)}
    methods["pipeline"] = lambda g: {_normal(s.symbology, s.text) for s in scanners.decode(g, budget_ms=args.budget_ms)}
    names = list(methods) + ["better"]
    hits = collections.defaultdict(lambda: collections.defaultdict(list))  # method -> (class, diff) -> [bool]
    wrong, photos, ms = collections.Counter(), 0, collections.defaultdict(list)
    for scene in SCENES:
        n = max(1, round(args.per_cell * PER_SCENE[scene]))
        for sample in synth.corpus(scene, n, base_seed=args.seed):
            gray = cv2.cvtColor(sample.image, cv2.COLOR_BGR2GRAY)
            truth = {_normal(t.symbology, t.text) for t in sample.truths}
            got = {}
            for name, method in methods.items():
                start = time.perf_counter()
                got[name] = method(gray)
                ms[name].append((time.perf_counter() - start) * 1000)
            got["better"] = got["pyzbar"] | got["zxing-cpp"]
            for name in names:
                wrong[name] += len(got[name] - truth)
                for t in sample.truths:
                    key = _normal(t.symbology, t.text)
                    hits[name][(code_class(t.symbology, t.text), sample.difficulty)].append(key in got[name])
            photos += 1
            if photos % 50 == 0:
                print(f"  {photos} photos", file=sys.stderr)
    classes = sorted({c for c, _ in hits["pipeline"]})
    print(f"\n{photos} photos (scenes {', '.join(SCENES)}; --per-cell {args.per_cell}, seed {args.seed}, "
          f"budget {args.budget_ms or 'default'} ms, load average {os.getloadavg()[0]:.1f}); "
          "codes read per class, all difficulties, then easy / medium / hard\n")
    head = f"{'class':<12}{'codes':>6}" + "".join(f"{n:>26}" for n in names)
    print(head)
    print("-" * len(head))
    for c in classes:
        cells = []
        for name in names:
            per = [hits[name][(c, d)] for d in synth.DIFFICULTIES]
            every = [x for p in per for x in p]
            pct = lambda v: f"{100 * sum(v) / len(v):.0f}" if v else "-"  # noqa: E731
            cells.append(f"{pct(every):>4}% ({'/'.join(pct(p) for p in per)})")
        total = sum(len(hits["pipeline"][(c, d)]) for d in synth.DIFFICULTIES)
        print(f"{c:<12}{total:>6}" + "".join(f"{x:>26}" for x in cells))
    print("\nall codes: " + ", ".join(
        f"{n} {100 * np.mean([x for v in hits[n].values() for x in v]):.1f}%" for n in names))
    print("wrong reads per 200 photos: " + ", ".join(f"{n} {200 * wrong[n] / photos:.1f}" for n in names))
    print("ms per photo, median / p95: " + ", ".join(
        f"{n} {np.median(v):.0f}/{np.percentile(v, 95):.0f}" for n, v in ms.items()))
    lost = [(c, d) for c in classes for d in synth.DIFFICULTIES
            if hits["pipeline"][(c, d)] and sum(hits["pipeline"][(c, d)]) < max(
                sum(hits["pyzbar"][(c, d)]), sum(hits["zxing-cpp"][(c, d)]))]
    print("classes x difficulty where the pipeline read fewer than the better engine: "
          + (", ".join(f"{c}/{d}" for c, d in lost) or "none"))


if __name__ == "__main__":
    main()
