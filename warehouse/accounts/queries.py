"""Reads of users."""
from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.accounts.models import User


def active_user(session: Session, user_id: int) -> User | None:
    """The user with this id if they may still sign in (a deactivated user is no one)."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None
