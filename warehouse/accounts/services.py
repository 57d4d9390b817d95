from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from warehouse.accounts.errors import UnknownUser
from warehouse.accounts.models import User
from warehouse.accounts.roles import ROLES
from warehouse.accounts.rules import PASSWORD_MIN, password_problem
from warehouse.errors import AlreadyExists, ValidationError
from warehouse.limits import PASSWORD_LEN

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
# A fixed hash to compare against for unknown users, so a login takes as long whether the user exists or not.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(session: Session, *, username: str, password: str, role: str, display_name: str | None = None,
                locale: str | None = None) -> User:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise ValidationError(field="username", reason="username_format")
    if role not in ROLES:
        raise ValidationError(field="role", reason="one_of", allowed=", ".join(ROLES))
    check_password(password, username=username)
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


def check_password(password, *, username: str | None) -> None:
    """The password policy (accounts.rules): on every password set, by the CLI, the API or a page."""
    if not isinstance(password, str):
        raise ValidationError(field="password", reason="not_text")
    if len(password) > PASSWORD_LEN:
        raise ValidationError(field="password", reason="too_long", max=PASSWORD_LEN)
    problem = password_problem(password, username=username)
    if problem == "too_short":
        raise ValidationError(field="password", reason="too_short", min=PASSWORD_MIN)
    if problem == "password_has_username":
        raise ValidationError(field="password", reason="password_has_username")
    if problem == "password_common":
        raise ValidationError(field="password", reason="password_common")


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None
    if user is None:
        raise UnknownUser(username=username)
    return user


def _revoke(user: User) -> None:
    """End every session and token of the user: they carry the generation they were made in."""
    user.token_generation = (user.token_generation or 0) + 1


def change_password(session: Session, *, username: str, new_password: str,
                    current_password: str | None = None, check_current: bool = True) -> User:
    """Set a new password (the user's own change proves the current one; an administrator's reset does not), and
    end every session and token of the user."""
    user = get_user(session, username)
    if check_current and not check_password_hash(user.password_hash, current_password or ""):
        raise ValidationError(field="current_password", reason="wrong_current_password")
    check_password(new_password, username=user.username)
    user.password_hash = generate_password_hash(new_password)
    _revoke(user)
    session.flush()
    return user


def set_role(session: Session, *, username: str, role: str) -> User:
    """Change a user's role; their sessions and tokens end (they sign in again under the new role)."""
    if role not in ROLES:
        raise ValidationError(field="role", reason="one_of", allowed=", ".join(ROLES))
    user = get_user(session, username)
    if user.role != role:
        user.role = role
        _revoke(user)
        session.flush()
    return user


def set_active(session: Session, *, username: str, active: bool) -> User:
    """Deactivate (every session and token ends) or reactivate a user."""
    user = get_user(session, username)
    if user.active != active:
        user.active = active
        _revoke(user)
        session.flush()
    return user


def user_dict(user: User) -> dict:
    return {"username": user.username, "role": user.role, "display_name": user.display_name,
            "active": user.active}
