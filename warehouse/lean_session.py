"""A write transaction on one Core connection, for the hottest path (a scan, a stock receive, issue or transfer).

The stock use cases run pre-built Core statements (`warehouse.db.hot`) and touch the ORM only now and then (a
counterparty created on its first use, a receipt note looked up, a scan that resolves to a claim). An ORM Session
per request costs them about a tenth of a scan's Python all the same: making it, its transaction's begin and commit
bookkeeping, closing it (callgrind, `POST /api/v1/stock/issue`: 3.51 M instructions a request on the request's ORM
session, 3.17 M on a bare connection). `LeanSession` is the connection with what the use cases ask of a session —
`connection()`, `info`, `get_bind()`, `commit()`, `rollback()` — and, when one of them needs the ORM, a Session
joined to the same connection and transaction, made then and not before: every other attribute is that Session's.
So nothing is refused or handled differently; a use case that needs the ORM pays for it.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session


class LeanSession:
    """One unit of work on `engine`: begins on first use, commits or rolls back as a Session does; `close()` gives
    the connection back. Not shared between threads (one per request)."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._conn: Connection | None = None
        self._orm: Session | None = None
        self.info: dict = {}

    def connection(self, **_kw) -> Connection:
        conn = self._conn
        if conn is None:
            conn = self._conn = self._engine.connect()
        if not conn.in_transaction():
            conn.begin()  # SQLite's BEGIN IMMEDIATE / DEFERRED comes from the engine's "begin" listener
        return conn

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
        """Roll back whatever was not committed and give the connection back to the pool."""
        try:
            self.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self.info.clear()

    def _end_orm(self) -> None:
        # The joined Session's transaction ends with the connection's: its objects must not be used after, and a
        # new one is joined to the next transaction if a use case needs it.
        if self._orm is not None:
            orm, self._orm = self._orm, None
            orm.close()
