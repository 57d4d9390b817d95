"""JSON API under /api/v1 (CONTRACT §4), documented at /api/v1/openapi.json by flask-smorest."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service_app.extensions import csrf


class ServiceApi(Api):
    def _register_error_handlers(self):
        """Errors are rendered by service_app.errors for the whole app (JSON under /api, pages elsewhere)."""


api = ServiceApi()


def init_api(app: Flask) -> None:
    from service_app.api import (attachments, auth, camera, catalog, dealers, jobs, printing, scan, stock, stocktake,
                                 warranty)

    api.init_app(app, spec_kwargs={"info": {"description": "See docs/api.md for the workflows behind these calls."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (auth, catalog, stock, scan, camera, stocktake, printing, jobs, dealers, warranty, attachments):
        csrf.exempt(module.blp)  # bearer-token calls; session-cookie writes are CSRF-checked in api_actor()
        api.register_blueprint(module.blp, url_prefix="/api/v1")
