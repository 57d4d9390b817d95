"""Unbound extensions; create_app() binds them. Nothing here opens a connection at import time."""
from flask.globals import _cv_request
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from warehouse.db import Base


class ServiceLoginManager(LoginManager):
    def _update_remember_cookie(self, response):
        """flask-login's after-request hook, which sets or clears the remember-me cookie from marks in the session:
        an empty session (a scanner's bearer call) has none, so it is left unread. Reading it through `session`
        marks it accessed, and every bearer answer then said `Vary: Cookie` for a cookie it never read."""
        ctx = _cv_request.get(None)  # the session itself, not the `session` proxy that marks it accessed
        if ctx is not None and not ctx._session and not ctx.app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST"):
            return response
        return super()._update_remember_cookie(response)


db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
login = ServiceLoginManager()
csrf = CSRFProtect()
babel = Babel()
