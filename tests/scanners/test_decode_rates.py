"""Read rates on the synthetic corpus (see conftest.py), per scene, difficulty and symbology, against both engines
alone and the better of the two. Thresholds are what the pipeline measured on this corpus minus a margin
(measured values in the comments); the 90% target is asserted on the realistic tiers (easy + medium), where
zxing-cpp alone reads about as much as it did on the field photos the targets came from.
"""
import collections

import numpy as np
import pytest

from scanners import synth

from .conftest import Result

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # the corpus is decoded once, in the first test

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
    assert len(by_kind) == 12
    rates = {kind: _rate(rs) for kind, rs in by_kind.items()}
    assert min(rates.values()) >= 0.6, rates


def test_no_wrong_reads_and_fewer_than_zxing(results, product_results, multi_results):
    """Every code returned from a label photo or a shelf frame is the one in the picture; over every scene, at most
    one misread per 200 photos (the issue's bar: a glare stripe across an ITF-14 on a hard product photo can make
    both engines agree on its first 8 digits). zxing-cpp alone misread 4 (short ITF reads) here, pyzbar 16."""
    labels_frames = results["label"] + results["frame"]
    assert [(r.sample.name, r.got - r.truth) for r in labels_frames if r.got - r.truth] == []
    everything = labels_frames + product_results + multi_results
    wrong = [(r.sample.name, r.got - r.truth) for r in everything if r.got - r.truth]
    assert len(wrong) <= len(everything) / 200, wrong
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


# --- per class, over every scene: short ITF, EAN/UPC on packaging, several codes in one picture ------------------

def _class(symbology: str, text: str) -> str:
    if symbology == "itf":
        return "itf-14" if len(text) == 14 else "itf-short"
    return symbology


def _codes(results):
    """(class, difficulty, read by us, read by zxing-cpp alone, read by pyzbar alone) for every code in every photo."""
    out = []
    for r in results:
        for t in r.sample.truths:
            key = (t.symbology, t.text)
            out.append((_class(*key), r.sample.difficulty, key in r.got, key in r.baselines["zxing"],
                        key in r.baselines["pyzbar"]))
    return out


@pytest.fixture(scope="module")
def codes(results, product_results, multi_results):
    return _codes(results["label"] + results["frame"] + product_results + multi_results)


@pytest.mark.parametrize("cls", ["ean13", "upca", "ean8", "itf-14", "itf-short"])
def test_never_below_the_better_engine(codes, cls):
    """Per class and difficulty, the pipeline reads at least as many codes as the better of zxing-cpp and pyzbar,
    each alone with its defaults on the whole picture (the full-frame passes are the safety net)."""
    for difficulty in synth.DIFFICULTIES:
        rows = [c for c in codes if c[0] == cls and c[1] == difficulty]
        ours, zxing, zbar = (sum(c[i] for c in rows) for i in (2, 3, 4))
        assert ours >= max(zxing, zbar), (cls, difficulty, len(rows), ours, zxing, zbar)


def test_short_itf_reads_like_a_handheld(codes):
    """ITF of 6 and 10 digits (no check digit) was refused outright before: 0 read. Measured 0.80 (seed 1)."""
    rows = [c for c in codes if c[0] == "itf-short" and c[1] != "hard"]
    assert len(rows) >= 20 and sum(c[2] for c in rows) / len(rows) >= 0.75


def test_several_codes_in_one_picture(multi_results):
    """Every code of a two- or three-code photo counts: the second code gets the same passes as the first."""
    rows = _codes(multi_results)
    easy = [c for c in rows if c[1] == "easy"]
    assert sum(c[2] for c in easy) / len(easy) >= 0.9, sum(c[2] for c in easy) / len(easy)
    assert sum(c[2] for c in rows) >= max(sum(c[3] for c in rows), sum(c[4] for c in rows))


def test_product_photos(product_results):
    """Codes on curved, glossy packaging, in low light, with a phone's JPEG: at least what either engine reads."""
    rows = _codes(product_results)
    realistic = [c for c in rows if c[1] != "hard"]
    assert sum(c[2] for c in realistic) / len(realistic) >= 0.9
