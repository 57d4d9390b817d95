"""Property: whatever moves happen before and after the counts, approval leaves every counted bin–part at
"count + moves after the count", every other one untouched, the ledger sound, and every card equal to its account
once the shelf has confirmed the moves."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.factories import make_bin, make_part
from tests.stocktake.conftest import account, card
from warehouse.ledger import queries as ledger_queries
from warehouse.ledger import services as ledger
from warehouse.stocktake import cards, services

PAIRS = 4  # 2 parts × 2 bins

ops = st.lists(st.one_of(
    st.tuples(st.just("receive"), st.integers(0, PAIRS - 1), st.integers(1, 5)),
    st.tuples(st.just("issue"), st.integers(0, PAIRS - 1), st.integers(1, 5)),
    st.tuples(st.just("transfer"), st.integers(0, PAIRS - 1), st.integers(1, 5)),
    st.tuples(st.just("confirm"), st.integers(0, PAIRS - 1), st.just(0)),
    st.tuples(st.just("count"), st.integers(0, PAIRS - 1), st.integers(-3, 3)),  # shelf = account + this
), max_size=25)


@pytest.fixture
def world(s):
    parts = [make_part(s), make_part(s)]
    bins = [make_bin(s, "N-P01-01"), make_bin(s, "N-P01-02")]
    return s, [(p, b) for p in parts for b in bins]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_ledger_after_approval_is_counts_plus_later_moves(world, steps):
    s, pairs = world
    savepoint = s.begin_nested()
    try:
        _run(s, pairs, steps)
    finally:
        savepoint.rollback()


def _run(s, pairs, steps):
    for part, loc in pairs:
        ledger.receive(s, part_number=part.part_number, location=loc.code, qty=5, actor="clerk")
        cards.start_card(s, location=loc.code, part_number=part.part_number, actor="clerk")
    take = services.open_stocktake(s, store="NEW", actor="boss")
    counted: dict[int, int] = {}  # pair → count + net moves since (what the shelf must hold)
    untouched: dict[int, int] = {}

    def shelf(k):  # what can physically leave the bin now
        return counted.get(k, account(s, *pairs[k]))

    def moved(k, n):
        if k in counted:
            counted[k] += n

    for op, k, n in steps:
        part, loc = pairs[k]
        if op == "receive":
            ledger.receive(s, part_number=part.part_number, location=loc.code, qty=n, actor="clerk")
            moved(k, n)
        elif op == "issue" and min(shelf(k), account(s, part, loc)) >= n:
            ledger.issue(s, part_number=part.part_number, location=loc.code, qty=n, actor="clerk")
            moved(k, -n)
        elif op == "transfer" and min(shelf(k), account(s, part, loc)) >= n:
            j = k ^ 1  # the same part in the other bin
            ledger.transfer(s, part_number=part.part_number, from_location=loc.code, to_location=pairs[j][1].code,
                            qty=n, actor="clerk")
            moved(k, -n)
            moved(j, n)
        elif op == "confirm":
            cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="clerk")
        elif op == "count":
            physical = max(0, account(s, part, loc) + n)
            services.record_count(s, stocktake_id=take.id, part_number=part.part_number, location=loc.code,
                                  physical=physical, actor="ann")
            counted[k] = physical
    for k in range(PAIRS):
        if k not in counted:
            untouched[k] = account(s, *pairs[k])

    services.approve(s, stocktake_id=take.id, actor="boss")

    assert {k: account(s, *pairs[k]) for k in counted} == counted
    assert {k: account(s, *pairs[k]) for k in untouched} == untouched
    assert ledger_queries.check_ledger(s) == []
    for part, loc in pairs:
        cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="clerk")
        assert card(s, part, loc) == account(s, part, loc)
    again = services.approve(s, stocktake_id=take.id, actor="boss")
    assert again["already_approved"] and {k: account(s, *pairs[k]) for k in counted} == counted
