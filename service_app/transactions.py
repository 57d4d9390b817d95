"""Transactions: the one write frame, and per-request begin modes.

`run_write()` frames every write of the shell (API views, web forms, CLI commands) as one transaction: commit on
success, roll back on any error, a database uniqueness race (IntegrityError) becomes a 409 `conflict`, and with an
idempotency key a request already applied replays its first answer. Each edge adapts it in a few lines: the API
answers JSON or replays (`api/common.write`), a page flashes the refusal (`web/common.post`), the CLI exits with it
(`cli._write`). Warehouse functions never commit; this is where it happens.

Reads on SQLite begin DEFERRED so they never queue behind writers; writes begin IMMEDIATE (see warehouse.db).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warehouse import idempotency
from warehouse.db import sqlite_begin_mode
from warehouse.errors import Conflict, DomainError

_READ_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Idempotency:
    """A request's idempotency: the user-scoped key, the request's fingerprint and the status its answer carries."""

    key: str  # "<user id>:<client key>": one client's keys never collide with another's
    fingerprint: str  # the same key sent with a different request is refused, not replayed
    status: int


@dataclass(frozen=True)
class Replay:
    """The stored first answer of a request that was already applied: nothing was written this time."""

    status: int
    body: Any


def run_write(session: Session, fn: Callable[[str | None], Any], *, idem: Idempotency | None = None,
              look_first: bool = True):
    """Run `fn(key)` (one use case) in one transaction and return its result, or a `Replay`.

    `fn` receives the user-scoped idempotency key (None without one) to stamp on what it writes (moves carry it in
    a unique column, so even a lost answer cannot post twice). With `idem`, the answer is stored in the same
    transaction as the change, so a crash in between leaves neither. Domain errors propagate after the rollback.

    `look_first=False` skips the look-up before the use case (a round trip on every request, for the rare retry):
    a retry then fails where its key is written a second time (the record's primary key, or a move's unique key
    before it), or on a refusal the state now gives (the stock it took is gone), and is answered from the record
    after the rollback as before. For use cases whose writes all roll back with the transaction (the stock path:
    `api.common.lean_write`); a retry then costs a gap in a document counter kept outside it.
    """
    if idem is not None and look_first and (hit := idempotency.lookup(session, idem.key, idem.fingerprint)):
        session.rollback()
        return Replay(*hit)
    try:
        if idem is not None:  # the use case need not look for the key's move: a twin is answered from the record
            idempotency.mark_checked(session, idem.key)
        result = fn(idem.key if idem else None)
        if idem is not None:
            idempotency.remember(session, idem.key, idem.fingerprint, idem.status, result)
            idempotency.mark_checked(session, None)
        session.commit()
    except (IntegrityError, DomainError) as exc:
        idempotency.mark_checked(session, None)
        session.rollback()
        # A concurrent twin with the same key won the race, or (not looked up first) this is a retry: answer as
        # the first did.
        if idem is not None and (hit := idempotency.lookup(session, idem.key, idem.fingerprint)) is not None:
            session.rollback()
            return Replay(*hit)
        if isinstance(exc, IntegrityError):
            raise Conflict(reason="concurrent_change") from exc
        raise
    except BaseException:
        idempotency.mark_checked(session, None)
        session.rollback()
        raise
    return result


def init_transactions(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return  # the begin mode is read by SQLite's BEGIN only: on PostgreSQL two hooks a request for nothing

    @app.before_request
    def _begin_mode():
        g.begin_mode_token = sqlite_begin_mode.set("DEFERRED" if request.method in _READ_METHODS else "IMMEDIATE")

    @app.teardown_request
    def _reset_begin_mode(_exc):
        token = g.pop("begin_mode_token", None)
        if token is not None:
            sqlite_begin_mode.reset(token)
