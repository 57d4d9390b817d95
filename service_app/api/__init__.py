"""JSON API under /api/v1 (CONTRACT §4), documented at /api/v1/openapi.json by flask-smorest."""
from __future__ import annotations

import flask_smorest
from flask import Flask
from flask_smorest import Api

from service_app import edge
from service_app.api.openapi import ErrorResponse, ErrorResponsesPlugin, bounded_int_path
from service_app.api.parser import EdgeParser
from service_app.extensions import csrf

# Every blueprint's @arguments goes through the edge's parser (JSON rules, integer bounds, 400 on bad input). Set on
# flask-smorest's Blueprint before the area modules below are imported: @arguments binds its parser when it runs.
flask_smorest.Blueprint.ARGUMENTS_PARSER = EdgeParser()


class ServiceApi(Api):
    ERROR_SCHEMA = ErrorResponse  # what service_app.errors answers, documented as such

    def _register_error_handlers(self):
        """Errors are rendered by service_app.errors for the whole app (JSON under /api, pages elsewhere)."""


api = ServiceApi()
api.register_converter(edge.BoundedInt, bounded_int_path)  # once: every init_app's spec takes it from the Api


def init_api(app: Flask) -> None:
    from service_app.api import (attachments, auth, camera, care, catalog, dealer_returns, dealers, jobs, orders,
                                 printing, quality, returns, scan, service, service_care, stock, stocktake, users,
                                 warranty, warranty_imports)

    api.init_app(app, spec_kwargs={"info": {"description": "See docs/api.md for the workflows behind these calls."},
                                   "extra_plugins": [ErrorResponsesPlugin()]})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (auth, catalog, stock, scan, camera, stocktake, printing, jobs, dealers, orders, dealer_returns,
                   warranty, warranty_imports, returns, quality, attachments, service, service_care, care, users):
        csrf.exempt(module.blp)  # bearer-token calls; session-cookie writes are CSRF-checked in api_actor()
        api.register_blueprint(module.blp, url_prefix="/api/v1")
