from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import lean_write, read, write
from service_app.api.fields import Device, LocationCode, Money, PartNumber, Qty, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse.catalog.services import money
from warehouse import limits
from warehouse.ledger import queries, services as ledger

blp = Blueprint("api_stock", __name__, description="Stock: receive, issue, transfer, reverse, on-hand, history")


class Receive(Schema):
    part_number = PartNumber()
    location = LocationCode()
    qty = Qty()
    unit_cost = Money()
    reference = Text(limits.REFERENCE_LEN)
    document = Text(limits.DOCUMENT_LEN, metadata={"description": "add this line to an existing receipt note (RN-…)"})
    device = Device()


class Issue(Schema):
    part_number = PartNumber()
    location = LocationCode()
    qty = Qty()
    to = Text(limits.LOCATION_CODE_LEN, metadata={"description": "counterparty location, default @CUSTOMER"})
    reference = Text(limits.REFERENCE_LEN)
    device = Device()


class Transfer(Schema):
    part_number = PartNumber()
    from_location = LocationCode()
    to_location = LocationCode()
    qty = Qty()
    reference = Text(limits.REFERENCE_LEN)
    device = Device()


class Reverse(Schema):
    reason = Text(limits.NOTE_LEN)
    device = Device()


class Posted(Schema):
    move_id = fields.Integer()
    part_number = Str()
    location = Str()
    qty = fields.Integer()
    qty_on_hand = fields.Integer()
    unit_cost = Money()
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
    avg_cost = Money()
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
    unit_cost = Money()
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
    part_number = Str(validate=validate.Length(max=limits.PART_NUMBER_LEN))
    location = Str(validate=validate.Length(max=limits.LOCATION_CODE_LEN))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    before_id = fields.Integer(validate=validate.Range(min=1), metadata={"format": "int64"})  # a move id


def _who(body: dict) -> dict:
    actor = api_actor()
    return {"actor": actor.username, "role": actor.role, "device": body.pop("device", None)}


@blp.route("/stock/receive", methods=["POST"])
@blp.arguments(Receive)
@blp.response(201, Posted)
@require("stock.receive")
def receive(body):
    """Receive parts into a NEW-store bin on a receipt note; a RETURNED bin answers 409 `wrong_store`."""
    if body.get("unit_cost") is not None:
        body["unit_cost"] = money(body["unit_cost"], "unit_cost", places=4)
    who = _who(body)
    return lean_write(lambda s, key: ledger.receive(s, **body, **who, idempotency_key=key).as_dict(), status=201)


@blp.route("/stock/issue", methods=["POST"])
@blp.arguments(Issue)
@blp.response(201, Posted)
@require("stock.issue")
def issue(body):
    """Issue parts from a bin; more than is on hand answers 409 `insufficient_stock`."""
    who = _who(body)
    body["to"] = body.get("to") or "@CUSTOMER"
    return lean_write(lambda s, key: ledger.issue(s, **body, **who, idempotency_key=key).as_dict(), status=201)


@blp.route("/stock/transfer", methods=["POST"])
@blp.arguments(Transfer)
@blp.response(201, Posted)
@require("stock.transfer")
def transfer(body):
    """Move parts between two bins of one store; the answer's on-hand is the destination's."""
    who = _who(body)
    return lean_write(lambda s, key: ledger.transfer(s, **body, **who, idempotency_key=key).as_dict(), status=201)


@blp.route("/moves/<int:move_id>/reverse", methods=["POST"])
@blp.arguments(Reverse)
@blp.response(201, Posted)
@require("stock.reverse")
def reverse(body, move_id):
    """Correct a mistaken move by posting its mirror image (a move can be reversed once)."""
    who = _who(body)
    return write(lambda _key: ledger.reverse(db.session, move_id=move_id, reason=body.get("reason"), **who)
                 .as_dict(), status=201)


@blp.route("/stock/<part_number>", methods=["GET"])
@blp.response(200, StockOut)
@require("stock.read")
def stock_of_part(part_number):
    """On-hand of a part: total and per location."""
    return read(queries.stock_of_part(db.session, part_number))


@blp.route("/locations/<code>/stock", methods=["GET"])
@blp.response(200, BinStock)
@require("stock.read")
def stock_in_bin(code):
    """What a bin holds (ledger balance and bin-card balance per part)."""
    return read(queries.stock_in_bin(db.session, code))


@blp.route("/moves", methods=["GET"])
@blp.arguments(MovesQuery, location="query")
@blp.response(200, MovesOut)
@require("stock.read")
def moves(args):
    """Movement history, newest first, by part and/or location (`before_id` pages back)."""
    found = queries.history(db.session, **args)
    reversed_ids = queries.reversed_among(db.session, [m.id for m in found])
    return read({"moves": [queries.move_dict(m, reversed_ids=reversed_ids) for m in found]})
