"""Browser sessions kept on the server: the cookie names a row, logging out ends it for good."""
from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warehouse.accounts.models import LoginSession
from warehouse.db import utcnow


def start_session(session: Session, *, user_id: int, client_ip: str | None) -> str:
    sid = secrets.token_urlsafe(32)
    session.add(LoginSession(id=sid, user_id=user_id, client_ip=(client_ip or None) and client_ip[:64]))
    session.flush()
    return sid


def end_session(session: Session, *, sid: str) -> None:
    session.execute(update(LoginSession).where(LoginSession.id == sid, LoginSession.ended_at.is_(None))
                    .values(ended_at=utcnow()))


def session_alive(session: Session, *, sid: str, user_id: int) -> bool:
    return session.scalar(select(LoginSession.id).where(LoginSession.id == sid, LoginSession.user_id == user_id,
                                                        LoginSession.ended_at.is_(None))) is not None
