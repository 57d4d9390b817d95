import pytest

from scanners.codes import PATTERNS, classify


@pytest.mark.parametrize("scan, kind, value, fields", [
    ("N-A01-03", "bin", "N-A01-03", {"store": "NEW"}),
    ("R-B12-07\r\n", "bin", "R-B12-07", {"store": "RETURNED"}),
    ("  r-b12-07\t", "bin", "R-B12-07", {"store": "RETURNED"}),  # Caps Lock on the wedge scanner
    ("]C0N-A01-03", "bin", "N-A01-03", {"store": "NEW"}),        # AIM identifier stripped
    ("BC:N-A01-03:PN-48213-A", "card", "BC:N-A01-03:PN-48213-A",
     {"location": "N-A01-03", "part_number": "PN-48213-A", "store": "NEW"}),
    ("MODE:RECEIVE", "mode", "receive", {}),
    ("MODE:Issue\n", "mode", "issue", {}),
    ("MODE:TRANSFER", "mode", "transfer", {}),
    ("]Q1MODE:COUNT", "mode", "count", {}),
    ("MODE:INTAKE", "mode", "intake", {}),
    ("CL-20261103-0042", "claim", "CL-20261103-0042", {"date": "2026-11-03", "seq": 42}),
    ("cl-20261103-12345\r", "claim", "CL-20261103-12345", {"date": "2026-11-03", "seq": 12345}),
    ("SO-20261103-0042", "order", "SO-20261103-0042", {"date": "2026-11-03", "seq": 42}),
    ("TK-20260229-0001", "invalid", "TK-20260229-0001", None),  # 2026 has no 29 February
    ("TK-20280229-0001", "ticket", "TK-20280229-0001", {"date": "2028-02-29", "seq": 1}),
    ("RN-20261123-9999", "receipt", "RN-20261123-9999", {"date": "2026-11-23", "seq": 9999}),
    ("9501101530003", "gtin", "09501101530003", {"digits": "9501101530003"}),
    ("036000291452", "gtin", "00036000291452", {"digits": "036000291452"}),
    ("96385074", "gtin", "00000096385074", {"digits": "96385074"}),
    ("]E09501101530003", "gtin", "09501101530003", {"digits": "9501101530003"}),
    ("19501101530000", "gtin", "19501101530000", {"digits": "19501101530000"}),
    ("9501101530004", "text", "9501101530004", {}),  # bad check digit: a part number or serial, not a GTIN
    ("PN-48213-A", "text", "PN-48213-A", {}),
    ("SN123456789", "text", "SN123456789", {}),
    ("N-A1-03", "text", "N-A1-03", {}),
    ("X-A01-03", "text", "X-A01-03", {}),
    ("CL-20261303-0042", "invalid", "CL-20261303-0042", None),  # no 13th month
    ("CLM-202611-00042", "text", "CLM-202611-00042", {}),
    ("MODE:SHIP", "text", "MODE:SHIP", {}),
    ("BC:Q-A01-03:PN-1", "text", "BC:Q-A01-03:PN-1", {}),
    ("", "text", "", {}),
])
def test_classify(scan, kind, value, fields):
    c = classify(scan)
    assert (c.kind, c.value) == (kind, value)
    if fields is not None:
        assert c.fields == fields
    else:
        assert c.fields["reason"]


@pytest.mark.parametrize("scan", [
    "]C101095011015300031726120010LOT7\x1d21S1",
    "0109501101530003" "17261200" "10LOT7\x1d" "21S1",
    "(01)09501101530003(17)261200(10)LOT7(21)S1",
    "]d2(01)09501101530003(17)261200(10)LOT7(21)S1",
])
def test_gs1_forms(scan):
    c = classify(scan)
    assert c.kind == "gs1"
    assert c.value == "(01)09501101530003(17)261200(10)LOT7(21)S1"
    assert c.fields["gtin"] == "09501101530003"
    assert c.fields["lot"] == "LOT7"
    assert c.fields["serial"] == "S1"
    assert c.fields["expiry"] == "2026-12-31"
    assert c.fields["quantity"] is None


def test_gs1_quantity():
    assert classify("(02)09501101530003(37)24").fields["quantity"] == 24


@pytest.mark.parametrize("scan, reason", [
    ("(01)09501101530004(10)A", "check digit"),
    ("]C10109501101530004", "check digit"),
    ("(01)09501101530003(17)261399", "month 13"),
])
def test_malformed_gs1_is_invalid_not_an_exception(scan, reason):
    c = classify(scan)
    assert c.kind == "invalid"
    assert reason in c.fields["reason"]


def test_patterns_are_anchored():
    for kind, pattern in PATTERNS.items():
        assert pattern.pattern.startswith("^") and pattern.pattern.endswith("$"), kind


def test_to_dict_is_json_ready():
    assert classify("N-A01-03").to_dict() == {"kind": "bin", "value": "N-A01-03", "fields": {"store": "NEW"}}
