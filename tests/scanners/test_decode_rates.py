"""Read rates on the synthetic corpus (see conftest.py), per scene, difficulty and symbology, against both engines
alone and the better of the two. Thresholds are what the pipeline measured on this corpus minus a margin
(measured values in the comments); the 90% target is asserted on the realistic tiers (easy + medium), where
zxing-cpp alone reads about as much as it did on the field photos the targets came from.
"""
import collections

import numpy as np
import pytest

from .conftest import Result

pytestmark = pytest.mark.slow

# (scene, difficulty) -> minimum read rate. Measured: label 1.00 / 0.93 / 0.73, frame 1.00 / 0.90 / 0.30.
THRESHOLDS = {
    ("label", "easy"): 0.95, ("label", "medium"): 0.85, ("label", "hard"): 0.6,
    ("frame", "easy"): 0.95, ("frame", "medium"): 0.8, ("frame", "hard"): 0.2,
}


def _rate(results: list[Result]) -> float:
    return sum(r.read for r in results) / len(results)


def _baseline_rate(results: list[Result], *methods) -> float:
    return sum(bool(r.truth & set().union(*(r.baselines[m] for m in methods))) for r in results) / len(results)


@pytest.fixture(scope="module")
def results(label_results, frame_results):
    return {"label": label_results, "frame": frame_results}


@pytest.mark.parametrize("scene, difficulty", list(THRESHOLDS))
def test_rate_per_difficulty(results, scene, difficulty):
    subset = [r for r in results[scene] if r.sample.difficulty == difficulty]
    assert _rate(subset) >= THRESHOLDS[(scene, difficulty)]


@pytest.mark.parametrize("scene", ["label", "frame"])
def test_target_on_realistic_tiers(results, scene):
    """At least 90% of label photos and of 1080p frames (measured 0.97 and 0.95)."""
    realistic = [r for r in results[scene] if r.sample.difficulty != "hard"]
    assert _rate(realistic) >= 0.9


@pytest.mark.parametrize("scene", ["label", "frame"])
def test_more_than_either_engine_and_their_better(results, scene):
    """Measured on all tiers: labels 0.89 vs zxing 0.64, pyzbar 0.56, better of two 0.74;
    frames 0.73 vs 0.52, 0.47, 0.62."""
    ours = _rate(results[scene])
    assert ours >= _baseline_rate(results[scene], "zxing", "pyzbar") + 0.05
    assert ours > _baseline_rate(results[scene], "zxing") and ours > _baseline_rate(results[scene], "pyzbar")


def test_rate_per_symbology(results):
    """Labels and frames together, 15 images per symbology; measured 0.73 (code128, ean13, qrcode) to 1.00."""
    by_kind = collections.defaultdict(list)
    for r in results["label"] + results["frame"]:
        by_kind[r.sample.kind].append(r)
    assert len(by_kind) == 10
    rates = {kind: _rate(rs) for kind, rs in by_kind.items()}
    assert min(rates.values()) >= 0.6, rates


def test_no_wrong_reads_and_fewer_than_zxing(results):
    """Every code returned is the one in the picture. zxing-cpp alone misread 4 (short ITF reads) here, pyzbar 16."""
    everything = results["label"] + results["frame"]
    wrong = [(r.sample.name, r.got - r.truth) for r in everything if r.got - r.truth]
    assert wrong == []
    assert sum(len(r.baselines["zxing"] - r.truth) for r in everything) >= len(wrong)


def test_no_false_reads_on_clutter(negative_results):
    assert [r.sample.name for r in negative_results if r.symbols] == []


def test_symbols_carry_position_engine_and_pass(results):
    for r in results["label"] + results["frame"]:
        for sym in r.symbols:
            assert sym.engine in ("zxing", "zbar") and sym.pass_name
            centre = np.mean(sym.position, axis=0)
            lo, hi = r.sample.corners.min(0), r.sample.corners.max(0)
            assert (lo - 5 <= centre).all() and (centre <= hi + 5).all(), r.sample.name  # on the label
            assert sym.gs1 == r.sample.kind.startswith("gs1"), r.sample.name


def test_shift_jis_and_chinese_qr_text(results):
    """zxing decodes Shift-JIS QR codes; zbar's guessed encodings never reach the result."""
    non_ascii = [r for r in results["label"] + results["frame"]
                 if r.sample.kind == "qrcode" and not r.sample.truths[0].text.isascii() and r.read]
    assert non_ascii and all(s.engine == "zxing" for r in non_ascii for s in r.symbols)
