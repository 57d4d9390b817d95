"""Reads of users."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.accounts.models import User


def active_user(session: Session, user_id: int) -> User | None:
    """The user with this id if they may still sign in (a deactivated user is no one)."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def display_names(session: Session, usernames) -> dict[str, str]:
    """How pages name these users: their display name where they have one, else the user name (one SELECT)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))
    named = {username: display or username for username, display in rows}
    return {u: named.get(u, u) for u in wanted}
