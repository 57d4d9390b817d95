"""Shared by the page modules: the `web` blueprint of the warehouse pages, the permission check, who is acting,
and the write frame's page adapter. Area modules import these public names only."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash
from flask_babel import gettext as _
from flask_login import current_user, login_required

from service_app.error_messages import render
from service_app.extensions import db
from service_app.transactions import run_write
from warehouse.errors import DomainError

# One blueprint for the original warehouse pages (home, scan, parts, bins, stock forms), spread over their area
# modules, so their endpoint names (`web.receive`, ...) stay stable. A new area registers a blueprint of its own.
bp = Blueprint("web", __name__)


def permission_required(permission: str):
    """Signed in and allowed (warehouse/accounts/roles.py), else the login page or a 403 page."""

    def deco(fn):
        @wraps(fn)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.can(permission):
                abort(403, _("Your role may not do this."))
            return fn(*args, **kwargs)

        wrapper.permission = permission
        return wrapper

    return deco


def who() -> dict:
    """The actor arguments of a use case called from a page."""
    return {"actor": current_user.username, "role": current_user.role, "device": "web"}


def post(action, done=lambda result: result):
    """Run one use case from a page in the write frame and return `done(result)`. A refusal is flashed in the
    reader's language, nothing is written, and the answer is None (the caller re-renders or redirects)."""
    try:
        result = run_write(db.session, lambda _key: action())
    except DomainError as exc:
        flash(render(exc)[1], "error")
        return None
    return done(result)
