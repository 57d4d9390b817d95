"""decode() on single, controlled images: validation rules, symbology filter, the time budget."""
import time

import cv2
import numpy as np
import pytest
import zxingcpp

import scanners
from scanners import synth
from scanners.engines import Read
from scanners.validate import accepted_text, is_weak

F = zxingcpp.BarcodeFormat
SLOW = 10_000  # where the result, not the time budget, is under test: the machine may be loaded


def _code(content, fmt, scale=4, **kw) -> np.ndarray:
    img = np.array(zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(content, fmt, **kw), scale=scale))
    return cv2.copyMakeBorder(img, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)


def _read(text, symbology, engine="zxing", gs1=False, lines=0, polygon=((0, 0), (100, 0), (100, 40), (0, 40))):
    return Read(text, symbology, polygon, engine, gs1, lines)


@pytest.mark.parametrize("read, expected", [
    (_read("5901234123457", "ean13"), "5901234123457"),
    (_read("5901234123458", "ean13"), None),            # check digit wrong
    (_read("036000291452", "upca"), "036000291452"),
    (_read("96385074", "ean8"), "96385074"),
    (_read("96385075", "ean8"), None),
    (_read("12345678901231", "itf"), "12345678901231"),
    (_read("12345678901232", "itf"), None),             # ITF-14 check digit wrong
    (_read("123456", "itf"), "123456"),                 # short ITF: allowed by default, but weak (below)
    (_read("1234567890", "itf"), "1234567890"),
    (_read("1234", "itf"), None),                       # shorter than any allowed length
    (_read("1234567890123456", "itf"), None),           # longer than any allowed length
    (_read("部品 A-1", "qrcode", engine="zbar"), None),  # zbar guessed the encoding
    (_read("部品 A-1", "qrcode", engine="zxing"), "部品 A-1"),
    (_read("PN-1", "qrcode", engine="zbar"), "PN-1"),
    (_read("0109501101530003\x1d10L1", "code128", gs1=True), "(01)09501101530003(10)L1"),
    (_read("0109501101530004", "datamatrix", gs1=True), "]d20109501101530004"),  # bad GTIN: classify says invalid
    (_read("AB\ufffd", "code39"), None),
])
def test_accepted_text(read, expected):
    assert accepted_text(read) == expected


def test_allowed_itf_lengths_are_a_setting():
    assert accepted_text(_read("123456", "itf"), (14,)) is None
    assert accepted_text(_read("1234567890", "itf"), (10, 14)) == "1234567890"
    assert accepted_text(_read("12345678901232", "itf"), (10, 14)) is None  # ITF-14 keeps its check digit
    assert scanners.engines.itf_lengths("6, 10,14") == (6, 10, 14)
    assert scanners.engines.itf_lengths(None) == (6, 8, 10, 12, 14)
    for bad in ("7", "6,x", "", "0", "100", [3]):
        with pytest.raises(ValueError):
            scanners.engines.itf_lengths(bad)


def test_short_itf_counts_only_when_confirmed():
    assert is_weak(_read("123456", "itf"))  # needs a second pass or engine, however tall the read
    assert is_weak(_read("123456", "itf", engine="zbar", lines=40))
    assert not is_weak(_read("12345678901231", "itf"))


@pytest.mark.parametrize("text", ["123456", "4045140191"])
def test_short_itf_is_read_when_allowed_and_not_when_not(text):
    img = _code(text, F.ITF, scale=3)
    slow = 10_000  # the result, not the machine's load, is under test
    assert [(s.symbology, s.text) for s in scanners.decode(img, budget_ms=slow)] == [("itf", text)]
    assert scanners.decode(img, itf_lengths="14", budget_ms=slow) == []
    assert [s.text for s in scanners.decode(img, itf_lengths=[len(text)], budget_ms=slow)] == [text]


def test_ean_off_a_heavily_processed_crop_needs_a_second_witness():
    """One engine's EAN-13 from a thresholded crop is held back until another pass or engine agrees."""
    from scanners import engines
    from scanners.pipeline import _Run

    run = _Run(("ean13",), 1000.0)
    read = _read("5901234123457", "ean13", engine="zxing", polygon=((0, 0), (100, 0), (100, 60), (0, 60)))
    assert run.keep([read], lambda p: p, "roi+threshold", heavy=True) is False and run.found == []
    assert run.keep([read], lambda p: p, "roi+threshold", heavy=True) is False  # the same pass again: no
    assert run.keep([read], lambda p: p, "roi+sharpen", heavy=True) is True  # a second pass agrees
    assert [s.text for s in run.found] == ["5901234123457"]
    run = _Run(("ean13",), 1000.0)
    assert run.keep([read], lambda p: p, "roi") is True  # a plain crop's full-height read counts at once
    assert engines.LINEAR  # the rule is for 1D codes only


