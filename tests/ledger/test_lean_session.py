"""`warehouse.lean_session.LeanSession`, the unit of work of the stock endpoints and the scan step: it commits and
rolls back as a Session does, an ORM Session joins its transaction when a use case needs one (a counterparty made
on first use, in a savepoint), and closing it gives the connection back with nothing uncommitted kept. On SQLite and
on PostgreSQL."""
from __future__ import annotations

import os
from weakref import WeakKeyDictionary

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.catalog.models import Part
from warehouse.db import make_engine
from warehouse.errors import InsufficientStock
from warehouse import lean_session
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


# --- Keeping the connection between sessions (a single-threaded worker's) ---------------------------------------

@pytest.fixture
def slot():
    lean_session.release_kept()
    yield
    lean_session.release_kept()


def _dbapi(lean: LeanSession):
    return lean.connection().connection.dbapi_connection


def _open(dbapi) -> bool:
    try:
        dbapi.cursor().execute("select 1")
        dbapi.rollback()
        return True
    except Exception:
        return False


def _issue_one(engine, *, keep: bool):
    lean = LeanSession(engine, keep=keep)
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    dbapi = _dbapi(lean)
    lean.commit()
    lean.close()
    return dbapi


def _stock(engine, qty: int) -> None:
    lean = LeanSession(engine)
    ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=qty, actor="t")
    lean.commit()
    lean.close()


def test_a_kept_connection_serves_the_next_session_and_stays_out_of_the_pool(engine, slot):
    _stock(engine, 5)
    assert engine.pool.checkedout() == 0
    first = _issue_one(engine, keep=True)
    assert engine.pool.checkedout() == 1  # kept by this thread, idle
    assert _issue_one(engine, keep=True) is first
    lean_session.release_kept()
    assert engine.pool.checkedout() == 0
    _issue_one(engine, keep=False)
    assert engine.pool.checkedout() == 0  # without `keep` it goes straight back
    assert _on_hand(engine) == 2


def test_a_kept_connection_carries_nothing_uncommitted_to_the_next_session(engine, slot):
    _stock(engine, 5)
    lean = LeanSession(engine, keep=True)
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    with pytest.raises(InsufficientStock):
        ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=99, actor="t")
    lean.close()  # the use case failed: nothing of it is committed, and the connection is kept rolled back
    assert engine.pool.checkedout() == 1
    lean = LeanSession(engine, keep=True)
    assert not lean.in_transaction()
    assert _on_hand(engine) == 5
    ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=2, actor="t")
    lean.commit()
    lean.close()
    assert _on_hand(engine) == 3 and _count(engine, Move) == 2


def test_a_kept_connection_goes_back_after_a_while(engine, slot, monkeypatch):
    _stock(engine, 5)
    first = _issue_one(engine, keep=True)
    kept_since = lean_session._slot.kept.since
    monkeypatch.setattr(lean_session, "KEEP_SECONDS", 0.0)
    _issue_one(engine, keep=True)  # the kept one is too old: back to the pool, and a checkout from it
    assert lean_session._slot.kept.since > kept_since
    assert engine.pool.checkedout() == 1 and _open(first)  # returned, not leaked nor closed


def test_a_disposed_engine_s_kept_connection_is_closed_and_the_next_session_gets_a_new_one(engine, slot):
    _stock(engine, 5)
    first = _issue_one(engine, keep=True)
    engine.dispose()  # as a test's teardown, or a fork's child, does: a new pool
    second = _issue_one(engine, keep=True)
    assert second is not first and not _open(first)
    assert engine.pool.checkedout() == 1 and _on_hand(engine) == 3


def test_a_session_of_another_engine_releases_the_kept_connection(engine, slot, any_db_url):
    _stock(engine, 5)
    _issue_one(engine, keep=True)
    other = make_engine(any_db_url)
    try:
        lean = LeanSession(other, keep=True)
        assert lean.connection() is not None
        assert engine.pool.checkedout() == 0  # the first engine's connection is back in its pool
        lean.close()
        assert other.pool.checkedout() == 1
        lean_session.release_kept()
        assert other.pool.checkedout() == 0
    finally:
        other.dispose()


def test_a_lost_kept_connection_is_not_kept(pg_engine, slot):
    _stock(pg_engine, 5)
    first = _issue_one(pg_engine, keep=True)
    first.close()  # as a database restart leaves it
    lean = LeanSession(pg_engine, keep=True)
    with pytest.raises(OperationalError):  # the request answers 503 (service_app.errors)
        ledger.issue(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t")
    lean.close()
    assert pg_engine.pool.checkedout() == 0  # invalidated: not kept
    assert _issue_one(pg_engine, keep=True) is not first
    assert _on_hand(pg_engine) == 3


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_never_touches_the_parent_s_kept_connection(pg_engine, slot):
    """gunicorn forks its workers: a child that closed or reset the inherited connection would end or roll back the
    parent's database session. The child forgets it; the parent's connection goes on working."""
    _stock(pg_engine, 5)
    first = _issue_one(pg_engine, keep=True)
    pid = os.fork()
    if pid == 0:  # the child: the slot is empty, and making a session of its own does not touch the parent's
        code = 1
        try:
            code = 0 if lean_session._slot.kept is None else 2
            lean_session.release_kept()
            del first
            import gc
            gc.collect()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _issue_one(pg_engine, keep=True) is first  # still the parent's, still alive
    assert _on_hand(pg_engine) == 3


def test_the_document_counter_s_autocommit_connection_is_kept_too(pg_engine, slot):
    """A document number drawn on the stock path outside a receipt's move (an intake's note, `day_number`) comes
    from the counter incremented in autocommit on a second connection (so documents do not queue on its row): a kept
    session keeps that one as well, still in autocommit, and a number drawn in a rolled-back transaction stays
    used."""
    from warehouse.documents.services import day_number

    numbers = []
    for commit in (True, True, False, True):
        lean = LeanSession(pg_engine, keep=True)
        lean.connection()  # the transaction the number is drawn in
        numbers.append(day_number(lean, "RI"))
        lean.commit() if commit else lean.rollback()
        lean.close()
        if len(numbers) == 1:
            side = lean_session._slot.side
        assert lean_session._slot.side is side and side.conn is not lean_session._slot.kept.conn
    assert pg_engine.pool.checkedout() == 2
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["0001", "0002", "0003", "0004"]
    lean_session.release_kept()
    assert pg_engine.pool.checkedout() == 0


def test_a_receipt_is_numbered_in_its_move_s_statement(pg_engine, slot):
    """A receipt's note is numbered by its move's one statement (the counter's CTE): no second connection, and a
    receipt rolled back gives its number back."""
    numbers = []
    for commit in (True, True, False, True):
        lean = LeanSession(pg_engine, keep=True)
        numbers.append(ledger.receive(lean, part_number="LS-1", location="N-L01-01", qty=1, actor="t").doc_no)
        lean.commit() if commit else lean.rollback()
        lean.close()
    assert lean_session._slot.side is None and pg_engine.pool.checkedout() == 1
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["0001", "0002", "0003", "0003"]
    assert _on_hand(pg_engine) == 3
    lean_session.release_kept()
    assert pg_engine.pool.checkedout() == 0
