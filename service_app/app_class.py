"""The application class: Flask, with the one per-request cost that Flask leaves open to override removed."""
from __future__ import annotations

from types import FunctionType, MethodType
from typing import Any, Callable

from flask import Flask


class ServiceFlask(Flask):
    """Flask passes every hook and the view through `ensure_sync` on every request, and each pass asks `inspect`
    whether the function is a coroutine: eleven times a stock call, a few percent of its Python. The answer cannot
    change for a function, so it is kept. Only plain functions are kept (hooks and views, fixed once the app is
    built): a bound method may be made per request — a class-based view's handler is — and would pile up here.
    A bound method is answered by its function, which `inspect` looks through to anyway (an extension's hook such
    as flask-login's is one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict[FunctionType, Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        kind = type(func)
        if kind is MethodType:
            plain = func.__func__
            if type(plain) is FunctionType and self._sync_of(plain) is plain:
                return func  # its function is not a coroutine function: nor is the method
            return super().ensure_sync(func)
        if kind is not FunctionType:
            return super().ensure_sync(func)
        return self._sync_of(func)

    def _sync_of(self, func: FunctionType) -> Callable[..., Any]:
        sync = self._sync.get(func)
        if sync is None:
            sync = self._sync[func] = super().ensure_sync(func)
        return sync
