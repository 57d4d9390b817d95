import datetime as dt

import pytest
from hypothesis import given, strategies as st

from scanners import gs1

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("digits, ok", [
    ("09501101530003", True),   # GTIN-14
    ("9501101530003", True),    # GTIN-13
    ("036000291452", True),     # GTIN-12 (UPC-A)
    ("96385074", True),         # GTIN-8
    ("09501101530004", False),  # wrong check digit
    ("036000291453", False),
    ("0950110153000", False),   # 13 digits, wrong check
    ("12345", False),           # no GTIN length
    ("0950110153000X", False),
    ("", False),
])
def test_gtin_check_digit(digits, ok):
    assert gs1.gtin_check_digit_ok(digits) is ok


def test_raw_element_string_with_fnc1_and_symbology_identifier():
    msg = gs1.parse("]C101095011015300031726120010LOT7\x1d21S1\x1d3712", today=TODAY)
    assert list(msg.elements) == ["01", "17", "10", "21", "37"]
    assert msg.gtin == "09501101530003"
    assert msg.lot == "LOT7"
    assert msg.serial == "S1"
    assert msg.expiry == dt.date(2026, 12, 31)  # day 00 = last day of the month
    assert msg.quantity == 12


@pytest.mark.parametrize("prefix", ["", "]C1", "]d2", "]Q3", "]e0", "\x1d"])
def test_prefixes_and_leading_fnc1(prefix):
    msg = gs1.parse(prefix + "0109501101530003" "17260228" "10ABC", today=TODAY)
    assert msg.gtin == "09501101530003"
    assert msg.expiry == dt.date(2026, 2, 28)
    assert msg.lot == "ABC"


def test_parenthesised_form():
    msg = gs1.parse("(01)09501101530003(17)280229(10)A-1/2(30)5", today=TODAY)
    assert msg.elements == {"01": "09501101530003", "17": "280229", "10": "A-1/2", "30": "5"}
    assert msg.expiry == dt.date(2028, 2, 29)
    assert msg.quantity == 5


def test_parenthesised_form_invalid_day_raises():
    # 2027 is not a leap year: 29 February does not exist.
    with pytest.raises(gs1.GS1Error, match="day 29"):
        gs1.parse("(01)09501101530003(17)270229", today=TODAY)


def test_quantity_prefers_37_over_30():
    assert gs1.parse("(00)095011010000000018(37)48", today=TODAY).quantity == 48
    assert gs1.parse("(01)09501101530003(30)7(37)48", today=TODAY).quantity == 48
    assert gs1.parse("(01)09501101530003(30)7", today=TODAY).quantity == 7


def test_sliding_window_century():
    assert gs1.parse("(17)991231", today=TODAY).expiry == dt.date(1999, 12, 31)
    assert gs1.parse("(17)700101", today=TODAY).expiry == dt.date(2070, 1, 1)


@pytest.mark.parametrize("text, message", [
    ("(01)09501101530004", "wrong check digit"),
    ("0109501101530004", "wrong check digit"),
    ("(01)0950110153000", "needs 14 digits"),
    ("(99", "parenthesised form"),
    ("(01)09501101530003(00)1", "needs 18 digits"),
    ("(1)5", "parenthesised form"),
    ("(06)123", "unknown AI (06)"),
    ("01095011015300030612", "unknown or ill-formed AI"),
    ("(17)261301", "month 13"),
    ("(10)" + "X" * 21, "at most 20"),
    ("(10)ab c", "character outside"),
    ("(37)12a", "must be digits"),
    ("]C0ABC", "does not mark GS1"),
    ("", "empty"),
    ("]C1", "empty"),
    ("(10)A(10)B", "twice"),
])
def test_bad_data_raises_with_clear_message(text, message):
    with pytest.raises(gs1.GS1Error, match=message.replace("(", r"\(").replace(")", r"\)")):
        gs1.parse(text, today=TODAY)


def test_gs1error_is_a_valueerror():
    assert issubclass(gs1.GS1Error, ValueError)


def test_element_string_puts_gs_only_after_variable_fields():
    msg = gs1.parse("(01)09501101530003(10)L1(17)261231(21)S9", today=TODAY)
    assert msg.element_string() == "0109501101530003" "10L1\x1d" "17261231" "21S9"
    assert msg.hri() == "(01)09501101530003(10)L1(17)261231(21)S9"


_value = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-./", min_size=1, max_size=20)


@given(body=st.text(alphabet="0123456789", min_size=13, max_size=13), lot=_value, serial=_value,
       qty=st.integers(min_value=0, max_value=99_999_999), order=st.permutations(["10", "21", "37"]))
def test_round_trip_between_forms(body, lot, serial, qty, order):
    values = {"10": lot, "21": serial, "37": str(qty)}
    hri = f"(01){body}{gs1.check_digit(body)}" + "".join(f"({ai}){values[ai]}" for ai in order)
    msg = gs1.parse(hri, today=TODAY)
    assert gs1.parse(msg.element_string(), today=TODAY) == msg
    assert gs1.parse("]d2" + msg.element_string(), today=TODAY).hri() == hri
    assert msg.quantity == qty
