"""Stored answers to requests that carried an `Idempotency-Key`, so a retried request changes nothing more.

The record is written in the same transaction as the change it answers for: either both commit or neither. A
concurrent duplicate (and, where the frame does not look first, any retry) fails on the primary key and its
transaction rolls back, then it replays the stored answer.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import Integer, String, Text, bindparam, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from warehouse.db import Base, hot, utcnow
from warehouse.errors import Conflict


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_record"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "<user id>:<client key>"
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


# Pre-built Core statements on the session's connection: one round trip each, no ORM unit of work (every scan with
# a key runs both).
_t = IdempotencyRecord.__table__
_LOOKUP = select(_t.c.request_hash, _t.c.status, _t.c.body).where(_t.c.key == bindparam("k"))
_REMEMBER = insert(_t)


def lookup(session: Session, key: str, fingerprint: str) -> tuple[int, dict] | None:
    row = hot(session.connection(), _LOOKUP, {"k": key}).first()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise Conflict(reason="idempotency_key_reused")
    return row.status, json.loads(row.body)


def remember(session: Session, key: str, fingerprint: str, status: int, body: dict) -> None:
    hot(session.connection(), _REMEMBER, {"key": key, "request_hash": fingerprint, "status": status,
                                             "body": json.dumps(body, ensure_ascii=False), "created_at": utcnow()})


# The write frame answers a key already used from its record: it looks the key up before it runs the use case, or
# (the stock path) after the use case fails. While that transaction lasts, the use case need not look for the
# key's move itself (a move and its record are committed together, and a twin fails on the moves' unique key and
# is answered from the record by the frame).
_CHECKED = "idempotency_checked"


def mark_checked(session: Session, key: str | None) -> None:
    """The frame answers a twin of `key` from its record in this transaction (None: forget it)."""
    if key is None:
        session.info.pop(_CHECKED, None)
    else:
        session.info[_CHECKED] = key


def checked(session: Session, key: str) -> bool:
    """Whether the frame answers a twin of `key` itself, in this transaction."""
    return session.info.get(_CHECKED) == key
