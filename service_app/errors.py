"""One place that turns errors into responses: the contract's JSON body under /api, a page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from service_app.error_messages import describe
from service_app.extensions import db
from warehouse.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
              422: "invalid_input", 429: "rate_limited", 503: "unavailable"}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, details: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def _validation_message(messages) -> str:
    """webargs/marshmallow messages ({"json": {"qty": ["Not a valid integer."]}}) as one readable sentence."""
    parts = []

    def walk(prefix, m):
        if isinstance(m, dict):
            for k, v in m.items():
                walk(f"{prefix}.{k}" if prefix and k != "json" else ("" if k == "json" else str(k)), v)
        elif isinstance(m, list) and all(isinstance(x, str) for x in m):
            parts.append(f"{prefix or 'body'}: {' '.join(m)}")
        elif isinstance(m, list):
            for i, x in enumerate(m):
                walk(f"{prefix}[{i}]", x)

    walk("", messages)
    return "; ".join(parts) or "invalid input"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        status, message = describe(exc.code, exc.params, fallback_status=exc.status, fallback_message=exc.message)
        if _is_api():
            return api_error(status, exc.code, message,
                             {k: v for k, v in exc.params.items() if isinstance(v, (str, int, float, bool))})
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        if _is_api():
            return api_error(400, "csrf_failed", exc.description)
        return render_template("error.html", status=400, message=exc.description), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        if _is_api():
            if status == 422:  # webargs: the body did not match the schema
                messages = (getattr(exc, "data", None) or {}).get("messages", {})
                return api_error(400, "invalid_input", _validation_message(messages))
            if status == 400 and ("JSON" in (exc.description or "") or request.is_json):
                return api_error(400, "malformed_json", "the request body is not valid JSON")
            if status == 413:
                return api_error(413, "payload_too_large", "request bodies are limited to 1 MB")
            return api_error(status, HTTP_CODES.get(status, "http_error"), exc.description or exc.name)
        return render_template("error.html", status=status, message=exc.description), status

    @app.errorhandler(OperationalError)
    def _db_busy(exc: OperationalError):
        # A database that is down or (SQLite) locked past the busy timeout: a retryable 503, never a bare 500.
        db.session.rollback()
        log.warning("database unavailable: %s", exc)
        if _is_api():
            return api_error(503, "database_unavailable", "the database is busy or unreachable; retry shortly")
        return render_template("error.html", status=503, message="database unavailable"), 503
