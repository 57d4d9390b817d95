"""The ledger's use cases, directly against the domain (no Flask)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part
from warehouse.errors import (AlreadyReversed, Conflict, InsufficientStock, UnknownLocation, UnknownPart,
                              ValidationError, WrongStore)
from warehouse.ledger import queries, services as ledger
from warehouse.ledger.models import Balance, Move, Valuation


@pytest.fixture
def s(engine_session):
    return engine_session


def test_receive_issue_transfer_keep_balances_equal_to_moves(s):
    part = make_part(s)
    a, b = make_bin(s, "N-A01-01"), make_bin(s, "N-A01-02")
    r = ledger.receive(s, part_number=part.part_number, location=a.code, qty=10, actor="t")
    assert (r.qty_on_hand, r.doc_no[:3]) == (10, "RN-")
    assert ledger.issue(s, part_number=part.part_number, location=a.code, qty=3, actor="t").qty_on_hand == 7
    t = ledger.transfer(s, part_number=part.part_number, from_location=a.code, to_location=b.code, qty=2, actor="t")
    assert t.qty_on_hand == 2
    stock = queries.stock_of_part(s, part.part_number)
    assert stock["total"] == 7
    assert {row["location"]: row["qty"] for row in stock["locations"]} == {a.code: 5, b.code: 2}
    assert queries.check_ledger(s) == []


def test_over_issue_is_refused_and_writes_nothing(s):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    ledger.receive(s, part_number=part.part_number, location=a.code, qty=2, actor="t")
    before = s.scalar(select(Move.id).order_by(Move.id.desc()).limit(1))
    with pytest.raises(InsufficientStock) as e:
        ledger.issue(s, part_number=part.part_number, location=a.code, qty=3, actor="t")
    assert e.value.params["on_hand"] == 2
    assert s.scalar(select(Move.id).order_by(Move.id.desc()).limit(1)) == before
    assert s.scalar(select(Balance.qty).where(Balance.part_id == part.id)) == 2


def test_plain_receive_into_returned_store_is_wrong_store(s):
    part, r = make_part(s), make_bin(s, "R-A01-01", store="RETURNED")
    with pytest.raises(WrongStore):
        ledger.receive(s, part_number=part.part_number, location=r.code, qty=1, actor="t")


def test_transfer_between_stores_is_refused(s):
    part, n, r = make_part(s), make_bin(s, "N-A01-01"), make_bin(s, "R-A01-01", store="RETURNED")
    ledger.receive(s, part_number=part.part_number, location=n.code, qty=1, actor="t")
    with pytest.raises(WrongStore):
        ledger.transfer(s, part_number=part.part_number, from_location=n.code, to_location=r.code, qty=1, actor="t")


@pytest.mark.parametrize("qty", [0, -1, 1.5, "3", True, None, 10**9])
def test_bad_quantities(s, qty):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    with pytest.raises(ValidationError):
        ledger.receive(s, part_number=part.part_number, location=a.code, qty=qty, actor="t")
    assert s.scalar(select(Move.id)) is None


def test_unknown_part_and_bin(s):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    with pytest.raises(UnknownPart):
        ledger.receive(s, part_number="NOPE", location=a.code, qty=1, actor="t")
    with pytest.raises(UnknownLocation):
        ledger.receive(s, part_number=part.part_number, location="N-Z99-99", qty=1, actor="t")


def test_moving_average_cost(s):
    part, a = make_part(s, standard_cost="1"), make_bin(s, "N-A01-01")
    ledger.receive(s, part_number=part.part_number, location=a.code, qty=10, unit_cost=Decimal("10"), actor="t")
    ledger.receive(s, part_number=part.part_number, location=a.code, qty=30, unit_cost=Decimal("14"), actor="t")
    issued = ledger.issue(s, part_number=part.part_number, location=a.code, qty=4, actor="t")
    assert issued.unit_cost == Decimal("13.0000")  # (10×10 + 30×14) / 40
    val = s.get(Valuation, (part.id, "NEW"))
    assert (val.qty, Decimal(val.value).quantize(Decimal("0.01"))) == (36, Decimal("468.00"))
    ledger.issue(s, part_number=part.part_number, location=a.code, qty=36, actor="t")
    val = s.get(Valuation, (part.id, "NEW"))
    s.refresh(val)
    assert (val.qty, Decimal(val.value)) == (0, Decimal("0"))


def test_reverse_posts_mirror_once(s):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    r = ledger.receive(s, part_number=part.part_number, location=a.code, qty=5, actor="t")
    rv = ledger.reverse(s, move_id=r.move_id, actor="t", reason="wrong part")
    assert rv.qty_on_hand == 0
    mirror = s.get(Move, rv.move_id)
    assert (mirror.reverses_id, mirror.from_location_id, mirror.to_location_id) == (
        r.move_id, a.id, s.get(Move, r.move_id).from_location_id)
    with pytest.raises(AlreadyReversed):
        ledger.reverse(s, move_id=r.move_id, actor="t")
    with pytest.raises(Conflict):
        ledger.reverse(s, move_id=rv.move_id, actor="t")
    assert queries.check_ledger(s) == []


def test_reversing_a_receipt_whose_stock_was_issued_is_refused(s):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    r = ledger.receive(s, part_number=part.part_number, location=a.code, qty=5, actor="t")
    ledger.issue(s, part_number=part.part_number, location=a.code, qty=4, actor="t")
    with pytest.raises(InsufficientStock):
        ledger.reverse(s, move_id=r.move_id, actor="t")


def test_receipt_lines_share_a_document_and_numbers_are_sequential(s):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    first = ledger.receive(s, part_number=part.part_number, location=a.code, qty=1, actor="t")
    second = ledger.receive(s, part_number=part.part_number, location=a.code, qty=1, actor="t",
                            document=first.doc_no)
    third = ledger.receive(s, part_number=part.part_number, location=a.code, qty=1, actor="t")
    assert second.doc_no == first.doc_no
    assert int(third.doc_no[-4:]) == int(first.doc_no[-4:]) + 1


def test_as_of_balance_sums_moves_up_to_a_time(s):
    part, a = make_part(s), make_bin(s, "N-A01-01")
    r1 = ledger.receive(s, part_number=part.part_number, location=a.code, qty=5, actor="t")
    t1 = s.get(Move, r1.move_id).created_at
    ledger.receive(s, part_number=part.part_number, location=a.code, qty=7, actor="t")
    assert queries.balance_as_of(s, part_id=part.id, location_id=a.id, at=t1) == 5
