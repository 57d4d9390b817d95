"""Handlers by kind. An area adds a background job with one decorated function in its own package:

    from warehouse.jobs.registry import Result, handler

    @handler("reconciliation_export")
    def export_reconciliation(ctx) -> Result: ...

and names its module in HANDLER_MODULES (the worker imports them when it first needs a handler, so importing
`warehouse.jobs` never drags every area in).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from warehouse.errors import DomainError

# Modules that register handlers; an area adds its own line.
HANDLER_MODULES = ("warehouse.reconciliation.jobs", "warehouse.reports.statements.jobs",
                   "warehouse.warranty.jobs")


class UnknownJobKind(DomainError):
    code = "unknown_job_kind"


@dataclass
class Result:
    """What a handler hands back. Stored once, in the transaction that marks the job done.

    `apply(session)`, when given, makes the job's business writes in that same transaction: they commit exactly when
    the job becomes done, or not at all (a lost lease or an error rolls them back with it).
    """

    file: bytes | None = None
    filename: str | None = None
    content_type: str = "application/octet-stream"
    row_errors: list[dict] | None = None
    apply: Callable[[Session], None] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Handler:
    kind: str
    fn: Callable
    max_attempts: int


_HANDLERS: dict[str, Handler] = {}
_loaded = False


def handler(kind: str, *, max_attempts: int = 3):
    """Register `fn(ctx) -> Result | None` for jobs of `kind`; a failure is retried up to `max_attempts` runs."""

    def deco(fn):
        if kind in _HANDLERS and _HANDLERS[kind].fn is not fn:
            raise RuntimeError(f"two handlers for job kind {kind!r}")
        _HANDLERS[kind] = Handler(kind, fn, max_attempts)
        return fn

    return deco


def get(kind: str) -> Handler:
    _load()
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise UnknownJobKind(kind=kind) from None


def kinds() -> list[str]:
    _load()
    return sorted(_HANDLERS)


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in HANDLER_MODULES:
            importlib.import_module(name)
        _loaded = True
