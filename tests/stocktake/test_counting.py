"""Counting: blind scans and typed counts, two counters, recounts, finishing a bin, scopes and cycle plans."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.factories import make_bin, make_part
from tests.stocktake.conftest import issue, receive, rows_by_key
from warehouse.db import utcnow
from warehouse.errors import ValidationError, WrongStore
from warehouse.ledger.models import Move
from warehouse.stocktake import services
from warehouse.stocktake.errors import (LineApproved, NoOpenStocktake, NotInStocktake, SameCounter,
                                        StocktakeClosed)
from warehouse.stocktake.models import StocktakeLine
from warehouse.stocktake.queries import sheet


@pytest.fixture
def shelf(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 10)
    return part, loc


def scan(s, part, loc, actor, qty=1, stocktake=None):
    return services.count_scan(s, location=loc.code, part_number=part.part_number, actor=actor, qty=qty,
                               stocktake=stocktake)


def bins_of(s, st) -> list[str]:
    return [b["location"] for b in sheet(s, st, reveal=False)["bins"]]


def lines(s, st):
    return s.scalars(select(StocktakeLine).where(StocktakeLine.stocktake_id == st.id)
                     .order_by(StocktakeLine.id)).all()


def test_a_scan_adds_to_the_count_and_reveals_nothing_expected(s, shelf):
    part, loc = shelf
    st = services.open_stocktake(s, store="NEW", actor="boss")
    assert scan(s, part, loc, "ann") == {"kind": "part", "mode": "count", "part_number": part.part_number,
                                         "location": loc.code, "counted": 1, "stocktake": st.id}
    assert scan(s, part, loc, "ann", qty=4)["counted"] == 5
    [line] = lines(s, st)
    assert (line.physical, line.account_at_count, line.state, line.is_current) == (5, 10, "counted", True)


def test_two_counters_on_one_bin_part_the_later_count_supersedes(s, shelf):
    part, loc = shelf
    st = services.open_stocktake(s, store="NEW", actor="boss")
    scan(s, part, loc, "ann", qty=3)
    assert scan(s, part, loc, "bob", qty=2)["counted"] == 2  # bob's own tally, not added to ann's
    assert scan(s, part, loc, "ann")["counted"] == 4  # ann goes on with hers and is now the latest
    states = [(line.counter, line.physical, line.state, line.is_current) for line in lines(s, st)]
    assert states == [("ann", 3, "superseded", False), ("bob", 2, "superseded", False), ("ann", 4, "counted", True)]
    services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code, physical=9,
                          actor="bob")
    assert rows_by_key(s, store="NEW", stocktake=st.id)[(loc.code, part.part_number)]["physical"] == 9


def test_rejected_lines_are_recounted_by_someone_else(s, shelf):
    part, loc = shelf
    st = services.open_stocktake(s, store="NEW", actor="boss")
    services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code, physical=6,
                          actor="ann")
    assert services.reject(s, stocktake_id=st.id, lines=[{"part_number": part.part_number, "location": loc.code}],
                           actor="boss") == {"id": st.id, "rejected": 1}
    with pytest.raises(SameCounter):
        scan(s, part, loc, "ann")
    approval = services.approve(s, stocktake_id=st.id, actor="boss")
    assert (approval["state"], approval["adjustments"], approval["awaiting_recount"]) == ("open", [], 1)
    recount = services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code,
                                    physical=10, actor="bob")
    rejected = lines(s, st)[0]
    assert (rejected.state, recount.recount_of) == ("rejected", rejected.id)
    with pytest.raises(SameCounter):  # nor may ann overrule the recount
        services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code, physical=6,
                              actor="ann")
    approval = services.approve(s, stocktake_id=st.id, actor="boss")
    assert (approval["state"], approval["approved_lines"], approval["adjustments"]) == ("approved", 1, [])


def test_finishing_a_bin_counts_what_nobody_found_as_zero(s, shelf):
    part, loc = shelf
    other, gone = make_part(s), make_part(s)
    receive(s, other, loc, 2)
    receive(s, gone, loc, 1)
    st = services.open_stocktake(s, store="NEW", actor="boss")
    scan(s, other, loc, "ann", qty=2)
    done = services.finish_bin(s, stocktake_id=st.id, location=loc.code, actor="ann")
    assert set(done) == {"stocktake", "location", "done_by", "done_at"}  # blind: no list of what was missing
    rows = rows_by_key(s, store="NEW", stocktake=st.id)
    assert {pn: r["physical"] for (_, pn), r in rows.items()} == {part.part_number: 0, other.part_number: 2,
                                                                 gone.part_number: 0}


def test_counting_outside_the_stocktake_is_refused(s, shelf):
    part, loc = shelf
    elsewhere = make_bin(s, "N-B01-01")
    filters = make_part(s, category="附件")
    st = services.open_stocktake(s, store="NEW", actor="boss", locations=[loc.code], category="电控")
    with pytest.raises(NotInStocktake):
        scan(s, part, elsewhere, "ann", stocktake=st.id)
    with pytest.raises(NoOpenStocktake):
        scan(s, part, elsewhere, "ann")
    with pytest.raises(NotInStocktake):  # a part outside the category counted
        scan(s, filters, loc, "ann")
    with pytest.raises(ValidationError):
        services.record_count(s, stocktake_id=st.id, part_number=part.part_number, location=loc.code,
                              physical=-1, actor="ann")


def test_approved_lines_and_closed_stocktakes_take_no_more_counts(s, shelf):
    part, loc = shelf
    other = make_part(s)
    st = services.open_stocktake(s, store="NEW", actor="boss")
    scan(s, part, loc, "ann", qty=10)
    scan(s, other, loc, "ann")
    services.reject(s, stocktake_id=st.id, lines=[{"part_number": other.part_number, "location": loc.code}],
                    actor="boss")
    services.approve(s, stocktake_id=st.id, actor="boss")  # stays open: one line awaits its recount
    with pytest.raises(LineApproved):
        scan(s, part, loc, "bob")
    scan(s, other, loc, "bob")
    services.approve(s, stocktake_id=st.id, actor="boss")
    with pytest.raises(StocktakeClosed):
        scan(s, other, loc, "bob", stocktake=st.id)


def test_scopes(s):
    bins = {code: make_bin(s, code) for code in ("N-A01-01", "N-A01-02", "N-A02-01", "N-B01-01")}
    make_bin(s, "R-A01-01", store="RETURNED")

    def scoped(**kw):
        return bins_of(s, services.open_stocktake(s, store="NEW", actor="boss", **kw))

    assert scoped() == sorted(bins)
    assert scoped(zone="a") == ["N-A01-01", "N-A01-02", "N-A02-01"]
    assert scoped(bin_from="N-A01-02", bin_to="N-A02-99") == ["N-A01-02", "N-A02-01"]
    assert scoped(locations=["n-b01-01"]) == ["N-B01-01"]
    with pytest.raises(WrongStore):
        scoped(locations=["R-A01-01"])
    with pytest.raises(ValidationError):
        scoped(zone="Z")
    with pytest.raises(ValidationError):
        services.open_stocktake(s, store="OLD", actor="boss")


def test_cycle_plan_counts_fast_movers_more_often(s):
    parts = [make_part(s) for _ in range(5)]
    bins = [make_bin(s, f"N-C01-{k + 1:02d}") for k in range(5)]
    for part, loc in zip(parts, bins):
        receive(s, part, loc, 20)
    for _ in range(8):  # part 0 is the fast mover: class A (top fifth)
        issue(s, parts[0], bins[0], 1)
    first = services.open_stocktake(s, store="NEW", actor="boss", plan="cycle")
    assert bins_of(s, first) == [b.code for b in bins]  # never counted: all are due
    for part, loc in zip(parts, bins):
        scan(s, part, loc, "ann", qty=20 - (8 if part is parts[0] else 0))
    services.approve(s, stocktake_id=first.id, actor="boss")
    s.execute(update(StocktakeLine).values(reviewed_at=utcnow() - timedelta(days=40)))
    second = services.open_stocktake(s, store="NEW", actor="boss", plan="cycle")
    assert bins_of(s, second) == [bins[0].code]
    assert second.scope == "cycle count"
    assert s.scalar(select(Move.id).where(Move.doc_type == "stocktake")) is None  # the counts were right
