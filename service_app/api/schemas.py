"""Request and response shapes: validated by webargs on the way in, documented in OpenAPI."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

Str = fields.String
Qty = fields.Integer(required=True, strict=True, metadata={"description": "whole units, > 0", "example": 1})
Money = fields.String(metadata={"description": "decimal string", "example": "12.50"})


class TokenRequest(Schema):
    username = Str(required=True, validate=validate.Length(max=64))
    password = Str(required=True, validate=validate.Length(max=200))


class TokenResponse(Schema):
    token = Str()
    role = Str()
    expires_in = fields.Integer()


class PartCreate(Schema):
    part_number = Str(required=True, validate=validate.Length(min=1, max=40))
    name = Str(required=True, validate=validate.Length(min=1, max=200))
    name_en = Str(allow_none=True, validate=validate.Length(max=200))
    unit = Str(allow_none=True, validate=validate.Length(max=16))
    category = Str(allow_none=True, validate=validate.Length(max=64))
    supplier = Str(allow_none=True, validate=validate.Length(max=32))
    standard_cost = Money
    dealer_price = Money
    reorder_point = fields.Integer(strict=True, allow_none=True)
    barcodes = fields.List(Str(validate=validate.Length(min=1, max=64)), validate=validate.Length(max=50))


class PartOut(Schema):
    part_number = Str()
    name = Str()
    name_en = Str(allow_none=True)
    unit = Str()
    category = Str(allow_none=True)
    supplier = Str(allow_none=True)
    standard_cost = Money
    dealer_price = Money
    reorder_point = fields.Integer()
    barcodes = fields.List(Str())


class LocationCreate(Schema):
    code = Str(required=True, validate=validate.Length(min=1, max=40))
    store = Str(required=True, validate=validate.OneOf(["NEW", "RETURNED"]))
    name = Str(allow_none=True, validate=validate.Length(max=200))


class LocationOut(Schema):
    code = Str()
    store = Str()
    kind = Str()


class Receive(Schema):
    part_number = Str(required=True, validate=validate.Length(min=1, max=64))
    location = Str(required=True, validate=validate.Length(min=1, max=40))
    qty = Qty
    unit_cost = Money
    reference = Str(allow_none=True, validate=validate.Length(max=100))
    document = Str(allow_none=True, validate=validate.Length(max=32),
                   metadata={"description": "add this line to an existing receipt note (RN-…)"})
    device = Str(allow_none=True, validate=validate.Length(max=64))


class Issue(Schema):
    part_number = Str(required=True, validate=validate.Length(min=1, max=64))
    location = Str(required=True, validate=validate.Length(min=1, max=40))
    qty = Qty
    to = Str(allow_none=True, validate=validate.Length(max=40),
             metadata={"description": "counterparty location, default @CUSTOMER"})
    reference = Str(allow_none=True, validate=validate.Length(max=100))
    device = Str(allow_none=True, validate=validate.Length(max=64))


class Transfer(Schema):
    part_number = Str(required=True, validate=validate.Length(min=1, max=64))
    from_location = Str(required=True, validate=validate.Length(min=1, max=40))
    to_location = Str(required=True, validate=validate.Length(min=1, max=40))
    qty = Qty
    reference = Str(allow_none=True, validate=validate.Length(max=100))
    device = Str(allow_none=True, validate=validate.Length(max=64))


class Reverse(Schema):
    reason = Str(allow_none=True, validate=validate.Length(max=200))
    device = Str(allow_none=True, validate=validate.Length(max=64))


class Posted(Schema):
    move_id = fields.Integer()
    part_number = Str()
    location = Str()
    qty = fields.Integer()
    qty_on_hand = fields.Integer()
    unit_cost = Money
    doc_no = Str(allow_none=True)


class StockLocation(Schema):
    location = Str()
    store = Str()
    qty = fields.Integer()


class StockOut(Schema):
    part_number = Str()
    name = Str()
    name_en = Str(allow_none=True)
    total = fields.Integer()
    avg_cost = Money
    locations = fields.List(fields.Nested(StockLocation))


class BinStock(Schema):
    location = Str()
    store = Str()
    kind = Str()
    parts = fields.List(fields.Dict())


class MoveOut(Schema):
    move_id = fields.Integer()
    part_number = Str()
    qty = fields.Integer()
    from_ = Str(data_key="from")
    to = Str()
    unit_cost = Money
    doc_type = Str()
    doc_no = Str(allow_none=True)
    actor = Str()
    device = Str(allow_none=True)
    at = Str()
    reverses = fields.Integer(allow_none=True)
    reversed = fields.Boolean()


class MovesOut(Schema):
    moves = fields.List(fields.Nested(MoveOut))


class MovesQuery(Schema):
    part_number = Str(validate=validate.Length(max=64))
    location = Str(validate=validate.Length(max=40))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    before_id = fields.Integer(validate=validate.Range(min=1), metadata={"format": "int64"})  # a move id


class Resolve(Schema):
    code = Str(required=True, validate=validate.Length(min=1, max=512))


class ScanStep(Schema):
    code = Str(required=True, validate=validate.Length(min=1, max=512))
    mode = Str(required=True, validate=validate.OneOf(["receive", "issue", "transfer", "count"]))
    location = Str(allow_none=True, validate=validate.Length(max=40))
    to_location = Str(allow_none=True, validate=validate.Length(max=40))
    qty = fields.Integer(strict=True, load_default=1)
    document = Str(allow_none=True, validate=validate.Length(max=32))
    stocktake = fields.Integer(strict=True, allow_none=True)
    device = Str(allow_none=True, validate=validate.Length(max=64))
    print_labels = fields.Boolean(load_default=False,
                                  metadata={"description": "receive mode: queue a part label per unit received"})
    printer = Str(allow_none=True, validate=validate.Length(max=500),
                  metadata={"description": "the station's printer (registered URL); default PRINTER_URL"})


class Resolved(Schema):
    kind = Str(metadata={"description": "part | location | mode | card | receipt | unit | claim | ..."})
