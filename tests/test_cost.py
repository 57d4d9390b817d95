"""Moving-average cost and money rounding: one rule (warehouse.ledger.cost), the same digits from Python, from SQL on
SQLite and on PostgreSQL, and from every place that prices stock — the issue, the valuation it leaves, the average
cost a page shows, a stocktake gain and the reconciliation's valued difference."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Integer, literal, select
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import COST, make_engine
from warehouse.ledger import services as ledger
from warehouse.ledger.cost import moving_average, money, sql_money, sql_moving_average
from warehouse.ledger.models import Move, Valuation
from warehouse.ledger.queries import check_ledger, stock_of_part
from warehouse.reconciliation.queries import reconcile
from warehouse.stocktake import services as stocktake

# (value, qty, unit cost): halves go away from zero (half-even would give the even neighbour), large values keep
# every digit, and an average of integers is not an integer division.
AVERAGES = [
    ("14.0002", 4, "3.5001"),  # 3.50005
    ("0.0001", 2, "0.0001"),  # 0.00005
    ("0.0003", 2, "0.0002"),  # 0.00015
    ("0.0005", 10, "0.0001"),  # 0.00005
    ("2.6750", 1, "2.6750"),
    ("10", 3, "3.3333"),
    ("20", 3, "6.6667"),
    ("-0.0001", 2, "-0.0001"),  # a reversal can leave a negative value; halves still go away from zero
    ("-14.0002", 4, "-3.5001"),
    ("98765432109.8765", 7, "14109347444.2681"),  # 14109347444.268071…
    ("123456789012.3457", 2, "61728394506.1729"),  # …1728.5: a half at twelve integer digits
    ("99999999950.0000", 1_000_000, "100000.0000"),  # 99999.99995
    ("99999999949.9999", 1_000_000, "99999.9999"),  # 99999.9999499999
    ("4.0000", 1_000_000, "0.0000"),  # 0.000004
]
# (qty, unit cost, money)
AMOUNTS = [
    (50, "3.5001", "175.01"),  # 175.005
    (-50, "3.5001", "-175.01"),
    (1, "0.0050", "0.01"),  # 0.005
    (1, "2.6750", "2.68"),  # binary floating point has 2.67499999…
    (3, "0.0050", "0.02"),  # 0.015
    (7, "1.0007", "7.00"),  # 7.0049
    (1_000_000, "98765.4321", "98765432100.00"),
    (-999_999, "12345.6785", "-12345666154.32"),  # -12345666154.321500…5
]


@pytest.mark.parametrize("value,qty,expected", AVERAGES)
def test_moving_average_is_value_over_qty_at_four_places_half_up(value, qty, expected):
    assert str(moving_average(Decimal(value), qty)) == expected


def test_an_empty_store_prices_at_the_standard_cost():
    assert moving_average(Decimal("0"), 0, default=Decimal("12.34565")) == Decimal("12.3457")
    assert moving_average(Decimal("5"), 0, default=Decimal("7")) == Decimal("7.0000")


@pytest.mark.parametrize("qty,cost,expected", AMOUNTS)
def test_money_is_qty_times_cost_at_two_places_half_up(qty, cost, expected):
    assert money(qty, Decimal(cost)) == Decimal(expected)


@pytest.fixture
def session(any_db_url):
    eng = make_engine(any_db_url)
    s = Session(eng, expire_on_commit=False)
    yield s
    s.close()
    eng.dispose()


def test_sql_gives_the_same_digits_as_python(session):
    """The SQL builders on this database, from stored rows (SQLite stores NUMERIC as binary floating point)."""
    s = session
    rows = []
    for value, qty, _ in AVERAGES:
        part = make_part(s)
        s.add(Valuation(part_id=part.id, store="NEW", qty=qty, value=Decimal(value), last_cost=0))
        rows.append(part.id)
    s.commit()
    got = dict(s.execute(select(Valuation.part_id, sql_moving_average(Valuation.value, Valuation.qty))
                         .where(Valuation.part_id.in_(rows))).all())
    assert [got[pid] for pid in rows] == [Decimal(expected) for _, _, expected in AVERAGES]
    for qty, cost, expected in AMOUNTS:
        amount = s.scalar(select(sql_money(literal(qty, Integer), literal(Decimal(cost), COST))))
        assert (qty, cost, amount) == (qty, cost, Decimal(expected)) == (qty, cost, money(qty, Decimal(cost)))


def test_every_place_that_prices_stock_agrees_with_the_rule(session):
    """A store worth 14.0002 for 4 pieces: the average is 3.50005, so half-up (3.5001) and half-even (3.5000) differ,
    and 50 pieces at the rounded average are worth 175.005, a half cent."""
    s = session
    part, a = make_part(s, standard_cost="1.00"), make_bin(s, "N-A01-01")
    pn = part.part_number

    def valuation():
        s.expire_all()
        v = s.get(Valuation, (part.id, "NEW"))
        return Decimal(v.value), v.qty

    ledger.receive(s, part_number=pn, location=a.code, qty=2, unit_cost=Decimal("7"), actor="t")
    ledger.receive(s, part_number=pn, location=a.code, qty=2, unit_cost=Decimal("0.0001"), actor="t")
    s.commit()
    assert valuation() == (Decimal("14.0002"), 4)
    avg = moving_average(*valuation())
    assert avg == Decimal("3.5001")

    # the average a page and the API show
    assert stock_of_part(s, pn)["avg_cost"] == str(avg)

    # the reconciliation values a difference of +50 at that average
    st = stocktake.open_stocktake(s, store="NEW", actor="boss")
    stocktake.record_count(s, stocktake_id=st.id, part_number=pn, location=a.code, physical=54, actor="ann")
    s.commit()
    report = reconcile(s, store="NEW", stocktake=st.id)
    assert [r["value_diff"] for r in report["rows"]] == [str(money(50, avg))] == ["175.01"]
    assert report["value_diff_total"] == "175.01"
    paged = reconcile(s, store="NEW", stocktake=st.id, limit=10)  # the summary the database adds up
    assert paged["value_diff_total"] == "175.01"

    # the stocktake gain enters at that average
    stocktake.approve(s, stocktake_id=st.id, actor="boss")
    s.commit()
    gain = s.scalar(select(Move).where(Move.doc_type == "stocktake"))
    assert gain.unit_cost == avg
    value, qty = valuation()
    assert (value, qty) == (Decimal("14.0002") + 50 * avg, 54) == (Decimal("189.0052"), 54)

    # an issue prices at the average of the row it locks and takes exactly qty × that out of the value
    for n in (3, 7, 1):
        before, have = valuation()
        issued = ledger.issue(s, part_number=pn, location=a.code, qty=n, actor="t")
        s.commit()
        cost = moving_average(before, have)
        assert issued.unit_cost == cost == s.get(Move, issued.move_id).unit_cost
        assert valuation() == (before - n * cost, have - n)
        assert stock_of_part(s, pn)["avg_cost"] == str(moving_average(*valuation()))

    # the issue that empties the store takes what is left: no rounding residue stays behind
    ledger.issue(s, part_number=pn, location=a.code, qty=valuation()[1], actor="t")
    s.commit()
    assert valuation() == (Decimal("0"), 0)
    assert stock_of_part(s, pn)["avg_cost"] == "1.0000"  # the standard cost, at 4 places
    assert check_ledger(s) == []


def test_a_received_cost_is_booked_at_four_places_half_up(session):
    """A typed cost finer than the scale is refused at receive (nothing written); a cost handed to the single writer
    by an internal caller is rounded half-up once, so the move and the valuation get the same cost (before,
    PostgreSQL's column rounded the move's cost while the valuation kept qty × the unrounded one)."""
    from warehouse.errors import DomainError

    s = session
    part, a = make_part(s), make_bin(s, "N-A01-01")
    s.commit()
    with pytest.raises(DomainError) as refused:
        ledger.receive(s, part_number=part.part_number, location=a.code, qty=3, unit_cost=Decimal("0.00005"),
                       actor="t")
    s.rollback()
    assert refused.value.params["reason"] == "too_many_decimals"
    move = ledger.post_move(s, part=ledger.part_ref(s, part.part_number), qty=3,
                            src=ledger.loc_ref(s, "@SUPPLIER"), dst=ledger.loc_ref(s, a.code), doc_type="receipt",
                            actor="t", unit_cost=Decimal("0.00005"))
    s.commit()
    s.expire_all()
    v = s.get(Valuation, (part.id, "NEW"))
    assert (move.unit_cost, s.get(Move, move.id).unit_cost, Decimal(v.value)) == (
        Decimal("0.0001"), Decimal("0.0001"), Decimal("0.0003"))