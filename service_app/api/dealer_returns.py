"""Dealer returns: registered (classified normal or abnormal at once), received by scanning into NEW bins, decided by
a manager when abnormal; credited with a credit note on the dealer's account."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import Device, LocationCode, Money, PartNumber, Qty, Required, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.orders import queries, returns
from warehouse.orders.rules import RETURN_STATUSES

blp = Blueprint("api_dealer_returns", __name__, description="Dealer returns: normal and abnormal, receipt, decision, credit")


class ReturnLineIn(Schema):
    part_number = PartNumber()
    qty = Qty()
    condition = Str(load_default="unused", validate=validate.OneOf(limits.RETURN_CONDITIONS))


class ReturnIn(Schema):
    dealer = Required(32)
    order_no = Text(32, metadata={"description": "the shipped order the parts came on (none: not traceable)"})
    lines = fields.List(fields.Nested(ReturnLineIn), required=True,
                        validate=validate.Length(min=1, max=limits.MAX_ORDER_LINES))
    note = Text(limits.NOTE_LEN)


class ReturnOut(Schema):
    return_no = fields.String()
    dealer = fields.String()
    dealer_name = fields.String()
    order_no = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "normal | abnormal"})
    reasons = fields.List(fields.String(), metadata={"description": "outside_window, damaged, not_ours"})
    status = fields.String(metadata={"description": " | ".join(RETURN_STATUSES)})
    note = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    decision_note = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    restocking_charge = fields.String(allow_none=True)
    credit_no = fields.String(allow_none=True)
    credit_amount = fields.String(allow_none=True, metadata={"description": "credited value, tax included, before "
                                                                             "the restocking charge"})
    created_by = fields.String()
    created_at = fields.String()
    lines = fields.List(fields.Dict())


def window_days() -> int:
    return current_app.config.get("RETURN_WINDOW_DAYS", limits.RETURN_WINDOW_DAYS)


@blp.route("/returns", methods=["POST"])
@blp.arguments(ReturnIn())
@blp.response(201, ReturnOut)
@require("dealer_returns.write")
def register_return(body):
    """Register a dealer's return. Normal (unused, shipped to this dealer on `order_no`, inside the return window)
    → `awaiting_receipt`; otherwise abnormal → `negotiating` with its reasons."""
    return write(lambda _key: queries.return_dict(returns.register_return(
        db.session, actor=api_actor().username, window_days=window_days(), **body)), status=201)


class ReturnQuery(Schema):
    status = Str(validate=validate.OneOf(RETURN_STATUSES))


@blp.route("/returns", methods=["GET"])
@blp.arguments(ReturnQuery, location="query")
@require("orders.read")
def list_returns(args):
    """Returns, newest first (`?status=`)."""
    return read({"returns": queries.list_returns(db.session, **args)})


@blp.route("/returns/<return_no>", methods=["GET"])
@blp.response(200, ReturnOut)
@require("orders.read")
def show_return(return_no):
    return read(queries.show_return(db.session, return_no))


class ReceiveIn(Schema):
    code = Required(limits.SCAN_CODE_LEN, metadata={"description": "the part's code as scanned"})
    location = LocationCode()
    qty = Qty(required=False, load_default=1)
    device = Device()


class ReceiveOut(Schema):
    return_no = fields.String()
    status = fields.String()
    part_number = fields.String()
    location = fields.String()
    qty = fields.Integer()
    received = fields.Integer()
    expected = fields.Integer()
    qty_on_hand = fields.Integer()
    credit_no = fields.String(allow_none=True)


@blp.route("/returns/<return_no>/receive", methods=["POST"])
@blp.arguments(ReceiveIn())
@blp.response(200, ReceiveOut)
@require("dealer_returns.receive")
def receive(body, return_no):
    """Scan a returned part back into a NEW bin. A part not on the return → 409 `wrong_part`; more than returned →
    409 `over_receive`; a return not awaiting receipt → 409 `return_state`. The last unit credits the return."""
    actor = api_actor()
    return write(lambda key: returns.receive_return(db.session, return_no=return_no, actor=actor.username,
                                                    role=actor.role, idempotency_key=key, **body))


class DecisionIn(Schema):
    decision = Str(required=True, validate=validate.OneOf(limits.RETURN_DECISIONS))
    restocking_charge = Money()  # accept or scrap: deducted from the credit
    note = Text(limits.NOTE_LEN)


@blp.route("/returns/<return_no>/decision", methods=["POST"])
@blp.arguments(DecisionIn())
@blp.response(200, ReturnOut)
@require("dealer_returns.decide")
def decide(body, return_no):
    """A manager decides an abnormal return: accept (then received by scanning, credited less the restocking
    charge), reject (sent back, no credit), scrap (to @SCRAP, credited less the charge)."""
    return write(lambda _key: queries.return_dict(returns.decide(db.session, return_no=return_no,
                                                                 actor=api_actor().username, **body)))
