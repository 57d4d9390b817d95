"""Errors of sign-in and user administration (rows in service_app/error_messages.py)."""
from __future__ import annotations

from warehouse.errors import DomainError


class LoginLocked(DomainError):
    """Too many failed sign-ins for this name or from this address: `retry_after` seconds until the next try."""

    code = "login_locked"


class UnknownUser(DomainError):
    code = "unknown_user"
