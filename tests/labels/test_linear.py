"""The linear symbols are python-barcode's: over random printable data, the bars every output draws are its module
pattern, the native ZPL ^BC field names the subsets it chose, and GTIN symbols (EAN-13, UPC-A, EAN-8) read back."""
from __future__ import annotations

import numpy as np
import pytest
from barcode import EAN8, EAN13, UPCA
from labels.linear import Code128  # python-barcode's, less its leading-"99" bug (see labels/linear.py)
from hypothesis import HealthCheck, given, settings, strategies as st

import labels
from labels import linear, templates
from labels.layout import Barcode, Label, PlacedBars, Text, place
from labels.render import render
from tests.labels.conftest import decode, ink, rasterise

PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)
# What a label's barcode may carry: printable ASCII without leading or trailing space (labels.fields.code).
CODES = st.text(PRINTABLE, min_size=1, max_size=14).filter(lambda s: s == s.strip())
WIDE = (150, 30)  # stock wide enough for 14 characters at the part label's module


def _bars(template: str, data: dict, dpi: int) -> PlacedBars:
    (bars,) = [e for e in place(templates.build(template, data, WIDE), dpi).elements if isinstance(e, PlacedBars)]
    return bars


def _modules(image_ink: np.ndarray, bars: PlacedBars) -> str:
    """The symbol as drawn, one character per module, after checking every module is whole dots of one colour
    over the full bar height and the quiet zones are blank."""
    region = image_ink[bars.y:bars.y + bars.h, bars.x - 10 * bars.module:bars.x + bars.w + 10 * bars.module]
    assert (region == region[0]).all(), "bars run the full height"
    row = region[0, 10 * bars.module:10 * bars.module + bars.w]
    assert not region[0, :10 * bars.module].any() and not region[0, 10 * bars.module + bars.w:].any()
    cells = row.reshape(-1, bars.module)
    assert (cells == cells[:, :1]).all(), "modules are whole dots"
    return "".join("1" if c else "0" for c in cells[:, 0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CODES, fmt=st.sampled_from(["png", "zpl", "tspl", "pdf"]), dpi=st.sampled_from([203, 300]))
def test_bars_drawn_are_python_barcodes_pattern(data, fmt, dpi):
    label = {"part_number": data, "name": "刹车片"}
    bars = _bars("part", label, dpi)
    (image,) = rasterise(labels.render("part", label, fmt=fmt, dpi=dpi, size_mm=WIDE), fmt, dpi)
    assert _modules(ink(image), bars) == Code128(data).build()[0]
    assert ("Code128", data) in decode(image), "and the symbol is valid: a decoder reads the data back"


@settings(max_examples=200, deadline=None)
@given(data=CODES)
def test_zpl_subsets_spell_python_barcodes_encoding(data):
    """The ^BC field data is derived from python-barcode's symbol values: its runs spell the data back, and the
    values they imply (subset codes included) are exactly the ones in python-barcode's encoding."""
    symbol = linear.symbol("code128", data)
    runs = linear.code128_runs(symbol)
    assert "".join(text for _, text in runs) == data
    implied = [{"B": 104, "C": 105}[runs[0][0]]]
    for k, (subset, text) in enumerate(runs):
        if k:
            implied.append(99 if subset == "C" else 100)
        implied += [int(text[i:i + 2]) for i in range(0, len(text), 2)] if subset == "C" else \
            [ord(ch) - 32 for ch in text]
    assert implied == Code128(data).encoded


def test_part_numbers_read_back_with_python_barcodes_subsets():
    zpl = labels.render("part", {"part_number": "P-10001", "name": "刹车片"}, fmt="zpl").decode()
    # Start B "P-", C "10" "00", B "1": python-barcode leaves an odd digit of a run for the end (the hand encoder
    # it replaced sent it first, in B), and the printer is told exactly that.
    assert "^FD>:P->51000>61^FS" in zpl


GTINS = [("ean13", "5012345678900", EAN13, "EAN13"), ("upca", "036000291452", UPCA, "UPCA"),
         ("ean8", "96385074", EAN8, "EAN8")]


def _gtin_label(symbology: str, data: str) -> Label:
    return Label(50, 30, (Text(2, 2, 46, 4, ("GTIN",), 3.0),
                          Barcode(0, 8, 50, 18, data, "gtin", max_module=0.375, symbology=symbology)))


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("fmt", labels.FORMATS)
@pytest.mark.parametrize("symbology, data, cls, name", GTINS)
def test_gtin_symbols_read_back_in_every_format(symbology, data, cls, name, fmt, dpi):
    placed = place(_gtin_label(symbology, data), dpi)
    (bars,) = [e for e in placed.elements if isinstance(e, PlacedBars)]
    assert bars.module * 25.4 / dpi >= 0.264, "at least 80 % of the nominal 0.33 mm module"
    if fmt == "zpl":
        assert b"^BC" not in render([placed], fmt), "GTIN symbols go as bitmaps"
    (image,) = rasterise(render([placed], fmt), fmt, dpi)
    # A UPC-A is the EAN-13 with a leading 0, bar for bar; a decoder may report it either way.
    assert decode(image) & {(name, data), ("EAN13", "0" + data)}
    assert _modules(ink(image), bars) == cls(data).build()[0]


@pytest.mark.parametrize("symbology, data", [("ean13", "5012345678901"), ("ean13", "501234567890X"),
                                             ("upca", "03600029145"), ("ean8", "96385075")])
def test_a_wrong_gtin_is_refused_not_corrected(symbology, data):
    with pytest.raises(labels.LabelError) as err:
        place(_gtin_label(symbology, data), 203)
    assert err.value.code == "unencodable" and err.value.field == "gtin"


@pytest.mark.parametrize("data", ["99", "9999", "99A", "9912-X", "990"])
def test_a_leading_99_pair_is_kept(data):
    """python-barcode 0.16.1 folded a leading subset-C "99" into the start code (it took it for a switch): the
    symbol encoded less than its data. The bars must spell the data, and read back from a rendered label."""
    s = linear.symbol("code128", data)
    assert "".join(text for _, text in linear.code128_runs(s)) == data
