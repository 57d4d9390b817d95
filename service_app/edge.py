"""The input edge: whatever a client sends, a bad value ends as a 400 in the contract's error shape, never a 500.

Four checks, each in one place, so no endpoint (present or future) has to repeat them:
- JSON bodies are parsed by `loads`: nesting at most MAX_DEPTH levels (Python's parser would hit RecursionError),
  integers within 64 bits (what any column holds; a 5,000-digit number would hit the int-string limit), no NaN or
  Infinity, strings without NUL (PostgreSQL refuses it) or lone surrogates (no encoder takes them). Used by the
  API's argument parser (service_app/api/parser.py) and by `request.get_json()` (the app's JSON provider).
- Query strings, form fields and URL path values are checked for NUL and lone surrogates before any view runs.
- `<int:…>` in URL rules is bounded to 64 bits (a longer number used to crash the router with ValueError).
- `request.args.get(name, type=int)` accepts only 0 … 2**31-1 (counts, pages, offsets, ids of 32-bit columns).
Integer fields of the API's schemas are bounded to their column's range by the argument parser.
"""
from __future__ import annotations

import json
import math
import re

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

INT32 = (-2**31, 2**31 - 1)  # SQLAlchemy Integer: PostgreSQL `integer`
INT64 = (-2**63, 2**63 - 1)  # BigInteger ids; SQLite's INTEGER
MAX_DEPTH = 32  # our deepest body is a few levels (a print job's items); 32 leaves room and stops hostile nesting
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class BadInput(BadRequest):
    """A 400 raised at the edge, rendered like a domain error: `error_code` and parameters → error_messages."""

    def __init__(self, error_code: str = "invalid_input", **params):
        super().__init__()
        self.error_code = error_code
        self.params = params


def check_text(value: str, where: str) -> None:
    if (m := _BAD_TEXT.search(value)) is not None:
        raise BadInput(field=where, reason="nul_character" if m.group() == "\x00" else "bad_character")


# --- JSON ---------------------------------------------------------------------------------------------------------

def _int(text: str) -> int:
    # Compare lengths before converting: int() of a 5,000-digit string raises ValueError (CPython's digit limit).
    if len(text.lstrip("-")) > 19 or not INT64[0] <= (n := int(text)) <= INT64[1]:
        raise BadInput(reason="number_too_large")
    return n


def _float(text: str) -> float:
    f = float(text)
    if not math.isfinite(f):
        raise BadInput(reason="number_too_large")
    return f


def _constant(name: str):
    raise BadInput("malformed_json")  # NaN, Infinity: not JSON


def loads(data: bytes | str):
    """Parse a JSON body under the edge's rules; BadInput (400) on anything it refuses."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("malformed_json") from None
    try:
        value = json.loads(data, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise BadInput("malformed_json", reason="too_deep", max=MAX_DEPTH) from None
    except ValueError:  # JSONDecodeError
        raise BadInput("malformed_json") from None
    check_json(value)
    return value


def check_json(value) -> None:
    """Depth and text of a parsed JSON value, walked without recursion."""
    stack = [(value, "body", 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadInput("malformed_json", reason="too_deep", max=MAX_DEPTH)
        if isinstance(item, str):
            check_text(item, where)
        elif isinstance(item, dict):
            for k, v in item.items():
                check_text(k, where)
                stack.append((v, k if where == "body" else f"{where}.{k}", depth + 1))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(item))


class EdgeJSONProvider(DefaultJSONProvider):
    """`request.get_json()` under the same rules as the API's bodies."""

    def loads(self, s, **kwargs):
        return loads(s)


# --- URL, query string, form -----------------------------------------------------------------------------------

class BoundedInt(IntegerConverter):
    """`<int:id>` that answers 400 for a number no column can hold, instead of crashing the router."""

    def to_python(self, value: str) -> int:
        if len(value) > 19 or int(value) > INT64[1]:
            raise BadInput(field="path", reason="out_of_range", min=0, max=INT64[1])
        return super().to_python(value)


class EdgeArgs(ImmutableMultiDict):
    """Query and form values whose `get(..., type=int)` refuses numbers out of range instead of passing them on."""

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        if type is int:
            try:
                raw = self[key]
            except KeyError:
                return default
            try:
                n = int(raw) if len(raw.strip()) <= 12 else None
            except ValueError:
                return default  # not a number: werkzeug's behaviour, the caller's default
            if n is None or not 0 <= n <= INT32[1]:
                raise BadInput(field=key, reason="out_of_range", min=0, max=INT32[1])
            return n
        return super().get(key, default, type)


class EdgeRequest(Request):
    parameter_storage_class = EdgeArgs


FORM_MEDIA = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})  # what werkzeug parses as a form


def _check_request_text() -> None:
    # A scan (a JSON body, no query string) has neither: do not build werkzeug's empty query and form for it.
    req = request._get_current_object()  # one context look-up, not one per attribute
    sources = (("query", req.args),) if req.environ.get("QUERY_STRING") else ()
    if req.mimetype in FORM_MEDIA:
        sources += (("form", req.form),)
    for where, values in sources:
        for key, value in values.items(multi=True):
            check_text(key, where)
            check_text(value, key)
    for key, value in (req.view_args or {}).items():
        if isinstance(value, str):
            check_text(value, key)


def init_edge(app: Flask) -> None:
    """Before any blueprint registers: rules compile their converters when they are added."""
    app.url_map.converters["int"] = BoundedInt
    app.json = EdgeJSONProvider(app)
    app.request_class = EdgeRequest
    app.before_request(_check_request_text)
