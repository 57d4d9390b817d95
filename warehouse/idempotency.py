"""Stored answers to requests that carried an `Idempotency-Key`, so a retried request changes nothing more.

The record is written in the same transaction as the change it answers for: either both commit or neither. A
concurrent duplicate fails on the primary key and its transaction rolls back, then it replays the stored answer.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from warehouse.db import Base, utcnow
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


def lookup(session: Session, key: str, fingerprint: str) -> tuple[int, dict] | None:
    rec = session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
    if rec is None:
        return None
    if rec.request_hash != fingerprint:
        raise Conflict(reason="idempotency_key_reused")
    return rec.status, json.loads(rec.body)


def remember(session: Session, key: str, fingerprint: str, status: int, body: dict) -> None:
    session.add(IdempotencyRecord(key=key, request_hash=fingerprint, status=status,
                                  body=json.dumps(body, ensure_ascii=False)))
    session.flush()
