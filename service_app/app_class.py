"""The application class: Flask, with the one per-request cost that Flask leaves open to override removed."""
from __future__ import annotations

from typing import Any, Callable

from flask import Flask


class ServiceFlask(Flask):
    """Flask passes every hook and the view through `ensure_sync` on every request, and each pass asks `inspect`
    whether the function is a coroutine: eleven times a stock call, a few percent of its Python. The answer cannot
    change for a function, so it is kept (hooks and views are fixed once the app is built; the dictionary holds no
    more entries than the app has of them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync[func]
        except KeyError:
            sync = self._sync[func] = super().ensure_sync(func)
            return sync
        except TypeError:  # an unhashable callable: asked every time, as Flask does
            return super().ensure_sync(func)
