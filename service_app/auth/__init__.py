"""Who is asking: web sessions (Flask-Login, CSRF-protected forms) and API bearer tokens; role checks."""
from __future__ import annotations

from flask import Flask

from service_app.auth.identity import init_identity
from service_app.auth.views import bp


def init_auth(app: Flask) -> None:
    init_identity(app)
    app.register_blueprint(bp)
