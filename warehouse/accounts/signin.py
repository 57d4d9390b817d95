"""Signing in under a limit: failed attempts are counted per user name and per client address in the database
(login_throttle), so the limit holds across processes and hosts; a locked name or address is refused without its
password being looked at. Failures and locks go to the audit trail. The caller commits even when the sign-in
fails: the count is the point."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import case, delete, select, update
from sqlalchemy.orm import Session

from warehouse.accounts import rules
from warehouse.accounts.models import LoginThrottle, User
from warehouse.accounts.services import authenticate
from warehouse.audit.services import record
from warehouse.db import insert_for, utcnow


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked_for: int = 0  # seconds until this name or address may try again; 0 when not locked


def user_key(username: str) -> str:
    return f"user:{username[:100]}"


def ip_key(ip: str) -> str:
    return f"ip:{ip[:100]}"


def _keys(username: str, client_ip: str | None) -> list[tuple[str, int]]:
    keys = [(user_key(username), rules.USER_FREE_FAILURES)]
    if client_ip:
        keys.append((ip_key(client_ip), rules.IP_FREE_FAILURES))
    return keys


def locked_for(session: Session, *, username: str, client_ip: str | None, now: datetime | None = None) -> int:
    now = now or utcnow()
    until = session.scalars(select(LoginThrottle.locked_until).where(
        LoginThrottle.key.in_([k for k, _ in _keys(username, client_ip)]), LoginThrottle.locked_until > now)).all()
    return max((ceil((u - now).total_seconds()) for u in until), default=0)


def _fail(session: Session, key: str, free: int, now: datetime) -> int:
    """Count one failure of `key` (atomically: concurrent guesses all count) and lock it as the rules say; the lock
    in seconds, 0 if none."""
    stale = LoginThrottle.last_failure_at < now - rules.FORGET_AFTER
    ins = insert_for(session)(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    failures = session.execute(ins.on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={"failures": case((stale, 1), else_=LoginThrottle.failures + 1), "last_failure_at": now})
        .returning(LoginThrottle.failures)).scalar_one()
    lock = rules.lock_after(failures, free=free)
    if lock is None:
        return 0
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=now + lock))
    return ceil(lock.total_seconds())


def sign_in(session: Session, *, username: str, password: str, client_ip: str | None,
            now: datetime | None = None) -> SignIn:
    now = now or utcnow()
    username = username if isinstance(username, str) else ""
    wait = locked_for(session, username=username, client_ip=client_ip, now=now)
    if wait:
        return SignIn(None, wait)
    user = authenticate(session, username, password)
    if user is not None:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == user_key(username)))
        return SignIn(user)
    locks = {key: _fail(session, key, free, now) for key, free in _keys(username, client_ip)}
    record(session, action="login_failed", entity="login", key=username, note=f"from {client_ip or '?'}")
    for key, seconds in locks.items():
        if seconds:
            record(session, action="login_locked", entity="login", key=key, after={"seconds": seconds})
    return SignIn(None, max(locks.values()))


def unlock(session: Session, *, username: str | None = None, client_ip: str | None = None) -> int:
    """An administrator lifts the lock (and forgets the failures) of a name and/or an address."""
    keys = ([user_key(username)] if username else []) + ([ip_key(client_ip)] if client_ip else [])
    n = session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys))).rowcount if keys else 0
    for key in keys:
        record(session, action="login_unlocked", entity="login", key=key)
    return n
