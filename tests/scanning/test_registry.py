"""The resolver registry: every kind we print or meet resolves, unknown and unreadable codes are refused by code,
and a new kind (or a new plain-text look-up) is added by registering a resolver, not by editing a chain."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part
from warehouse import scanning
from warehouse.catalog.models import Part
from warehouse.errors import UnknownCode, UnknownPart, ValidationError
from warehouse.ledger.services import receive


@pytest.fixture
def s(engine_session):
    make_part(engine_session, part_number="AC-100", name="压缩机", barcodes=["6901234567892", "SUP-77"])
    make_bin(engine_session, "N-A01-01")
    engine_session.commit()
    return engine_session


@pytest.mark.parametrize("code,expected", [
    ("AC-100", {"kind": "part", "part_number": "AC-100", "matched_by": "part_number"}),
    ("SUP-77", {"kind": "part", "part_number": "AC-100", "matched_by": "barcode"}),
    ("6901234567892", {"kind": "part", "part_number": "AC-100", "matched_by": "gtin"}),
    ("]C10106901234567892\x1d10LOT7", {"kind": "part", "part_number": "AC-100", "matched_by": "gtin"}),
    ("n-a01-01\r\n", {"kind": "location", "location": "N-A01-01", "store": "NEW"}),
    ("MODE:COUNT", {"kind": "mode", "mode": "count"}),
    ("BC:N-A01-01:AC-100", {"kind": "card", "location": "N-A01-01", "part_number": "AC-100", "store": "NEW"}),
])
def test_each_kind_resolves(s, code, expected):
    found = scanning.resolve(s, code)
    assert {k: found[k] for k in expected} == expected


def test_gs1_fields_come_with_the_part(s):
    found = scanning.resolve(s, "(01)06901234567892(10)L42(17)271231")
    assert found["gs1"] == {"gtin": "06901234567892", "lot": "L42", "expiry": "2027-12-31"}


def test_a_receipt_note_resolves(s):
    doc_no = receive(s, part_number="AC-100", location="N-A01-01", qty=1, actor="clerk").doc_no
    s.commit()
    assert scanning.resolve(s, doc_no.lower()) == {"kind": "receipt", "doc_no": doc_no}


@pytest.mark.parametrize("code,value", [
    ("NO-SUCH-THING", "NO-SUCH-THING"),            # plain text: no part number, no supplier barcode
    ("N-Z99-99", "N-Z99-99"),                      # our bin syntax, no such bin
    ("RN-20260101-0009", "RN-20260101-0009"),      # no such receipt note
    ("CL-20261103-0042", "CL-20261103-0042"),      # a claim number: no such claim
    ("4006381333931", "4006381333931"),            # a valid EAN-13 that no part carries
    ("(01)04006381333931(10)L1", "(01)04006381333931(10)L1"),  # the same in a GS1 string
])
def test_unknown_codes_are_unknown_code(s, code, value):
    with pytest.raises(UnknownCode) as e:
        scanning.resolve(s, code)
    assert e.value.code == "unknown_code" and e.value.params["code"] == value


@pytest.mark.parametrize("code,reason", [
    ("", "empty"), ("  \r\n", "empty"), ("x" * 513, "too_long"),
    ("(01)06901234567893", "unreadable"),  # wrong GTIN check digit
    ("TK-20260229-0001", "unreadable"),    # no 29 February in 2026
])
def test_unreadable_codes_are_invalid_input(s, code, reason):
    with pytest.raises(ValidationError) as e:
        scanning.resolve(s, code)
    assert e.value.code == "invalid_input" and e.value.params["field"] == "code"
    assert e.value.params["reason"] == reason


def test_a_new_kind_resolves_once_registered(s):
    code = "TK-20261103-0042"
    # Field service registers the ticket kind; take it out so a kind nobody resolves yet is what is tested.
    from warehouse.scanning import registry

    existing = registry._BY_KIND.get("ticket")
    if existing is not None:
        scanning.unregister(existing)
    try:
        with pytest.raises(UnknownCode):
            scanning.resolve(s, code)

        @scanning.resolver("ticket")
        def ticket(session, c):
            return scanning.Found({"kind": "ticket", "ticket_no": c.value, "date": c.fields["date"]})

        try:
            assert scanning.resolve(s, code.lower()) == {"kind": "ticket", "ticket_no": code, "date": "2026-11-03"}
            with pytest.raises(ValueError):  # one resolver per kind
                scanning.resolver("ticket")(ticket)
        finally:
            scanning.unregister(ticket)
    finally:
        if existing is not None:
            scanning.resolver("ticket")(existing)
    with pytest.raises(UnknownCode):
        scanning.resolve(s, code)


def test_plain_text_resolvers_run_in_their_order(s):
    seen = []

    @scanning.resolver("text", order=15)  # between part number (10) and supplier barcode (20)
    def unit_serial(session, c):
        seen.append(c.value)
        return scanning.Found({"kind": "unit", "serial": c.value}) if c.value.startswith("SN") else None

    try:
        assert scanning.resolve(s, "SN0042") == {"kind": "unit", "serial": "SN0042"}
        assert scanning.resolve(s, "AC-100")["kind"] == "part" and seen == ["SN0042"]  # part number came first
        assert scanning.resolve(s, "SUP-77")["matched_by"] == "barcode" and seen == ["SN0042", "SUP-77"]
    finally:
        scanning.unregister(unit_serial)
    with pytest.raises(UnknownCode):
        scanning.resolve(s, "SN0042")


def test_an_inactive_part_resolves_but_cannot_be_posted(s):
    """Its label still says what it is, but the ledger refuses it as it always has (the scan passes no ref)."""
    receive(s, part_number="AC-100", location="N-A01-01", qty=2, actor="clerk")
    s.commit()
    s.scalar(select(Part).where(Part.part_number == "AC-100")).active = False
    s.commit()
    assert scanning.resolve(s, "6901234567892")["part_number"] == "AC-100"
    with pytest.raises(UnknownPart):
        scanning.scan_step(s, code="6901234567892", mode="issue", location="N-A01-01", actor="clerk")
