"""`warehouse.lean_session.LeanSession`, the unit of work of the stock endpoints and the scan step: it commits and
rolls back as a Session does, an ORM Session joins its transaction when a use case needs one (a counterparty made
on first use, in a savepoint), and closing it gives the connection back with nothing uncommitted kept. On SQLite and
on PostgreSQL."""
from __future__ import annotations

from weakref import WeakKeyDictionary

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.catalog.models import Part
from warehouse.db import make_engine
from warehouse.errors import InsufficientStock
from warehouse.lean_session import LeanSession
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Balance, Move
from warehouse.locations.models import Location


@pytest.fixture
def engine(any_db_url):
    yield from _engine(any_db_url)


@pytest.fixture
def pg_engine(pg_url):
    yield from _engine(pg_url)


def _engine(url):
    eng = make_engine(url)
    with Session(eng) as s:
        make_part(s, part_number="LS-1", standard_cost="4.00")
        make_bin(s, "N-L01-01")
        s.commit()
    yield eng
    eng.dispose()


def _count(engine, what) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(what))


def _on_hand(engine) -> int | None:
    with Session(engine) as s:
        return s.scalar(select(Balance.qty).join(Location, Balance.location_id == Location.id)
                        .where(Location.code == "N-L01-01"))


def test_commit_keeps_rollback_and_close_discard(engine):
    lean = LeanSession(engine)
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=5, actor="t")
    lean.rollback()
    assert _count(engine, Move) == 0
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=2, actor="t")  # a new transaction begins
    lean.commit()
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=3, actor="t")
    lean.close()  # not committed: gone with the connection
    assert _count(engine, Move) == 1 and _on_hand(engine) == 2
    assert not lean.in_transaction()


def test_the_orm_joins_the_same_transaction(engine):
    lean = LeanSession(engine)
    part = make_part(lean, part_number="LS-2")  # an ORM add and flush, on the lean session's connection
    assert ledger.part_ref(lean, "LS-2").id == part.id  # seen by the hot statements of the same transaction
    lean.rollback()
    with Session(engine) as s:
        assert s.scalar(select(Part.id).where(Part.part_number == "LS-2")) is None
    make_part(lean, part_number="LS-3")
    make_bin(lean, "N-L01-02")  # pending in the ORM session: commit() flushes it first
    ledger.receive(lean, part_number="LS-3", location="N-L01-02", qty=1, actor="t")
    lean.commit()
    lean.close()
    with Session(engine) as s:
        assert s.scalar(select(Part.part_number).where(Part.part_number == "LS-3")) == "LS-3"
        assert s.scalar(select(Location.code).where(Location.code == "N-L01-02")) == "N-L01-02"


def test_a_counterparty_is_made_on_first_use_in_a_savepoint(engine, monkeypatch):
    monkeypatch.setattr(ledger, "_VIRTUAL_REFS", WeakKeyDictionary())  # this process has not met @CUSTOMER yet
    with Session(engine) as s:
        s.execute(delete(Location).where(Location.code == "@CUSTOMER"))
        s.commit()
    lean = LeanSession(engine)
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=4, actor="t")
    posted = ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.commit()
    lean.close()
    with Session(engine) as s:
        move = s.get(Move, posted.move_id)
        assert move.to_location.code == "@CUSTOMER" and move.to_location.kind == "customer"
    assert _on_hand(engine) == 3


def test_a_counterparty_made_in_a_transaction_that_rolls_back_is_not_remembered(engine, monkeypatch):
    monkeypatch.setattr(ledger, "_VIRTUAL_REFS", WeakKeyDictionary())
    with Session(engine) as s:
        s.execute(delete(Location).where(Location.code == "@CUSTOMER"))
        s.commit()
    lean = LeanSession(engine)
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=4, actor="t")
    lean.commit()
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")  # makes @CUSTOMER
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")  # reads this transaction's row
    lean.rollback()
    assert "@CUSTOMER" not in ledger._VIRTUAL_REFS.get(engine, {})
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")  # makes it again, for good
    lean.commit()
    lean.close()
    assert _on_hand(engine) == 3
    lean = LeanSession(engine)  # a later request reads the committed row and remembers it
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.commit()
    lean.close()
    with Session(engine) as s:
        customer = s.scalar(select(Location.id).where(Location.code == "@CUSTOMER"))
    assert ledger._VIRTUAL_REFS[engine]["@CUSTOMER"].id == customer
    assert _on_hand(engine) == 2


def test_a_refused_use_case_leaves_the_session_usable(engine):
    lean = LeanSession(engine)
    with pytest.raises(InsufficientStock):
        ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.rollback()
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.commit()
    lean.close()
    assert _on_hand(engine) == 1


def test_a_lost_connection_fails_the_use_case_and_the_next_one_gets_a_new_connection(pg_engine):
    """As a database restart leaves it: the statement fails (the API answers 503), nothing is half-written, and the
    same session's next transaction runs on a fresh connection."""
    lean = LeanSession(pg_engine)
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=2, actor="t")
    lean.commit()
    lean.connection().connection.dbapi_connection.close()
    with pytest.raises(OperationalError):
        ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.rollback()
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.commit()
    lean.close()
    assert _count(pg_engine, Move) == 2 and _on_hand(pg_engine) == 1
