"""The error responses as the API really answers them, documented once for every operation.

Every 4xx (and the 503 of a busy database) is `{"error": {"code", "message", "details"?}}` (CONTRACT §4), rendered
by service_app/errors.py. `ErrorResponse` is that shape; ErrorResponsesPlugin adds the statuses any operation can
answer to each one as it enters the document, so a new endpoint is documented without a line of its own.
"""
from __future__ import annotations

from apispec import BasePlugin
from marshmallow import Schema, fields

from service_app import edge


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"description": "stable snake_case code (never translated)",
                                                  "example": "insufficient_stock"})
    message = fields.String(required=True, metadata={"description": "a sentence in the caller's language "
                                                                    "(Accept-Language; zh_CN when absent)"})
    details = fields.Dict(metadata={"description": "the error's parameters (field, reason, part_number, …) or, for "
                                                   "invalid_input from the schema, the messages per field"})


class ErrorResponse(Schema):
    error = fields.Nested(ErrorBody, required=True)


# status → flask-smorest's lazily registered response of that name (its schema is Api.ERROR_SCHEMA)
EVERY_OPERATION = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
                   429: "TOO_MANY_REQUESTS", 503: "SERVICE_UNAVAILABLE"}
WITH_BODY = {413: "REQUEST_ENTITY_TOO_LARGE"}


class ErrorResponsesPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, op in (operations or {}).items():
            responses = op.setdefault("responses", {})
            responses.pop(422, None)  # validation failures answer 400 (service_app/api/parser.py)
            responses.pop("422", None)
            statuses = EVERY_OPERATION | (WITH_BODY if method in ("post", "put", "patch") else {})
            for status, name in statuses.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = name


def bounded_int_path(converter) -> dict:
    return {"type": "integer", "format": "int64", "minimum": 0, "maximum": edge.INT64[1]}
