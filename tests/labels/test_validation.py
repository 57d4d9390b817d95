"""Bad label data is refused while the label is laid out, with a stable code and a message naming the field."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labels
from tests.labels.conftest import SAMPLES, decode, rasterise


def error(template, data, **kw) -> labels.LabelError:
    with pytest.raises(labels.LabelError) as caught:
        labels.validate(template, data, **kw)
    return caught.value


@pytest.mark.parametrize("template,data,code,field", [
    ("sticker", {}, "unknown_template", None),
    ("part", {"name": "刹车片"}, "missing_field", "part_number"),
    ("part", {"part_number": "  ", "name": "刹车片"}, "missing_field", "part_number"),
    ("shipment", dict(SAMPLES["shipment"], address=None), "missing_field", "address"),
    ("part", {"part_number": "P-1001-ABCDEFGHIJKL", "name": "刹车片"}, "too_long", "part_number"),
    ("part", {"part_number": "P-1", "name": "前刹车片总成" * 6}, "too_long", "name"),
    ("shipment", dict(SAMPLES["shipment"], address="上海市浦东新区张江路" * 30), "too_long", "address"),
    ("bin", {"code": "N-" + "A" * 200}, "too_long", "code"),
    ("part", {"part_number": "P-1001é", "name": "刹车片"}, "unencodable", "part_number"),
    ("part", {"part_number": " P-1001", "name": "刹车片"}, "bad_value", "part_number"),
    ("unit", {"serial": "序列号1", "model": "X"}, "unencodable", "serial"),
    ("part", {"part_number": "P-1", "name": "刹车片 \U0001F600"}, "unencodable", "name"),
    ("part", {"part_number": "P-1", "name": "刹车片\x07"}, "unencodable", "name"),
    ("part", ["P-1"], "bad_value", None),
    ("part", {"part_number": "P-1", "name": {"zh": "刹车片"}}, "bad_value", "name"),
    ("part", {"part_number": "P-1", "name": "x", "date": "tomorrow"}, "bad_value", "date"),
    ("shipment", dict(SAMPLES["shipment"], parcel=4), "bad_value", "parcel"),
    ("shipment", dict(SAMPLES["shipment"], parcels="three"), "bad_value", "parcels"),
    ("shipment", dict(SAMPLES["shipment"], parcel=0), "bad_value", "parcel"),
    ("bin_card", dict(SAMPLES["bin_card"], card_code="BC:N-A01-02:P-10001"), "bad_value", "card_code"),
    ("bin_card", dict(SAMPLES["bin_card"], opening_balance=-1), "bad_value", "opening_balance"),
])
def test_bad_data_is_refused_with_a_code_naming_the_field(template, data, code, field):
    err = error(template, data)
    assert err.code == code and err.field == field
    assert isinstance(err, ValueError)
    if field:
        assert repr(field) in err.message


def test_the_same_data_fits_a_wider_label():
    data = {"part_number": "P-1001-ABCDEFGHIJKL", "name": "刹车片"}
    assert error("part", data).code == "too_long"
    labels.validate("part", data, size_mm=(100, 30))


def test_too_long_says_how_much_room_the_barcode_needs():
    err = error("part", {"part_number": "P-1001-ABCDEFGHIJKL", "name": "刹车片"})
    assert "mm wide Code 128 at 203 dpi" in err.message and "50.0 mm" in err.message


@pytest.mark.parametrize("kw,field", [({"dpi": 72}, "dpi"), ({"size_mm": (10, 10)}, "size"),
                                      ({"size_mm": "big"}, "size")])
def test_bad_output_settings(kw, field):
    assert error("part", SAMPLES["part"], **kw).field == field


def test_unknown_format():
    with pytest.raises(labels.LabelError) as caught:
        labels.render("part", SAMPLES["part"], fmt="svg")
    assert caught.value.code == "bad_value" and caught.value.field == "format"


def test_a_batch_names_the_bad_label():
    items = [SAMPLES["part"], SAMPLES["part"], {"part_number": "P-3"}]
    with pytest.raises(labels.LabelError) as caught:
        labels.render_batch("part", items, fmt="zpl")
    assert caught.value.code == "missing_field" and caught.value.index == 2
    assert caught.value.message.startswith("label 3: ")


@pytest.mark.parametrize("items", [[], {}, "part", None])
def test_a_batch_needs_a_list_of_labels(items):
    with pytest.raises(labels.LabelError) as caught:
        labels.render_batch("part", items, fmt="pdf")
    assert caught.value.code == "bad_value"


def test_numbers_are_accepted_where_text_is_expected():
    job = labels.render("unit", {"serial": 20250101000123, "model": "KX"}, fmt="png")
    assert decode(rasterise(job, "png", 203)[0]) >= {("Code128", "20250101000123")}


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=11)
       .filter(lambda s: s.strip() == s))
def test_any_printable_ascii_that_fits_reads_back_from_zpl(part_number):
    """Code 128 subset choice, ZPL subset codes and the bitmap fallback for ^ ~ >, over arbitrary data."""
    job = labels.render("part", {"part_number": part_number, "name": "件"}, fmt="zpl")
    assert decode(rasterise(job, "zpl", 203)[0]) == {("Code128", part_number)}
