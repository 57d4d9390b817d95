"""Rate limits for the few endpoints that need one (camera frames), with the `limits` library.

Flask-Limiter would put a before-request hook on every request, scans included (≈0.3 ms each); here only the
limited views pay. Counters live in RATELIMIT_STORAGE_URI: `memory://` (per process) or `redis://…` (shared).
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from warehouse.errors import DomainError


class RateLimited(DomainError):
    code = "rate_limited"


def init_ratelimit(app: Flask) -> None:
    app.extensions["ratelimiter"] = MovingWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))


def limit(spec: str, key_func):
    """`@limit("8/second;120/minute", key_func)`: refuse with 429 `rate_limited` once any window is full."""
    items = parse_many(spec)

    def deco(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            limiter = current_app.extensions["ratelimiter"]
            key = key_func()
            for item in items:
                if not limiter.hit(item, fn.__name__, key):
                    raise RateLimited(limit=str(item))
            return fn(*args, **kwargs)

        return wrapper

    return deco
