"""GS1 over biip: the AIs the old hand-kept table lacked, decimal and date AIs, the check digits of every keyed
identifier, and the project's API (scanners.gs1.parse, scanners.codes.classify) unchanged around them."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from scanners import codes, gs1

TODAY = dt.date(2026, 11, 23)
GTIN = "09501101530003"
GMN = "1987654Ad4X4bL5ttr2310c2K"  # the GMN example of the GS1 General Specifications (check pair "2K")
URL = "https://example.com/p/1?lang=zh"

# Each AI the old table refused with "unknown AI", with a value and what it parses to.
NEW_AIS = [
    ("3922", "12350", {"decimals": {"3922": Decimal("123.50")}}),  # amount payable, 2 decimals
    ("3922", "5", {"decimals": {"3922": Decimal("0.05")}}),  # fewer digits than decimal places
    ("3913", "1566995", {"decimals": {"3913": Decimal("6.995")}}),  # amount with ISO currency (156 = CNY)
    ("4300", "ACME%20AUTO%20PARTS", {}),  # ship-to company name (spaces percent-encoded, as GS1 asks)
    ("7011", "261231", {"dates": {"7011": dt.date(2026, 12, 31)}}),  # test-by date
    ("7011", "2701151430", {"dates": {"7011": dt.date(2027, 1, 15)}}),  # ... with a time
    ("714", "PT1234567", {}),  # national healthcare reimbursement number (Portugal AIM)
    ("7240", "PROTO-7", {}),  # protocol id
    ("8013", GMN, {}),  # global model number, with its check character pair
    ("8200", URL, {}),  # product URL
]


@pytest.mark.parametrize("ai, value, parsed", NEW_AIS)
@pytest.mark.parametrize("form", ["raw", "aim", "hri", "gs-led"])
def test_ais_the_old_table_lacked(ai, value, parsed, form):
    elements = {"01": GTIN, ai: value, "10": "LOT7"}
    raw = f"01{GTIN}{ai}{value}\x1d10LOT7"
    text = {"raw": raw, "aim": "]C1" + raw, "hri": f"(01){GTIN}({ai}){value}(10)LOT7", "gs-led": "\x1d" + raw}[form]
    msg = gs1.parse(text, today=TODAY)
    assert msg.elements == elements
    assert msg.gtin == GTIN and msg.lot == "LOT7"
    for attribute, expected in parsed.items():
        assert getattr(msg, attribute) == expected
    assert gs1.parse(msg.element_string(), today=TODAY) == msg
    assert gs1.parse(msg.hri(), today=TODAY) == msg


@pytest.mark.parametrize("prefix", ["]C1", "]d2", "]Q3", "]e0", "]J1"])
def test_every_gs1_symbology_identifier(prefix):
    msg = gs1.parse(f"{prefix}01{GTIN}3103001250\x1d3922995\x1d8200{URL}", today=TODAY)
    assert msg.decimals == {"3103": Decimal("1.250"), "3922": Decimal("9.95")}  # net kg, 3 decimals; price
    assert msg.elements["8200"] == URL


def test_dates_and_the_classification_of_a_supplier_carton():
    c = codes.classify(f"]d201{GTIN}17270500\x1d7011261130\x1d10B-42\x1d21SN9\x1d714PT12345\x1d3712")
    assert c.kind == "gs1"
    assert c.fields["gtin"] == GTIN and c.fields["lot"] == "B-42" and c.fields["serial"] == "SN9"
    assert c.fields["quantity"] == 12 and c.fields["elements"]["714"] == "PT12345"
    assert c.value == f"(01){GTIN}(17)270500(7011)261130(10)B-42(21)SN9(714)PT12345(37)12"
    msg = gs1.parse(c.value, today=TODAY)
    assert msg.expiry == dt.date(2027, 5, 31) and msg.dates["7011"] == dt.date(2026, 11, 30)


@pytest.mark.parametrize("text, message", [
    (f"(01){GTIN}(8013){GMN[:-1]}X", "wrong check character pair (expected 2K)"),
    ("(8013)AB", "wrong check character pair"),
    ("(402)12345678901234567", "wrong check digit (expected 0"),  # GSIN
    ("(414)9501101530004", "wrong check digit"),  # GLN, checked by biip
    ("(00)095011010000000017", "wrong check digit"),  # SSCC, checked by biip
    ("(8003)01234567890127X", "wrong check digit"),  # GRAI
    ("(3922)12a", "must be digits"),
    ("(3922)1234567890123456", "at most 15"),
    ("(4300)" + "A" * 36, "at most 35"),
    ("(7240)a b", "character outside"),
    ("(7011)261301", "month 13"),
    ("(7011)270229", "day 29"),
    ("(8200)", "has no data"),
    ("(7012)A", "unknown AI (7012)"),
    (f"01{GTIN}7012A", "unknown or ill-formed AI at position 16"),
    ("10" + "A" * 21 + "\x1d01" + GTIN, "at most 20"),  # a lot runs to its FNC1, not into the next AI
    ("]C0" + GTIN, "does not mark GS1"),
])
def test_malformed_strings_raise_clearly(text, message):
    with pytest.raises(gs1.GS1Error, match=message.replace("(", r"\(").replace(")", r"\)")):
        gs1.parse(text, today=TODAY)
    assert codes.classify(text).kind != "gs1"  # and classify never raises


def test_valid_check_digits_of_the_keys_biip_does_not_check():
    assert gs1.parse("(402)12345678901234560", today=TODAY).elements["402"] == "12345678901234560"
    assert gs1.parse("(8003)01234567890128", today=TODAY).elements["8003"] == "01234567890128"


_cset82 = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcxyz0123456789-./:_!%&'*+,;<=>?", min_size=1, max_size=20)


@given(lot=_cset82, company=_cset82, protocol=_cset82, body=_cset82,
       cents=st.integers(min_value=0, max_value=10**12), order=st.permutations(["10", "4300", "7240", "8013", "3922"]))
def test_round_trip_of_new_ais_between_forms(lot, company, protocol, body, cents, order):
    values = {"10": lot, "4300": company, "7240": protocol, "8013": body + gs1.check_pair(body), "3922": str(cents)}
    hri = f"(01){GTIN}" + "".join(f"({ai}){values[ai]}" for ai in order)
    msg = gs1.parse(hri, today=TODAY)
    assert msg.hri() == hri
    assert gs1.parse("]Q3" + msg.element_string(), today=TODAY) == msg
    assert msg.decimals["3922"] == Decimal(cents) / 100
