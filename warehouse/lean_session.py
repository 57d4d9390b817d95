"""A write transaction on one Core connection, for the hottest path (a scan, a stock receive, issue or transfer).

The stock use cases run pre-built Core statements (`warehouse.db.hot`) and touch the ORM only now and then (a
counterparty created on its first use, a receipt note looked up, a scan that resolves to a claim). An ORM Session
per request costs them about a tenth of a scan's Python all the same: making it, its transaction's begin and commit
bookkeeping, closing it (callgrind, `POST /api/v1/stock/issue`: 3.51 M instructions a request on the request's ORM
session, 3.17 M on a bare connection). `LeanSession` is the connection with what the use cases ask of a session —
`connection()`, `info`, `get_bind()`, `commit()`, `rollback()` — and, when one of them needs the ORM, a Session
joined to the same connection and transaction, made then and not before: every other attribute is that Session's.
So nothing is refused or handled differently; a use case that needs the ORM pays for it.

In a single-threaded worker (gunicorn's sync workers) a session can keep its connections for the thread's next one
(`keep=True`). Checking a connection out of the pool and back in — the `Connection`, the pool's queue and lock, the
reset on return — was 5 % of an issue's instructions (callgrind, 2.21 M → 2.10 M a request); a receipt checks out
a second connection, in autocommit, for its document counter, and that one is kept too (docs/benchmarks.md). The
floor the stock path is measured against keeps its psycopg connections per process as well. A thread keeps one of
each at a time, idle between sessions (rolled back, no locks held). One goes back to the pool after
`KEEP_SECONDS`, so the pool's recycling and its reaction to a database restart still apply; when it was
invalidated (a lost connection: the next session checks out a fresh one); when its engine was disposed; and when a
session of another engine takes the thread's slot.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

KEEP_SECONDS = 60.0


class _Kept(NamedTuple):
    conn: Connection
    pool: Any  # the engine's pool when the connection was checked out: a disposed engine has a new one
    since: float


class _Slot(threading.local):
    """The connections this thread keeps between sessions: the transaction's, and the one in autocommit."""

    kept: _Kept | None = None
    side: _Kept | None = None


_slot = _Slot()
_WHICH = ("kept", "side")
_INHERITED: list[_Kept] = []


def _forget_after_fork() -> None:
    """A forked child shares the kept connection's socket with its parent: closing it, or letting the collector
    hand it back to the pool (which resets it), would act on the parent's database session. Never touch it."""
    for which in _WHICH:
        if (kept := getattr(_slot, which)) is not None:
            _INHERITED.append(kept)
            setattr(_slot, which, None)


os.register_at_fork(after_in_child=_forget_after_fork)


def _take_kept(engine: Engine, which: str) -> _Kept | None:
    """The thread's kept connection, taken out of the slot, if it is `engine`'s and still good; else None."""
    kept = getattr(_slot, which)
    if kept is None:
        return None
    setattr(_slot, which, None)
    if kept.conn.engine is engine and _usable(kept) and time.monotonic() - kept.since < KEEP_SECONDS:
        return kept
    _release(kept)
    return None


def _put_kept(kept: _Kept, which: str) -> None:
    if getattr(_slot, which) is None and _usable(kept) and not kept.conn.in_transaction():
        setattr(_slot, which, kept)
    else:
        _release(kept)


def release_kept() -> None:
    """Give the thread's kept connections, if any, back to their pool (a thread about to end; tests)."""
    for which in _WHICH:
        kept = getattr(_slot, which)
        setattr(_slot, which, None)
        if kept is not None:
            _release(kept)


def _usable(kept: _Kept) -> bool:
    return not kept.conn.invalidated and kept.conn.engine.pool is kept.pool


def _release(kept: _Kept) -> None:
    conn = kept.conn
    if conn.engine.pool is not kept.pool and not conn.invalidated:
        conn.invalidate()  # its engine was disposed: close it now rather than leave it to the discarded pool
    conn.close()


class LeanSession:
    """One unit of work on `engine`: begins on first use, commits or rolls back as a Session does; `close()` gives
    the connection back, or with `keep` leaves it to the thread's next session. Not shared between threads (one
    per request)."""

    def __init__(self, engine: Engine, *, keep: bool = False):
        self._engine = engine
        self._keep = keep
        self._conn: Connection | None = None
        self._kept: _Kept | None = None  # the connection with its pool and age (`_conn` is its connection)
        self._side: _Kept | None = None  # the autocommit connection, once asked for
        self._orm: Session | None = None
        self.info: dict = {}

    def connection(self, **_kw) -> Connection:
        conn = self._conn
        if conn is None:
            conn = self._connect()
        if not conn.in_transaction():
            conn.begin()  # SQLite's BEGIN IMMEDIATE / DEFERRED comes from the engine's "begin" listener
        return conn

    def _connect(self) -> Connection:
        self._kept = self._checkout("kept")
        conn = self._conn = self._kept.conn
        return conn

    def _checkout(self, which: str, **options) -> _Kept:
        """The thread's kept connection of that kind (with `keep`), else one from the pool."""
        engine = self._engine
        kept = _take_kept(engine, which) if self._keep else None
        if kept is None:
            conn = engine.connect()
            kept = _Kept(conn.execution_options(**options) if options else conn, engine.pool, time.monotonic())
        return kept

    def _give_back(self, kept: _Kept, which: str) -> None:
        if self._keep:  # kept unless lost, disposed, or left in a transaction (the hot path never leaves one)
            _put_kept(kept, which)
        else:
            kept.conn.close()

    def autocommit_connection(self) -> Connection:
        """A second connection, in autocommit, for a statement that must not wait for this transaction's end (a
        document counter's increment: warehouse.documents.services.next_number). Closed with the session, or with
        `keep` kept by the thread as the first one is."""
        if self._side is None:
            self._side = self._checkout("side", isolation_level="AUTOCOMMIT")
        return self._side.conn

    def get_bind(self, *_args, **_kw) -> Engine:
        return self._engine

    def in_transaction(self) -> bool:
        return self._conn is not None and self._conn.in_transaction()

    def orm(self) -> Session:
        """The ORM Session on this transaction (made on first use): its flushes, queries and savepoints run on the
        same connection, and it never commits; `commit()` below does, after flushing it."""
        if self._orm is None:
            self._orm = Session(bind=self.connection(), join_transaction_mode="rollback_only")
        return self._orm

    def __getattr__(self, name: str) -> Any:  # execute, scalar(s), get, add, flush, begin_nested, no_autoflush, ...
        return getattr(self.orm(), name)

    def commit(self) -> None:
        if self._orm is not None:
            self._orm.flush()
        if self._conn is not None and self._conn.in_transaction():
            self._conn.commit()
        self._end_orm()

    def rollback(self) -> None:
        self._end_orm()
        if self._conn is not None and self._conn.in_transaction():
            self._conn.rollback()

    def close(self) -> None:
        """Roll back whatever was not committed and give the connection back to the pool (or keep it)."""
        try:
            self.rollback()
        finally:
            self._conn = None
            kept, self._kept = self._kept, None
            if kept is not None:
                self._give_back(kept, "kept")
            side, self._side = self._side, None
            if side is not None:
                self._give_back(side, "side")
            self.info.clear()

    def _end_orm(self) -> None:
        # The joined Session's transaction ends with the connection's: its objects must not be used after, and a
        # new one is joined to the next transaction if a use case needs it.
        if self._orm is not None:
            orm, self._orm = self._orm, None
            orm.close()
