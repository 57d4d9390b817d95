"""Every template in every output at both printer resolutions, rasterised and read back by a barcode decoder."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from pyzbar import pyzbar

import labels
from labels import templates
from labels.render import raster
from labels.layout import PlacedBars, place
from tests.labels.conftest import CHINESE, SAMPLES, decode, expected_symbols, ink, rasterise

DPIS = (203, 300)


def test_every_template_has_a_sample():
    assert set(SAMPLES) == set(labels.TEMPLATES) >= {"part", "bin", "returned_part", "unit", "shipment", "bin_card"}


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("fmt", labels.FORMATS)
@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_barcodes_read_back_exactly(template, fmt, dpi):
    data = SAMPLES[template]
    (image,) = rasterise(labels.render(template, data, fmt=fmt, dpi=dpi), fmt, dpi)
    width, height = templates.TEMPLATES[template].size
    assert image.size == (round(width * dpi / 25.4), round(height * dpi / 25.4))
    assert decode(image) == expected_symbols(template, data)
    assert ink(image).mean() < 0.4, "a label is mostly white paper"


# 17-character VINs (CONTRACT §6): the Data Matrix always carries the serial; the Code 128 is added when it fits the
# 50 mm stock at a module that scans (digits pair up in subset C), never squeezed below it.
VINS = {
    "LSVAU033512345678": {"DataMatrix", "Code128"},  # twelve trailing digits: 47 mm of Code 128
    "WVWZZZ1JZXW000001": {"DataMatrix"},  # eleven letters: 55 mm of Code 128
    "ABCDEFGHJKLMNPRST": {"DataMatrix"},  # letters only, the worst case: 61 mm
}


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("fmt", labels.FORMATS)
@pytest.mark.parametrize("vin", sorted(VINS))
def test_a_unit_label_with_a_vin_reads_back_in_every_format(vin, fmt, dpi):
    data = {"serial": vin, "model": "KX-3000 空气压缩机"}
    (image,) = rasterise(labels.render("unit", data, fmt=fmt, dpi=dpi), fmt, dpi)
    assert image.size == (round(50 * dpi / 25.4), round(30 * dpi / 25.4)), "on the default 50 x 30 mm stock"
    assert decode(image) == {(symbology, vin) for symbology in VINS[vin]}
    if fmt == "pdf":  # the human-readable line: the whole VIN, as text
        page = pdfium.PdfDocument(labels.render("unit", data, fmt="pdf", dpi=dpi))[0]
        assert vin in page.get_textpage().get_text_range().split()


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("fmt", ["zpl", "tspl"])
@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_printer_languages_draw_the_same_dots_as_the_png(template, fmt, dpi):
    """Layout defined once: ZPL and TSPL, drawn back by the preview, equal the PNG dot for dot."""
    data = SAMPLES[template]
    (png,) = rasterise(labels.render(template, data, fmt="png", dpi=dpi), "png", dpi)
    (drawn,) = rasterise(labels.render(template, data, fmt=fmt, dpi=dpi), fmt, dpi)
    assert np.array_equal(ink(drawn), ink(png))


def _grow(mask: np.ndarray) -> np.ndarray:
    """The mask dilated by one dot in every direction."""
    padded, out = np.pad(mask, 1), np.zeros_like(mask)
    for dy in range(3):
        for dx in range(3):
            out |= padded[dy:dy + mask.shape[0], dx:dx + mask.shape[1]]
    return out


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_pdf_is_drawn_on_the_same_grid(template, dpi):
    """The PDF is vector art on the same dot grid: rasterised at the label's dpi every dot lies within one dot of
    the PNG's (text is anti-aliased and unhinted in the PDF), and its bars match exactly."""
    data = SAMPLES[template]
    png = ink(rasterise(labels.render(template, data, fmt="png", dpi=dpi), "png", dpi)[0])
    pdf = ink(rasterise(labels.render(template, data, fmt="pdf", dpi=dpi), "pdf", dpi)[0])
    astray = (pdf & ~_grow(png)) | (png & ~_grow(pdf))
    assert astray.mean() < 0.005
    for bars in (e for e in place(templates.build(template, data), dpi).elements if isinstance(e, PlacedBars)):
        region = np.s_[bars.y + 2:bars.y + bars.h - 2, bars.x - bars.module:bars.x + bars.w + bars.module]
        assert np.array_equal(pdf[region], png[region])


@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_pdf_text_layer_has_the_chinese_text_in_an_embedded_subset_font(template):
    pdf = labels.render(template, SAMPLES[template], fmt="pdf")
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert CHINESE[template] in text.replace("\r\n", "")
    assert b"/FontFile2" in pdf, "the TrueType font program is embedded"
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+", pdf), "as a subset"
    assert b"STSong" not in pdf


