"""One place that turns errors into responses: the contract's JSON body under /api, a page elsewhere.

Every message comes from service_app/error_messages.py in the reader's language (service_app/i18n.py); the `code`
is the same in every language.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from service_app.edge import BadInput
from service_app.error_messages import describe, render
from service_app.extensions import db
from warehouse.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
              422: "invalid_input", 429: "rate_limited", 503: "unavailable"}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _details(params: dict) -> dict:
    return {k: v for k, v in params.items() if isinstance(v, (str, int, float, bool))}


def api_error(status: int, code: str, message: str, details: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def _answer(status: int, code: str, message: str, details: dict | None = None):
    if _is_api():
        return api_error(status, code, message, details)
    return render_template("error.html", status=status, message=message), status


def _field_messages(messages) -> str:
    """webargs/marshmallow messages ({"json": {"qty": ["Not a valid integer."]}}) as one line: field: message."""
    parts = []

    def walk(prefix, m):
        if isinstance(m, dict):
            for k, v in m.items():
                walk(f"{prefix}.{k}" if prefix and k != "json" else ("" if k in ("json", "query") else str(k)), v)
        elif isinstance(m, list) and all(isinstance(x, str) for x in m):
            parts.append(f"{prefix or 'body'}: {' '.join(m)}")
        elif isinstance(m, list):
            for i, x in enumerate(m):
                walk(f"{prefix}[{i}]", x)

    walk("", messages)
    return "; ".join(parts)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        status, message = render(exc)
        response = _answer(status, exc.code, message, _details(exc.params))
        if isinstance(exc.params.get("retry_after"), int):  # a lock or limit says when to come back
            response = make_response(response)
            response.headers["Retry-After"] = str(exc.params["retry_after"])
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        status, message = describe("csrf_failed")
        return _answer(status, "csrf_failed", message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        db.session.rollback()
        if isinstance(exc, BadInput):  # the input edge (service_app/edge.py)
            status, message = describe(exc.error_code, exc.params)
            return _answer(status, exc.error_code, message, _details(exc.params))
        status = exc.code or 500
        messages = (getattr(exc, "data", None) or {}).get("messages")
        if status in (400, 422) and messages:  # webargs: the arguments did not match the schema
            _status, message = describe("invalid_input", {"reason": "schema", "fields": _field_messages(messages)})
            return _answer(400, "invalid_input", message, messages)
        if status == 400 and _is_api() and ("JSON" in (exc.description or "") or request.is_json):
            return _answer(400, "malformed_json", describe("malformed_json")[1])
        code = HTTP_CODES.get(status, "http_error")
        if exc.description and exc.description != type(exc).description:
            message = exc.description  # a view's own words (already in the reader's language)
        else:
            message = describe(code, {"reason": "http"})[1]
        return _answer(status, code, message)

    @app.errorhandler(OperationalError)
    def _db_busy(exc: OperationalError):
        # A database that is down or (SQLite) locked past the busy timeout: a retryable 503, never a bare 500.
        db.session.rollback()
        log.warning("database unavailable: %s", exc)
        status, message = describe("database_unavailable")
        return _answer(status, "database_unavailable", message)
