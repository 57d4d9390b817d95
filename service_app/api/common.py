"""Shared by the API views: the write frame (idempotency, commit, rollback) and the JSON answer."""
from __future__ import annotations

from typing import Callable

from flask import jsonify, request
from sqlalchemy.exc import IntegrityError

from service_app.auth.identity import api_actor
from service_app.extensions import db
from warehouse import idempotency
from warehouse.errors import Conflict, DomainError, ValidationError


def write(fn: Callable[[str | None], dict], *, status: int = 200):
    """Run one use case in one transaction and answer JSON.

    With an `Idempotency-Key` header, a request already applied for this user replays its first answer and writes
    nothing; the stored answer commits with the change, so a crash in between leaves neither. `fn` receives the
    user-scoped key to stamp on moves (a unique column: the database itself refuses a second posting).
    """
    actor = api_actor()
    key = request.headers.get("Idempotency-Key")
    scoped = fingerprint = None
    if key is not None:
        if not 1 <= len(key) <= 100 or not key.isprintable():
            raise ValidationError(field="Idempotency-Key", reason="idempotency_key")
        scoped = f"{actor.id}:{key}"
        fingerprint = idempotency.request_fingerprint(request.method, request.path, request.get_data())
        if (hit := idempotency.lookup(db.session, scoped, fingerprint)) is not None:
            db.session.rollback()
            return _replay(hit)
    try:
        body = fn(scoped)
        if scoped:
            idempotency.remember(db.session, scoped, fingerprint, status, body)
        db.session.commit()
    except (IntegrityError, DomainError) as exc:
        db.session.rollback()
        # A concurrent twin with the same key won the race: answer as it did.
        if scoped and (hit := idempotency.lookup(db.session, scoped, fingerprint)) is not None:
            db.session.rollback()
            return _replay(hit)
        if isinstance(exc, IntegrityError):
            raise Conflict(reason="concurrent_change") from exc
        raise
    return jsonify(body), status


def _replay(hit: tuple[int, dict]):
    status, body = hit
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Idempotent-Replay"] = "true"
    return resp


def read(body: dict):
    db.session.rollback()  # end the read transaction promptly (SQLite: release the snapshot)
    return jsonify(body)
