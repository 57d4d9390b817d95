"""Label test helpers: sample data for every template, rasterising and decoding every output, a test printer,
and print-queue databases (a tmp SQLite file; PostgreSQL in a throw-away schema when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy.orm import sessionmaker

from labels import preview
from labels.testprinter import TestPrinter

SAMPLES = {
    "part": {"part_number": "P-10001", "name": "前刹车片总成", "name_en": "Front brake pad assembly",
             "location": "N-A01-01", "date": "2025-01-02"},
    "bin": {"code": "N-A01-01", "store": "NEW"},
    "returned_part": {"claim_no": "CLM-2025-000123", "part_number": "P-10001", "name": "刹车片",
                      "dealer": "华东汽配 East Auto", "cause": "quality", "failure": "异响 noise",
                      "assessed_by": "王工", "assessed_on": "2025-03-01"},
    "unit": {"serial": "SN20250101000123", "model": "KX-3000 空气压缩机"},
    "shipment": {"order_no": "SO-2025-00042", "dealer": "华东汽配有限公司 East Auto Parts Co.",
                 "address": "上海市浦东新区张江路 1000 号 3 号楼 Room 301, Zhangjiang Rd, Pudong, Shanghai",
                 "parcel": 2, "parcels": 3, "date": "2025-05-06"},
    "bin_card": {"location": "N-A01-01", "part_number": "P-10001", "name": "前刹车片总成",
                 "name_en": "Front brake pad assembly", "opening_balance": 24, "card_code": "BC:N-A01-01:P-10001"},
}
# What each template's barcodes carry: (symbology, data field) pairs that must all be read back.
SYMBOLS = {
    "part": {("Code128", "part_number")},
    "bin": {("QRCode", "code"), ("Code128", "code")},
    "returned_part": {("Code128", "claim_no")},
    "unit": {("Code128", "serial"), ("DataMatrix", "serial")},  # Code 128 when it fits (see VINS in test_render)
    "shipment": {("Code128", "order_no")},
    "bin_card": {("QRCode", "card_code")},
}
# Chinese text each template prints (checked in the PDF text layer).
CHINESE = {"part": "前刹车片总成", "bin": "新件库", "returned_part": "华东汽配", "unit": "空气压缩机",
           "shipment": "张江路", "bin_card": "货位卡"}


def expected_symbols(template: str, data: dict) -> set[tuple[str, str]]:
    return {(symbology, str(data[field])) for symbology, field in SYMBOLS[template]}


def decode(image: Image.Image) -> set[tuple[str, str]]:
    """(symbology, text) of every symbol found; dark-on-light only, so a polarity error cannot slip through."""
    found = zxingcpp.read_barcodes(image.convert("L"), try_invert=False)
    return {(r.format.name, r.text) for r in found}


def ink(image: Image.Image) -> np.ndarray:
    """True where the label is black."""
    return np.asarray(image.convert("L")) < 128


def rasterise(job: bytes, fmt: str, dpi: int) -> list[Image.Image]:
    """Every output as images at the printer's dpi: PDF through pdfium, PNG as is, ZPL/TSPL through labels.preview."""
    if fmt == "png":
        return [Image.open(io.BytesIO(job))]
    if fmt == "zpl":
        return preview.zpl(job)
    if fmt == "tspl":
        return preview.tspl(job, dpi=dpi)
    # pdfium sizes the bitmap with ceil(points x scale) and stretches the page onto it; a hair under the exact
    # scale keeps a page of whole dots from gaining a pixel (and a 0.2% stretch) through float rounding.
    return [page.render(scale=dpi / 72 * (1 - 1e-6)).to_pil() for page in pdfium.PdfDocument(job)]


@pytest.fixture
def printer():
    with TestPrinter("zpl") as p:
        yield p


@pytest.fixture
def tspl_printer():
    with TestPrinter("tspl") as p:
        yield p


# --- print-queue databases ---------------------------------------------------------------------------------------
# The suite's own database fixtures (tests/conftest.py): a migrated SQLite file, or a fresh PostgreSQL schema.


def _sessions(url):
    from warehouse.db import make_engine

    engine = make_engine(url)
    yield sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def db(sqlite_url):
    """A sessionmaker on a fresh SQLite file."""
    yield from _sessions(sqlite_url)


@pytest.fixture
def any_db(any_db_url):
    """The same, on SQLite and on PostgreSQL (skipped with a reason without TEST_DATABASE_URL)."""
    yield from _sessions(any_db_url)
