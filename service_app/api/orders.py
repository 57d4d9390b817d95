"""Dealer parts orders: entry (CONTRACT §4), the written copy, credit release, pick list, pick, ship, and the
shipper's and clerk's lists."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import Device, LocationCode, PartNumber, Qty, Required, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.orders import documents, queries, services as orders
from warehouse.orders.rules import STATUSES

blp = Blueprint("api_orders", __name__, description="Dealer parts orders: entry, pick, ship")


class LineIn(Schema):
    part_number = PartNumber()
    qty = Qty()


class OrderIn(Schema):
    dealer = Required(32)
    lines = fields.List(fields.Nested(LineIn), required=True,
                        validate=validate.Length(min=1, max=limits.MAX_ORDER_LINES))
    channel = Str(required=True, validate=validate.OneOf(limits.ORDER_CHANNELS))
    reference = Text(limits.REFERENCE_LEN, metadata={"description": "the written order's fax/chat reference"})
    note = Text(limits.NOTE_LEN)


class OrderCreated(Schema):
    order_no = fields.String()
    status = Str(metadata={"description": " | ".join(STATUSES)})
    total = fields.String(metadata={"description": "goods at the order's prices, tax included"})


class OrderOut(OrderCreated):
    dealer = fields.String()
    dealer_name = fields.String()
    channel = fields.String()
    reference = fields.String(allow_none=True)
    written = fields.Boolean()
    credit_hold = fields.Boolean()
    hold_reason = fields.String(allow_none=True)
    backorder_of = fields.String(allow_none=True)
    carrier = fields.String(allow_none=True)
    waybill = fields.String(allow_none=True)
    parcels = fields.Integer(allow_none=True)
    invoice_no = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.String()
    shipped_at = fields.String(allow_none=True)
    lines = fields.List(fields.Dict())


@blp.route("/orders", methods=["POST"])
@blp.arguments(OrderIn())
@blp.response(201, OrderCreated)
@require("orders.write")
def place_order(body):
    """Place a dealer's order: priced from the dealer's price level; `held` when the credit check fails,
    `awaiting_written` for a phone order without its written reference; a blocked dealer → 409 `dealer_blocked`."""
    def run(_key):
        order = orders.place_order(db.session, actor=api_actor().username, **body)
        return {"order_no": order.order_no, "status": order.status, "total": f"{order.total:.2f}"}
    return write(run, status=201)


class OrderQuery(Schema):
    status = Str(validate=validate.OneOf(STATUSES))
    dealer = Text(32)


@blp.route("/orders", methods=["GET"])
@blp.arguments(OrderQuery, location="query")
@require("orders.read")
def list_orders(args):
    """Orders, newest first (`?status=`, `?dealer=`)."""
    return read({"orders": queries.list_orders(db.session, **args)})


@blp.route("/orders/<order_no>", methods=["GET"])
@blp.response(200, OrderOut)
@require("orders.read")
def show_order(order_no):
    return read(queries.show(db.session, order_no))


class WrittenIn(Schema):
    reference = Text(limits.REFERENCE_LEN, metadata={
        "description": "the fax/chat reference; omit it when an image of the written order is attached "
                       "(POST /attachments with owner_kind=order)"})


@blp.route("/orders/<order_no>/written", methods=["POST"])
@blp.arguments(WrittenIn())
@blp.response(200, OrderOut)
@require("orders.write")
def record_written(body, order_no):
    """The written copy of a phone order arrived: the order goes on to picking unless a credit hold remains."""
    return write(lambda _key: queries.order_dict(orders.record_written(
        db.session, order_no=order_no, actor=api_actor().username, **body)))


@blp.route("/orders/<order_no>/release", methods=["POST"])
@blp.response(200, OrderOut)
@require("orders.release")
def release(order_no):
    """A manager lifts the credit hold of a `held` order."""
    return write(lambda _key: queries.order_dict(orders.release(db.session, order_no=order_no,
                                                                actor=api_actor().username)))


@blp.route("/orders/<order_no>/pick-list", methods=["GET"])
@require("orders.read")
def pick_list(order_no):
    """The lines in bin-route order with the bins holding each part."""
    return read(queries.pick_list(db.session, order_no))


class PickIn(Schema):
    code = Required(limits.SCAN_CODE_LEN, metadata={"description": "the part's code as scanned"})
    location = LocationCode()
    qty = Qty(required=False, load_default=1)
    device = Device()


class PickOut(Schema):
    order_no = fields.String()
    status = fields.String()
    part_number = fields.String()
    location = fields.String()
    qty = fields.Integer()
    picked = fields.Integer()
    ordered = fields.Integer()
    qty_on_hand = fields.Integer()
    move_id = fields.Integer()


@blp.route("/orders/<order_no>/pick", methods=["POST"])
@blp.arguments(PickIn())
@blp.response(200, PickOut)
@require("orders.pick")
def pick(body, order_no):
    """Pick scanned units from a NEW bin onto the order's packing. Not on the order → 409 `wrong_part`; more than
    the line needs → 409 `over_pick`; a bin without enough → 409 `insufficient_stock`."""
    actor = api_actor()

    def run(key):
        out = orders.pick(db.session, order_no=order_no, actor=actor.username, role=actor.role,
                          idempotency_key=key, **body)
        return {k: out[k] for k in ("order_no", "status", "part_number", "location", "qty", "picked", "ordered",
                                    "qty_on_hand", "move_id")}
    return write(run)


class ShipIn(Schema):
    carrier = Text(64)
    waybill = Text(64)
    parcels = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 999))
    print_labels = fields.Boolean(load_default=False,
                                  metadata={"description": "queue a shipment label per parcel on PRINTER_URL"})


@blp.route("/orders/<order_no>/ship", methods=["POST"])
@blp.arguments(ShipIn(), required=False)
@blp.response(200, OrderOut)
@require("orders.ship")
def ship(body, order_no):
    """Ship what was picked to the dealer and invoice it; short lines become a backorder. Nothing picked → 409
    `order_state` (not_picked); a second ship → 409 `order_state` (shipped)."""
    body = body or {}
    print_labels = body.pop("print_labels", False)
    actor = api_actor()

    def run(_key):
        order = orders.ship(db.session, order_no=order_no, actor=actor.username, **body)
        out = queries.order_dict(order)
        if print_labels:
            out["print_job"] = documents.queue_shipment_labels(db.session, order=order, actor=actor.username,
                                                               printer_url=current_app.config["PRINTER_URL"])
        return out
    return write(run)


class SuggestQuery(Schema):
    q = Required(limits.NAME_LEN)
    dealer = Text(32)


@blp.route("/orders/part-suggestions", methods=["GET"])
@blp.arguments(SuggestQuery, location="query")
@require("orders.write")
def part_suggestions(args):
    """Order entry's autocomplete: by part number, Chinese name or pinyin initials (prefix), with availability in
    the NEW store, the dealer's price and the successor part."""
    return read({"parts": queries.part_suggestions(db.session, args["q"], dealer=args.get("dealer"))})


@blp.route("/orders/backorders", methods=["GET"])
@require("orders.read")
def backorders():
    """Backorders the NEW store can now fill (stock arrived)."""
    return read({"orders": queries.backorders_ready(db.session)})


@blp.route("/orders/late", methods=["GET"])
@require("orders.read")
def late():
    """Released orders not shipped within the set time (防止漏发迟发)."""
    return read({"orders": queries.late_orders(db.session), "hours": limits.SHIP_DUE_HOURS})


class DayQuery(Schema):
    day = fields.Date(required=True)


@blp.route("/orders/shipped", methods=["GET"])
@blp.arguments(DayQuery, location="query")
@require("orders.read")
def shipped(args):
    """The day's shipment register (商品每天发货记录清单)."""
    return read({"day": args["day"].isoformat(), "orders": queries.shipment_register(db.session, day=args["day"])})
