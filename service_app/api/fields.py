"""Field types shared by the API's schemas, bounded by the domain's limits (warehouse/limits.py), so a schema
cannot drift from the domain or from the web forms. Each area's schemas live in its own module (api/<noun>.py)."""
from __future__ import annotations

from marshmallow import fields, validate

from warehouse import limits

Str = fields.String


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
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=limits.MAX_QTY), **kw)


def Store(**kw) -> fields.String:  # noqa: N802
    return Str(validate=validate.OneOf(limits.STORES), **kw)


def Device(**kw) -> fields.String:  # noqa: N802
    return Text(limits.DEVICE_LEN, **kw)


def Money(**kw) -> fields.String:  # noqa: N802
    """A decimal string; its scale and range are checked by the domain (warehouse.catalog.services.money)."""
    return Str(metadata={"description": "decimal string", "example": "12.50"}, **kw)
