"""`warehouse.db.hot`: the ledger's pre-built statements sent on the psycopg cursor (PostgreSQL) answer what
`conn.execute` answers, raise SQLAlchemy's exceptions, apply the same bind processors, and step aside for anyone
who watches statements. On SQLite it is `conn.execute` itself."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import _HotRows, hot, make_engine
from warehouse.idempotency import _LOOKUP, _REMEMBER
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Move


@pytest.fixture
def shelf(any_db_url):
    yield from _shelf(any_db_url)


@pytest.fixture
def pg_shelf(pg_url):
    yield from _shelf(pg_url)


def _shelf(url):
    engine = make_engine(url)
    s = Session(engine, expire_on_commit=False)
    make_part(s, part_number="HP-1", standard_cost="12.50")
    make_bin(s, "N-H01-01")
    s.commit()
    ledger.receive(s, part_number="HP-1", location="N-H01-01", qty=5, actor="setup", unit_cost="12.5000")
    s.commit()
    yield s
    s.close()
    engine.dispose()


def _both(s, stmt, params):
    """The hot answer and the plain one, in the same transaction."""
    conn = s.connection()
    return hot(conn, stmt, params).first(), conn.execute(stmt, params).first()


def test_the_hot_path_is_taken_on_postgresql_only(shelf):
    answer = hot(shelf.connection(), ledger._PART, {"pn": "HP-1"})
    assert isinstance(answer, _HotRows) == (shelf.get_bind().dialect.name == "postgresql")
    shelf.rollback()


def test_reads_answer_as_execute_does(shelf):
    hot_row, row = _both(shelf, ledger._PART_AND_BIN, {"pn": "HP-1", "code": "N-H01-01"})
    assert tuple(hot_row) == tuple(row) and hot_row.part_number == "HP-1" and hot_row[5] == "N-H01-01"
    assert _both(shelf, ledger._PART, {"pn": "NO-SUCH"}) == (None, None)
    shelf.rollback()


def test_a_statement_with_a_bound_literal_and_returning(shelf):
    """The valuation UPDATE carries a literal 0 of its own (a compiled default parameter)."""
    conn = shelf.connection()
    cost = hot(conn, ledger._VALUE_OUT[True], {"p": ledger.part_ref(shelf, "HP-1").id, "s": "NEW", "n": 5}).scalar()
    assert cost == pytest.approx(12.5)
    value = conn.exec_driver_sql("SELECT value, qty FROM valuation").first()
    assert (float(value[0]), value[1]) == (0.0, 0)  # all 5 out: the CASE's literal 0
    shelf.rollback()


def test_a_duplicate_key_raises_sqlalchemys_integrity_error(shelf):
    conn = shelf.connection()
    row = {"key": "u:dup", "request_hash": "h", "status": 201, "body": "{}",
           "created_at": datetime.now(timezone.utc)}
    hot(conn, _REMEMBER, row)
    with pytest.raises(IntegrityError):
        hot(conn, _REMEMBER, row)
    shelf.rollback()
    assert shelf.connection().execute(_LOOKUP, {"k": "u:dup"}).first() is None  # rolled back, nothing kept
    shelf.rollback()


def test_a_naive_time_is_stored_as_utc_as_execute_stores_it(shelf):
    """The UTC type's bind processor runs on the hot path too."""
    if shelf.get_bind().dialect.name == "postgresql":  # a naive time sent as is would be read as Shanghai's
        shelf.connection().exec_driver_sql("SET TIME ZONE 'Asia/Shanghai'")
    part, src, dst = ledger.part_ref(shelf, "HP-1"), ledger.loc_ref(shelf, "N-H01-01"), \
        ledger.loc_ref(shelf, "@CUSTOMER")
    move = ledger.post_move(shelf, part=part, qty=1, src=src, dst=dst, doc_type="issue", actor="t",
                            at=datetime(2026, 11, 30, 8, 0, 0))
    shelf.commit()
    at = shelf.scalar(select(Move.created_at).where(Move.id == move.id))
    assert at == datetime(2026, 11, 30, 8, 0, 0, tzinfo=timezone.utc)


def test_a_statement_listener_sees_every_statement(shelf):
    """Anyone watching statements (the SQL log, the statement-counting tests) gets SQLAlchemy's path."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(shelf.get_bind(), "before_cursor_execute", record)
    try:
        ledger.issue(shelf, part_number="HP-1", location="N-H01-01", qty=1, actor="t")
        shelf.commit()
    finally:
        event.remove(shelf.get_bind(), "before_cursor_execute", record)
    # On PostgreSQL the balance, the valuation and the move go in one statement (ledger.services._post_at_once).
    assert any("UPDATE balance" in s for s in seen) and any("INSERT INTO move" in s for s in seen)


def test_one_cursor_per_connection_and_a_new_one_after_the_connection_is_lost(pg_shelf):
    """The cursor kept with a database connection answers each statement in turn; once that connection is lost
    (a restarted database) its cursor goes with it, and a cursor of another connection is never used."""
    shelf = pg_shelf
    conn = shelf.connection()
    first = hot(conn, ledger._PART, {"pn": "HP-1"}).first()
    kept = conn.connection.info["hot_cursor"]
    assert kept[0] is conn.connection.dbapi_connection
    assert hot(conn, ledger._PART, {"pn": "NO-SUCH"}).first() is None  # the same cursor, the new answer
    assert hot(conn, ledger._PART, {"pn": "HP-1"}).first() == first
    assert conn.connection.info["hot_cursor"] is kept

    conn.connection.info["hot_cursor"] = (object(), kept[1])  # a cursor kept for some other connection
    assert hot(conn, ledger._PART, {"pn": "HP-1"}).first() == first
    assert conn.connection.info["hot_cursor"][0] is conn.connection.dbapi_connection
    assert conn.connection.info["hot_cursor"][1] is not kept[1]

    conn.connection.dbapi_connection.close()  # as a database restart leaves it
    with pytest.raises(OperationalError):
        hot(conn, ledger._PART, {"pn": "HP-1"}).first()
    assert conn.invalidated
    shelf.rollback()
    conn = shelf.connection()
    assert hot(conn, ledger._PART, {"pn": "HP-1"}).first() == first
    assert conn.connection.info["hot_cursor"][0] is conn.connection.dbapi_connection
    shelf.rollback()