def test_thin_reads_are_weak():
    assert is_weak(_read("5901234123457", "ean13", polygon=((0, 0), (100, 0), (100, 3), (0, 3))))
    assert not is_weak(_read("5901234123457", "ean13"))
    assert is_weak(_read("5901234123457", "ean13", engine="zbar", lines=2))
    assert not is_weak(_read("5901234123457", "ean13", engine="zbar", lines=12))
    assert not is_weak(_read("N-A01-03", "qrcode", polygon=((0, 0), (3, 0), (3, 3))))


@pytest.mark.parametrize("content, fmt, kw, symbology, text, is_gs1", [
    ("N-A01-03", F.Code128, {}, "code128", "N-A01-03", False),
    ("(01)09501101530003(17)261231(10)L7", F.Code128, {"gs1": True}, "code128", "(01)09501101530003(17)261231(10)L7",
     True),
    ("PN48213", F.Code39, {}, "code39", "PN48213", False),
    ("590123412345", F.EAN13, {}, "ean13", "5901234123457", False),
    ("03600029145", F.UPCA, {}, "upca", "036000291452", False),
    ("9638507", F.EAN8, {}, "ean8", "96385074", False),
    ("12345678901231", F.ITF, {}, "itf", "12345678901231", False),
    ("MODE:RECEIVE", F.QRCode, {}, "qrcode", "MODE:RECEIVE", False),
    ("(01)09501101530003(21)S1", F.DataMatrix, {"gs1": True}, "datamatrix", "(01)09501101530003(21)S1", True),
])
def test_each_symbology(content, fmt, kw, symbology, text, is_gs1):
    (sym,) = scanners.decode(_code(content, fmt, **kw), budget_ms=SLOW)
    assert (sym.symbology, sym.text, sym.gs1) == (symbology, text, is_gs1)
    assert sym.to_dict()["symbology"] == symbology


def test_several_codes_in_one_image():
    a, b = _code("N-A01-03", F.Code128), _code("PN-1", F.DataMatrix, scale=8)
    canvas = np.full((600, 900), 255, np.uint8)
    canvas[20:20 + a.shape[0], 20:20 + a.shape[1]] = a
    canvas[300:300 + b.shape[0], 500:500 + b.shape[1]] = b
    assert sorted(s.text for s in scanners.decode(canvas, budget_ms=SLOW)) == ["N-A01-03", "PN-1"]


def test_symbology_filter():
    img = _code("N-A01-03", F.Code128)
    assert scanners.decode(img, symbologies=["qrcode"], budget_ms=SLOW) == []
    assert [s.text for s in scanners.decode(img, symbologies="code128", budget_ms=SLOW)] == ["N-A01-03"]
    with pytest.raises(ValueError, match="unknown symbology 'pdf417'"):
        scanners.decode(img, symbologies=["pdf417"])


def test_rotated_1d_code_beyond_zxing_tolerance():
    """zxing alone does not read bars tilted 45°; the detector's deskew does."""
    img = _code("PN-48213-A", F.Code128, scale=3)
    img = cv2.copyMakeBorder(img, 200, 200, 100, 100, cv2.BORDER_CONSTANT, value=255)
    h, w = img.shape
    turned = cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), 45, 1.0), (w, h), borderValue=255)
    assert zxingcpp.read_barcodes(turned) == []
    assert [s.text for s in scanners.decode(turned, budget_ms=SLOW)] == ["PN-48213-A"]


def test_huge_photo_is_detected_downscaled_and_positioned_in_full_resolution():
    sample = synth.sample("label", "qrcode", "easy", 0)
    factor = 6.25  # 1280x960 -> 8000x6000, a 48 MP phone photo
    big = cv2.resize(sample.image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    (sym,) = scanners.decode(big, budget_ms=SLOW)
    assert sym.text == sample.truths[0].text
    centre = np.mean(sym.position, axis=0)
    lo, hi = sample.corners.min(0) * factor, sample.corners.max(0) * factor
    assert (lo <= centre).all() and (centre <= hi).all()


def test_budget_caps_the_time_spent_on_a_frame_without_code():
    frame = cv2.cvtColor(synth.sample("negative", None, "hard", 1).image, cv2.COLOR_BGR2GRAY)
    start = time.perf_counter()
    assert scanners.decode(frame, budget_ms=10_000) == []
    unhurried = time.perf_counter() - start
    start = time.perf_counter()
    assert scanners.decode(frame, budget_ms=20) == []
    hurried = time.perf_counter() - start
    assert hurried < unhurried / 2