@pytest.mark.parametrize("dpi", DPIS)
def test_pdf_survives_a_rasteriser_that_blackens_every_touched_pixel(tmp_path, dpi):
    """poppler in 1-bit mode fills any pixel a shape touches, as a CUPS raster driver does: thanks to the bar
    width reduction the bars still come out at exactly their dots."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    path = tmp_path / "label.pdf"
    path.write_bytes(labels.render("unit", SAMPLES["unit"], fmt="pdf", dpi=dpi))
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-mono", str(path), str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    assert decode(Image.open(page)) == expected_symbols("unit", SAMPLES["unit"])
    png = ink(rasterise(labels.render("unit", SAMPLES["unit"], fmt="png", dpi=dpi), "png", dpi)[0])
    (bars,) = [e for e in place(templates.build("unit", SAMPLES["unit"]), dpi).elements if isinstance(e, PlacedBars)]
    region = np.s_[bars.y:bars.y + bars.h, :]
    assert np.array_equal(ink(Image.open(page))[region], png[region])


@pytest.mark.parametrize("dpi", DPIS)
def test_a_second_decoder_agrees(dpi):
    image = rasterise(labels.render("part", SAMPLES["part"], fmt="tspl", dpi=dpi), "tspl", dpi)[0]
    found = {(s.type, s.data.decode()) for s in pyzbar.decode(image.convert("L"))}
    assert found == {("CODE128", "P-10001")}


@pytest.mark.parametrize("fmt", ["pdf", "zpl", "tspl"])
def test_a_batch_is_one_job_with_the_labels_in_order(fmt):
    items = [dict(SAMPLES["part"], part_number=f"P-{k:05d}") for k in range(5)]
    pages = rasterise(labels.render_batch("part", items, fmt=fmt), fmt, 203)
    assert [decode(p) for p in pages] == [{("Code128", item["part_number"])} for item in items]


@pytest.mark.parametrize("dpi,module", [(203, 2), (300, 3)])
def test_modules_are_whole_dots_at_least_a_quarter_millimetre_with_quiet_zones(dpi, module):
    data = dict(SAMPLES["part"], part_number="P-10001-ABCD")  # just fits a 50 mm label at the minimum module
    (bars,) = [e for e in place(templates.build("part", data), dpi).elements if isinstance(e, PlacedBars)]
    assert bars.module == module
    zpl = labels.render("part", data, fmt="zpl", dpi=dpi).decode()
    assert f"^BY{module}^BCN" in zpl
    image = ink(rasterise(labels.render("part", data, fmt="png", dpi=dpi), "png", dpi)[0])
    rows = image[bars.y:bars.y + bars.h]
    quiet = 10 * module
    assert not rows[:, bars.x - quiet:bars.x].any() and not rows[:, bars.x + bars.w:bars.x + bars.w + quiet].any()
    edges = np.flatnonzero(np.diff(rows[0].astype(int))) + 1 - bars.x
    assert all(edge % module == 0 for edge in edges), "every bar edge falls on a module boundary"


def test_code128_subsets_go_to_zpl_explicitly():
    zpl = labels.render("unit", SAMPLES["unit"], fmt="zpl").decode()
    assert "^FD>:SN>520250101000123^FS" in zpl  # start B "SN", switch to C for the digit pairs


@pytest.mark.parametrize("fmt", ["zpl", "tspl", "png", "pdf"])
def test_data_with_zpl_command_characters_still_scans(fmt):
    data = dict(SAMPLES["part"], part_number="A^B~C>D")
    job = labels.render("part", data, fmt=fmt)
    if fmt == "zpl":
        assert b"^BC" not in job, "such data goes as a bitmap, not through ^FD"
    assert decode(rasterise(job, fmt, 203)[0]) == {("Code128", "A^B~C>D")}


def test_other_label_sizes_reflow():
    data = SAMPLES["part"]
    (image,) = rasterise(labels.render("part", data, fmt="png", size_mm=(60, 40)), "png", 203)
    assert image.size == (480, 320)
    assert decode(image) == {("Code128", "P-10001")}


# --- the oracle notices polarity errors -------------------------------------------------------------------------

def _flip_gfa(job: bytes) -> bytes:
    def flip(m: re.Match) -> bytes:
        data = bytes(0xFF ^ b for b in bytes.fromhex(m[2].decode()))
        return m[1] + data.hex().upper().encode()
    return re.sub(rb"(\^GFA,\d+,\d+,\d+,)([0-9A-F]+)", flip, job)


def test_a_zpl_bitmap_with_inverted_polarity_is_caught():
    job = labels.render("unit", SAMPLES["unit"], fmt="zpl")
    good = ink(rasterise(job, "zpl", 203)[0])
    bad = ink(rasterise(_flip_gfa(job), "zpl", 203)[0])
    assert not np.array_equal(good, bad)
    assert ("QRCode", "SN20250101000123") not in decode(Image.fromarray(~bad))


def _flip_bitmaps(job: bytes) -> bytes:
    out, pos = bytearray(), 0
    for m in re.finditer(rb"BITMAP \d+,\d+,(\d+),(\d+),0,", job):
        if m.start() < pos:
            continue  # a match inside a payload
        end = m.end() + int(m[1]) * int(m[2])
        out += job[pos:m.end()] + bytes(0xFF ^ b for b in job[m.end():end])
        pos = end
    return bytes(out + job[pos:])


def test_a_tspl_bitmap_with_zpl_polarity_is_caught():
    job = labels.render("unit", SAMPLES["unit"], fmt="tspl")
    good, bad = (rasterise(j, "tspl", 203)[0] for j in (job, _flip_bitmaps(job)))
    assert ink(bad).mean() > ink(good).mean()  # text bitmaps print as black blocks
    assert decode(bad) != expected_symbols("unit", SAMPLES["unit"])


def test_png_is_one_bit_white_paper():
    image = Image.open(io.BytesIO(labels.render("bin", SAMPLES["bin"], fmt="png")))
    assert image.mode == "1" and image.info["dpi"] == pytest.approx((203, 203), rel=1e-3)
    assert ink(image)[0, 0] == False  # noqa: E712


def test_rendering_from_several_threads_gives_the_same_bytes():
    """Web requests and the print worker render at once; the shared font and caches must not mix them up."""
    items = [dict(SAMPLES["part"], part_number=f"T-{k:04d}", name=f"零件 {k}") for k in range(24)]
    expected = {(fmt, k): labels.render("part", item, fmt=fmt)
                for fmt in ("pdf", "zpl") for k, item in enumerate(items)}
    raster.glyph.cache_clear()
    raster.text_ink.cache_clear()
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = dict(zip(expected, pool.map(lambda key: labels.render("part", items[key[1]], fmt=key[0]), expected)))
    assert got == expected
