"""Rules of the ledger that are defined once: the bin/store-role check (every use case that moves, counts or confirms
stock in a bin refuses the other store's clerk, through `ledger.services.check_bin`) and the SQLite/PostgreSQL
insert switch (`warehouse.db.insert_for`). The cost rule has tests/test_cost.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from warehouse.errors import Forbidden, WrongStore
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Move
from warehouse.stocktake import cards
from warehouse.stocktake import services as stocktake
from warehouse.stocktake.models import StocktakeLine

ROOT = Path(__file__).resolve().parent.parent


def _arrange(s):
    part, a, b = make_part(s), make_bin(s, "N-A01-01"), make_bin(s, "N-A01-02")
    received = ledger.receive(s, part_number=part.part_number, location=a.code, qty=5, actor="c")
    cards.start_card(s, location=a.code, part_number=part.part_number, actor="c")
    st = stocktake.open_stocktake(s, store="NEW", actor="boss")
    pn = part.part_number
    return {
        "issue": lambda role: ledger.issue(s, part_number=pn, location=a.code, qty=1, actor="x", role=role),
        "transfer": lambda role: ledger.transfer(s, part_number=pn, from_location=a.code, to_location=b.code, qty=1,
                                                 actor="x", role=role),
        "reverse": lambda role: ledger.reverse(s, move_id=received.move_id, actor="x", role=role),
        "count": lambda role: stocktake.record_count(s, stocktake_id=st.id, part_number=pn, location=a.code,
                                                     physical=5, actor="x", role=role),
        "count_scan": lambda role: stocktake.count_scan(s, location=a.code, part_number=pn, actor="x", role=role),
        "start_card": lambda role: cards.start_card(s, location=a.code, part_number=pn, actor="x", role=role),
        "confirm_card": lambda role: cards.confirm_card(s, location=a.code, part_number=pn, actor="x", role=role),
    }


def _written(s) -> tuple[int, int]:
    return s.scalar(select(func.count()).select_from(Move)), s.scalar(select(func.count()).select_from(StocktakeLine))


@pytest.mark.parametrize("operation", ["issue", "transfer", "reverse", "count", "count_scan", "start_card",
                                       "confirm_card"])
def test_the_other_stores_clerk_is_refused_and_the_own_stores_clerk_is_not(engine_session, operation):
    s = engine_session
    act = _arrange(s)[operation]
    before = _written(s)
    with pytest.raises(Forbidden) as refused:
        act("returned_store_clerk")
    assert refused.value.params.get("location") == "N-A01-01"
    assert _written(s) == before
    act("new_store_clerk")  # the same call for the bin's own store goes through


def test_only_bins_hold_a_clerks_stock(engine_session):
    s = engine_session
    part = make_part(s)
    with pytest.raises(WrongStore):
        ledger.issue(s, part_number=part.part_number, location="@SUPPLIER", qty=1, actor="x")


def _sources(pattern: str) -> set[str]:
    return {str(p.relative_to(ROOT)) for p in (ROOT / "warehouse").rglob("*.py")
            if re.search(pattern, p.read_text(encoding="utf-8"))}


def test_each_rule_is_written_in_one_place():
    assert _sources(r"\bsqlalchemy\.dialects\b") == {"warehouse/db.py"}
    assert _sources(r"\bstore_allowed\(") == {"warehouse/accounts/roles.py", "warehouse/ledger/services.py",
                                              "warehouse/locations/services.py"}  # moves, and bin creation
    assert _sources(r"\bSTORE_OF_ROLE\b") == {"warehouse/accounts/roles.py"}
    assert len(re.findall(r"\bstore_allowed\(", (ROOT / "warehouse/ledger/services.py").read_text())) == 1
