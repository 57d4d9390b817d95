"""Every status and cause of the reconciliation, the value of differences, and the store-wide view — on SQLite and
PostgreSQL (the status and cause are SQL)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_bin, make_part
from tests.stocktake.conftest import receive, rows_by_key
from warehouse.errors import ValidationError
from warehouse.ledger import services as ledger
from warehouse.reconciliation.queries import reconcile
from warehouse.stocktake import cards, services


def _stocked(s, code, qty, *, cost="10.00", started=True):
    part, loc = make_part(s), make_bin(s, code)
    ledger.receive(s, part_number=part.part_number, location=loc.code, qty=qty, unit_cost=Decimal(cost), actor="c")
    if started:
        cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c")
    return part, loc


def _count(s, st, part, loc, physical, card=None, actor="counter"):
    return services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code,
                                 physical=physical, card=card, actor=actor)


# (physical, typed card, receipts not confirmed on the card) → (status, cause); each case in a bin of its own.
CASES = [
    (None, None, 0, "not_counted", None),
    (10, None, 0, "ok", None),
    (8, None, 0, "account_physical", "miscount"),        # a = c ≠ p
    (12, None, 2, "card_account", "unconfirmed_moves"),  # a = p ≠ c: a receipt never confirmed on the card
    (7, 7, 0, "card_physical", "miscount"),              # c = p ≠ a: the account is the odd one
    (8, 9, 0, "all_differ", "miscount"),
    (10, 9, 0, "card_account", "unconfirmed_moves"),     # a paper card that missed a movement
]


def test_every_status_and_cause(anydb):
    s = anydb
    stocked = []
    for k, (physical, typed_card, unconfirmed, *_) in enumerate(CASES):
        part, loc = _stocked(s, f"N-A01-{k + 1:02d}", 10)
        if unconfirmed:
            receive(s, part, loc, unconfirmed)
        stocked.append((part, loc))
    st = services.open_stocktake(s, store="NEW", actor="boss")
    for (part, loc), (physical, typed_card, *_) in zip(stocked, CASES):
        if physical is not None:
            _count(s, st, part, loc, physical, typed_card)
    rows = rows_by_key(s, store="NEW", stocktake=st.id)
    for (part, loc), (physical, typed_card, unconfirmed, status, cause) in zip(stocked, CASES):
        row = rows[(loc.code, part.part_number)]
        assert (row["status"], row["cause"]) == (status, cause), row
        assert (row["account"], row["physical"]) == (10 + unconfirmed, physical)
        assert row["card"] == (typed_card if typed_card is not None else 10)
    summary = reconcile(s, store="NEW", stocktake=st.id)["summary"]
    assert summary == {"ok": 1, "account_physical": 1, "card_account": 2, "card_physical": 1, "all_differ": 1,
                       "not_counted": 1}


def test_value_of_difference_at_moving_average_cost(anydb):
    s = anydb
    part, loc = _stocked(s, "N-A01-01", 10, cost="12.50", started=False)
    ledger.receive(s, part_number=part.part_number, location=loc.code, qty=10, unit_cost=Decimal("13.75"), actor="c")
    cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c")
    st = services.open_stocktake(s, store="NEW", actor="boss")
    _count(s, st, part, loc, 17)
    report = reconcile(s, store="NEW", stocktake=st.id)
    row = report["rows"][0]
    assert row["value_diff"] == "-39.38"  # −3 × 13.125
    assert report["value_diff_total"] == "-39.38"
    assert report["summary"]["account_physical"] == 1


def test_part_found_in_the_wrong_bin(anydb):
    s = anydb
    part, a = _stocked(s, "N-A01-01", 5)
    b = make_bin(s, "N-A01-02")
    other, c = _stocked(s, "N-A01-03", 4)
    st = services.open_stocktake(s, store="NEW", actor="boss")
    _count(s, st, part, a, 3)
    _count(s, st, part, b, 2)  # never booked here: the ledger has no balance for it
    _count(s, st, other, c, 3)
    rows = rows_by_key(s, store="NEW", stocktake=st.id)
    assert rows[(a.code, part.part_number)]["cause"] == "wrong_bin"
    found = rows[(b.code, part.part_number)]
    assert (found["account"], found["physical"], found["status"], found["cause"]) == (0, 2, "account_physical",
                                                                                       "wrong_bin")
    assert rows[(c.code, other.part_number)]["cause"] == "miscount"  # −1 with no +1 elsewhere


def test_moves_after_the_count_are_projected_not_differences(anydb):
    s = anydb
    part, loc = _stocked(s, "N-A01-01", 10)
    st = services.open_stocktake(s, store="NEW", actor="boss")
    _count(s, st, part, loc, 10)
    receive(s, part, loc, 5)
    cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="c")
    row = rows_by_key(s, store="NEW", stocktake=st.id)[(loc.code, part.part_number)]
    assert (row["account"], row["card"], row["physical"]) == (15, 15, 15)
    assert (row["status"], row["cause"], row["moves_after_count"]) == ("ok", "moves_after_count", 5)


def test_store_view_covers_every_bin_and_counts_of_open_stocktakes(anydb):
    s = anydb
    p1, a = _stocked(s, "N-A01-01", 3)
    p2, b = _stocked(s, "N-B01-01", 4, started=False)
    st = services.open_stocktake(s, store="NEW", actor="boss", locations=[a.code])
    _count(s, st, p1, a, 2)
    rows = rows_by_key(s, store="NEW")
    assert rows[(a.code, p1.part_number)]["status"] == "account_physical"
    assert (rows[(b.code, p2.part_number)]["status"], rows[(b.code, p2.part_number)]["cause"]) == (
        "not_counted", "unconfirmed_moves")
    assert set(rows_by_key(s, store="NEW", zone="B")) == {(b.code, p2.part_number)}
    only = reconcile(s, store="NEW", status="account_physical")
    assert [r["location"] for r in only["rows"]] == [a.code]
    assert only["summary"]["not_counted"] == 1  # the summary covers every status, whatever the filter
    assert reconcile(s, store="RETURNED")["rows"] == []
    # The stocktake's own view is limited to its bins; its store is implied.
    assert set(rows_by_key(s, store=None, stocktake=st.id)) == {(a.code, p1.part_number)}


def test_bad_filters(s):
    with pytest.raises(ValidationError):
        reconcile(s, store="OLD")
    with pytest.raises(ValidationError):
        reconcile(s, store="NEW", status="fine")
    with pytest.raises(ValidationError):
        reconcile(s, store=None)
    st = services.open_stocktake(s, store="NEW", actor="b", locations=[make_bin(s, "N-A01-01").code])
    with pytest.raises(ValidationError):
        reconcile(s, store="RETURNED", stocktake=st.id)


def test_a_count_supersedes_the_bin_parts_count_in_other_open_stocktakes(anydb):
    s = anydb
    part, a = _stocked(s, "N-A01-01", 6)
    b = make_bin(s, "N-A01-02")
    first = services.open_stocktake(s, store="NEW", actor="boss", locations=[a.code, b.code])
    second = services.open_stocktake(s, store="NEW", actor="boss", locations=[a.code])
    _count(s, first, part, a, 5)
    _count(s, second, part, a, 4)
    _count(s, first, part, b, 2)
    store = rows_by_key(s, store="NEW")
    assert store[(a.code, part.part_number)]["physical"] == 4
    assert (store[(a.code, part.part_number)]["cause"], store[(b.code, part.part_number)]["cause"]) == (
        "wrong_bin", "wrong_bin")  # −2 here, +2 there
    assert rows_by_key(s, store="NEW", stocktake=first.id)[(a.code, part.part_number)]["status"] == "not_counted"
    services.approve(s, stocktake_id=second.id, actor="deputy")
    assert [x["qty"] for x in services.approve(s, stocktake_id=first.id, actor="deputy")["adjustments"]] == [2]
    rows = rows_by_key(s, store="NEW")
    assert (rows[(a.code, part.part_number)]["account"], rows[(b.code, part.part_number)]["account"]) == (4, 2)
