"""Who is acting and from which client, for the audit listener: a context variable the shell sets per request
(service_app/audit_context.py), the CLI per command. Flask-free: the shell hands a callable, read lazily, because
the actor of a request is known only once its credentials have been checked."""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Client:
    actor: str | None = None  # username; None: the system (a worker, a migration)
    role: str | None = None
    ip: str | None = None
    user_agent: str | None = None


_provider: ContextVar[Callable[[], Client] | None] = ContextVar("audit_client", default=None)


def set_client(provider: Callable[[], Client] | Client | None):
    """Set who is acting in this context (a Client, or a callable giving one when an entry is written); returns
    the token for `reset_client`."""
    value = (lambda: provider) if isinstance(provider, Client) else provider
    return _provider.set(value)


def reset_client(token) -> None:
    _provider.reset(token)


def current_client() -> Client:
    provider = _provider.get()
    if provider is None:
        return Client()
    try:
        return provider() or Client()
    except Exception:  # noqa: BLE001 - an audit entry must never fail the change it records
        return Client()
