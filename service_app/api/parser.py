"""The API's argument parser: request bodies through the input edge, integer fields bounded to their column.

flask-smorest hands every `@blp.arguments(Schema)` to this parser when the view is decorated, so both rules hold for
every endpoint without a line in its schema:
- JSON bodies are parsed by `service_app.edge.loads` (nesting, number size, NUL and lone surrogates);
- each `Integer` field gets a Range of its column: 32-bit (SQLAlchemy `Integer`) unless the field says
  `metadata={"format": "int64"}` (a BigInteger id). The Range is a marshmallow validator, so the OpenAPI document
  shows the bounds too.
Validation failures answer 400 `invalid_input` (service_app/errors.py), not webargs' 422.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from service_app import edge


class EdgeParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._instances: dict[type, Schema] = {}

    def _get_schema(self, argmap, req):
        """One instance per Schema class, made on first use: webargs would build one per request (a deep copy of
        every declared field, ≈ 1 ms on a scan). A loaded schema keeps no state between loads (marshmallow 4 has no
        `context`), so the instance is shared by every request and thread."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._instances.get(argmap)
            if schema is None:
                schema = self._instances.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data:
            return core.missing  # no body: the schema's required fields say what is missing
        return edge.loads(data)

    def use_args(self, argmap, *args, **kwargs):
        bound_integers(argmap)
        return super().use_args(argmap, *args, **kwargs)


def _bounds(field: fields.Integer) -> tuple[int, int]:
    return edge.INT64 if field.metadata.get("format") == "int64" else edge.INT32


def _bound_field(field, seen: set) -> None:
    if id(field) in seen:
        return
    seen.add(id(field))
    if isinstance(field, fields.Integer):
        lo, hi = _bounds(field)
        ranges = [v for v in field.validators if isinstance(v, validate.Range)]
        if not any(r.min is not None and r.min >= lo and r.max is not None and r.max <= hi for r in ranges):
            field.validators = [*field.validators, validate.Range(min=lo, max=hi)]
    elif isinstance(field, fields.List):
        _bound_field(field.inner, seen)
    elif isinstance(field, fields.Tuple):
        for f in field.tuple_fields:
            _bound_field(f, seen)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _bound_field(field.value_field, seen)
    elif isinstance(field, fields.Nested):
        _bound_schema(field.nested, seen)


def _bound_schema(schema, seen: set) -> None:
    if isinstance(schema, Schema):
        for f in schema.fields.values():
            _bound_field(f, seen)
        schema = type(schema)
    if isinstance(schema, type) and issubclass(schema, Schema) and id(schema) not in seen:
        seen.add(id(schema))
        for f in schema._declared_fields.values():  # instances made later copy these
            _bound_field(f, seen)


def bound_integers(argmap) -> None:
    """Give every Integer field reachable from `argmap` (a Schema class or instance, or a dict of fields) the Range
    of its column; idempotent."""
    seen: set = set()
    if isinstance(argmap, dict):
        for f in argmap.values():
            _bound_field(f, seen)
    else:
        _bound_schema(argmap, seen)
