"""Field types shared by the API's schemas, bounded by the domain's limits (warehouse/limits.py), so a schema
cannot drift from the domain or from the web forms. Each area's schemas live in its own module (api/<noun>.py)."""
from __future__ import annotations

from marshmallow import fields, validate

from service_app.error_messages import describe
from warehouse import limits

Str = fields.String


class Range(validate.Range):
    """marshmallow's Range, whose refusal reads as the domain's (translated) message for the field."""

    def __init__(self, *, field: str, **kw):
        super().__init__(**kw)
        self.field = field

    def _format_error(self, value, message: str) -> str:
        if self.min is not None and value < self.min:
            reason = "not_positive" if self.min == 1 else "too_small"
        else:
            reason = "too_large"
        return describe("invalid_input", {"field": self.field, "reason": reason, "min": self.min, "max": self.max})[1]


class Length(validate.Length):
    """marshmallow's Length with the domain's (translated) messages."""

    def __init__(self, *, field: str | None = None, **kw):
        super().__init__(**kw)
        self.field = field

    def _format_error(self, value, message: str) -> str:
        if self.min is not None and len(value) < self.min:
            reason = "required" if self.min == 1 else "too_short"
        else:
            reason = "too_long"
        return describe("invalid_input", {"field": self.field or "value", "reason": reason, "min": self.min,
                                          "max": self.max})[1]


def Text(max_len: int, **kw) -> fields.String:  # noqa: N802  (a field type, named like one)
    """Optional free text (a reference, a note): null allowed, at most `max_len` characters."""
    kw.setdefault("allow_none", True)
    return Str(validate=validate.Length(max=max_len), **kw)


def Required(max_len: int, **kw) -> fields.String:  # noqa: N802
    """Required text of 1 to `max_len` characters."""
    return Str(required=True, validate=validate.Length(min=1, max=max_len), **kw)


def PartNumber(**kw) -> fields.String:  # noqa: N802
    return Required(limits.PART_NUMBER_LEN, **kw)


def LocationCode(**kw) -> fields.String:  # noqa: N802
    return Required(limits.LOCATION_CODE_LEN, **kw)


def Qty(**kw) -> fields.Integer:  # noqa: N802
    """Whole units of one move, 1 to limits.MAX_QTY."""
    kw.setdefault("required", True)
    kw.setdefault("metadata", {"description": f"whole units, 1 to {limits.MAX_QTY}", "example": 1})
    return fields.Integer(strict=True, validate=Range(field="qty", min=1, max=limits.MAX_QTY), **kw)


def Store(**kw) -> fields.String:  # noqa: N802
    return Str(validate=validate.OneOf(limits.STORES), **kw)


def Device(**kw) -> fields.String:  # noqa: N802
    return Text(limits.DEVICE_LEN, **kw)


def Money(**kw) -> fields.String:  # noqa: N802
    """A decimal string; its scale and range are checked by the domain (warehouse.catalog.services.money)."""
    return Str(metadata={"description": "decimal string", "example": "12.50"}, **kw)
