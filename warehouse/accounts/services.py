from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from warehouse.accounts.models import User
from warehouse.accounts.roles import ROLES
from warehouse.errors import AlreadyExists, ValidationError

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
# A fixed hash to compare against for unknown users, so a login takes as long whether the user exists or not.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(session: Session, *, username: str, password: str, role: str, display_name: str | None = None,
                locale: str | None = None) -> User:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise ValidationError(field="username", reason="username_format")
    if role not in ROLES:
        raise ValidationError(field="role", reason="one_of", allowed=", ".join(ROLES))
    if not isinstance(password, str) or len(password) < 8:
        raise ValidationError(field="password", reason="too_short", min=8)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AlreadyExists(reason="user", username=username)
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                display_name=display_name, locale=locale)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password if isinstance(password, str) else "")
    return user if user is not None and user.active and ok else None
