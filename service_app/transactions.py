"""Per-request transaction framing. Reads on SQLite begin DEFERRED so they never queue behind writers; writes begin
IMMEDIATE (see warehouse.db). Every request ends with the session removed, rolled back if not committed."""
from __future__ import annotations

from flask import Flask, g, request

from warehouse.db import sqlite_begin_mode

_READ_METHODS = ("GET", "HEAD", "OPTIONS")


def init_transactions(app: Flask) -> None:
    @app.before_request
    def _begin_mode():
        g.begin_mode_token = sqlite_begin_mode.set("DEFERRED" if request.method in _READ_METHODS else "IMMEDIATE")

    @app.teardown_request
    def _reset_begin_mode(_exc):
        token = g.pop("begin_mode_token", None)
        if token is not None:
            sqlite_begin_mode.reset(token)
