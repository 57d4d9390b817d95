"""Approval: adjustments through the ledger to @ADJUST, counts compared with the ledger as of the count, once only."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from tests.stocktake.conftest import account, card, issue, receive, rows_by_key
from warehouse.ledger import queries as ledger_queries
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Move, Valuation
from warehouse.stocktake import cards, services
from warehouse.stocktake.errors import OwnCount


def count(s, st, part, loc, physical, actor="ann", card_=None):
    return services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code,
                                 physical=physical, card=card_, actor=actor)


def moves(s) -> int:
    return s.scalar(select(func.count()).select_from(Move))


def test_adjustments_post_to_the_adjustment_location_and_all_three_agree(anydb):
    s = anydb
    lost, found = make_part(s), make_part(s)
    a, b = make_bin(s, "N-A01-01"), make_bin(s, "N-A01-02")
    ledger.receive(s, part_number=lost.part_number, location=a.code, qty=10, unit_cost=Decimal("20.00"), actor="c")
    ledger.receive(s, part_number=found.part_number, location=b.code, qty=4, unit_cost=Decimal("7.50"), actor="c")
    for part, loc in ((lost, a), (found, b)):
        cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c")
    st = services.open_stocktake(s, store="NEW", actor="boss")
    count(s, st, lost, a, 7)
    count(s, st, found, b, 6, card_=5)  # a paper card with a wrong balance
    result = services.approve(s, stocktake_id=st.id, actor="boss")
    assert result["state"] == "approved" and result["already_approved"] is False
    assert sorted((x["location"], x["qty"]) for x in result["adjustments"]) == [(a.code, -3), (b.code, 2)]
    posted = s.scalars(select(Move).where(Move.doc_no == f"ST-{st.id}").order_by(Move.id)).all()
    assert [(m.doc_type, m.from_location.code, m.to_location.code, m.qty) for m in posted] == [
        ("stocktake", a.code, "@ADJUST", 3), ("stocktake", "@ADJUST", b.code, 2)]
    assert posted[1].unit_cost == Decimal("7.5000")  # a gain enters at moving-average cost
    assert s.scalar(select(Valuation.value).where(Valuation.part_id == lost.id)) == Decimal("140.0000")
    assert ledger_queries.check_ledger(s) == []
    rows = rows_by_key(s, store="NEW", stocktake=st.id)
    assert {(r["account"], r["card"], r["physical"], r["status"]) for r in rows.values()} == {(7, 7, 7, "ok"),
                                                                                             (6, 6, 6, "ok")}


def test_approving_twice_posts_nothing_more(anydb):
    s = anydb
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 5)
    st = services.open_stocktake(s, store="NEW", actor="boss")
    count(s, st, part, loc, 4)
    services.approve(s, stocktake_id=st.id, actor="boss")
    before = moves(s)
    again = services.approve(s, stocktake_id=st.id, actor="boss2")
    assert (again["already_approved"], again["adjustments"], moves(s)) == (True, [], before)
    assert account(s, part, loc) == 4


def test_the_counter_may_not_approve_their_own_count(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 5)
    st = services.open_stocktake(s, store="NEW", actor="boss")
    count(s, st, part, loc, 4, actor="boss")
    before = moves(s)
    with pytest.raises(OwnCount):
        services.approve(s, stocktake_id=st.id, actor="boss")
    assert moves(s) == before
    assert services.approve(s, stocktake_id=st.id, actor="deputy")["adjustments"][0]["qty"] == -1


def test_receipts_and_issues_during_the_count_are_neither_lost_nor_double_counted(anydb):
    s = anydb
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 10)
    cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c")
    st = services.open_stocktake(s, store="NEW", actor="boss")
    receive(s, part, loc, 3)  # before the count: the counter sees these 13 on the shelf, minus one lost
    count(s, st, part, loc, 12)
    receive(s, part, loc, 5)  # after the count
    issue(s, part, loc, 2)
    cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="c")
    result = services.approve(s, stocktake_id=st.id, actor="boss")
    assert [x["qty"] for x in result["adjustments"]] == [-1]
    assert (account(s, part, loc), card(s, part, loc)) == (15, 15)  # 12 counted + 5 − 2 since
    row = rows_by_key(s, store="NEW", stocktake=st.id)[(loc.code, part.part_number)]
    assert (row["physical"], row["status"], row["moves_after_count"]) == (15, "ok", 3)
    assert ledger_queries.check_ledger(s) == []


def test_a_move_confirmed_after_the_count_is_not_counted_twice_on_the_card(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 10)
    cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c")
    receive(s, part, loc, 4)  # on the shelf at the count, but confirmed on the card only afterwards
    st = services.open_stocktake(s, store="NEW", actor="boss")
    count(s, st, part, loc, 14)
    cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="c")
    services.approve(s, stocktake_id=st.id, actor="boss")
    assert (account(s, part, loc), card(s, part, loc)) == (14, 14)
    assert cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="c")["card"] == 14
