"""Shared by the API views: the write frame's JSON adapter (idempotency from the header, replays) and reads."""
from __future__ import annotations

from typing import Callable

from flask import jsonify, request

from service_app.auth.identity import api_actor
from service_app.extensions import db
from service_app.transactions import Idempotency, Replay, run_write
from warehouse import idempotency
from warehouse.errors import ValidationError
from warehouse.lean_session import LeanSession


def write(fn: Callable[[str | None], dict], *, status: int = 200, body_identity: bytes | None = None):
    """Run one use case in the write frame and answer JSON; a request already applied replays its first answer.

    `fn` receives the user-scoped `Idempotency-Key` (None without one) to stamp on moves. `body_identity` stands in
    for the raw body where that cannot tell a retry from a new request: a multipart body's boundary differs on every
    send, so uploads pass their fields and the file's digest instead.
    """
    return _answer(run_write(db.session, fn, idem=_idempotency(status, body_identity)), status)


def lean_write(fn: Callable[[LeanSession, str | None], dict], *, status: int = 200):
    """`write` for the hottest path (a scan step, a stock receive, issue or transfer): the use case runs on a
    `LeanSession` of its own, `fn(session, key)`, instead of the request's ORM session — the same frame, the same
    guarantees, about a tenth less Python a request (warehouse.lean_session). A key is looked up only when the
    request fails (`run_write(look_first=False)`): one round trip less on every scan."""
    idem = _idempotency(status, None)
    if db.session.registry.has():  # a read before the frame (the actor, on a cache miss) ends here: on SQLite the
        db.session.rollback()      # frame's own transaction would otherwise wait for this one's lock
    # A single-threaded worker (gunicorn's sync worker) keeps the connection for its next request.
    session = LeanSession(db.engine, keep=not request.environ.get("wsgi.multithread", True))
    try:
        done = run_write(session, lambda key: fn(session, key), idem=idem, look_first=False)
    finally:
        session.close()
    return _answer(done, status)


def _answer(done, status: int):
    """The frame's result as JSON with the use case's status, or the replay of a request already applied."""
    return _replay(done) if isinstance(done, Replay) else (jsonify(done), status)


def _idempotency(status: int, body_identity: bytes | None) -> Idempotency | None:
    req = request._get_current_object()  # one context look-up, not one per attribute
    key = req.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= 100 or not key.isprintable():
        raise ValidationError(field="Idempotency-Key", reason="idempotency_key")
    body = req.get_data() if body_identity is None else body_identity
    fingerprint = idempotency.request_fingerprint(req.method, req.path, body)
    return Idempotency(key=f"{api_actor().id}:{key}", fingerprint=fingerprint, status=status)


def _replay(hit: Replay):
    resp = jsonify(hit.body)
    resp.status_code = hit.status
    resp.headers["Idempotent-Replay"] = "true"
    return resp


def read(body: dict):
    db.session.rollback()  # end the read transaction promptly (SQLite: release the snapshot)
    return jsonify(body)


def log_read(*, entity: str, key: str | None, note: str | None = None) -> None:
    """Record that the caller read confidential data (customer fields) in the audit trail, in a transaction of its
    own after the read's: call it once the answer is built."""
    from warehouse.audit.services import record

    db.session.rollback()
    run_write(db.session, lambda _key: record(db.session, action="read", entity=entity, key=key, note=note))
