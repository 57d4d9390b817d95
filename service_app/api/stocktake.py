"""Stocktakes, bin cards and reconciliation (CONTRACT §4: the reconciliation row and the stocktake calls are fixed).

Counters (`stock.count`) never see expected quantities here: count answers carry what was counted only, and the
reconciliation needs `reconciliation.read` (finance, manager, admin). Status names: see warehouse/reconciliation/rules.py.
"""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import Device, LocationCode, PartNumber, Store, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.reconciliation import rules as recon_rules
from warehouse.reconciliation.queries import reconcile
from warehouse.stocktake import cards, queries, services

blp = Blueprint("api_stocktake", __name__, description="Stocktakes (盘点), bin cards and reconciliation")


def Count(**kw) -> fields.Integer:  # noqa: N802  (a field type: a counted quantity, 0 allowed)
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=limits.MAX_QTY), **kw)


class StocktakeOpen(Schema):
    store = Store(required=True)
    locations = fields.List(Str(validate=validate.Length(min=1, max=limits.LOCATION_CODE_LEN)),
                            validate=validate.Length(max=10000),
                            metadata={"description": "bin codes; omitted: every bin of the store (with the filters)"})
    zone = Text(limits.ZONE_LEN)
    bin_from = Text(limits.LOCATION_CODE_LEN)
    bin_to = Text(limits.LOCATION_CODE_LEN)
    category = Text(limits.CATEGORY_LEN)
    plan = Str(allow_none=True, validate=validate.OneOf(["full", "cycle"]),
               metadata={"description": "cycle: only bins holding parts due for their ABC cycle count"})
    max_bins = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=100000))
    blind = fields.Boolean(load_default=True, metadata={"description": "counters do not see expected quantities"})
    note = Text(limits.NOTE_LEN)


class StocktakeOut(Schema):
    id = fields.Integer()
    doc_no = Str()
    store = Str()
    state = Str(metadata={"description": "open | approved"})
    scope = Str()
    category = Str(allow_none=True)
    blind = fields.Boolean()


class StocktakeQuery(Schema):
    store = Store()
    state = Str(validate=validate.OneOf(["open", "approved"]))


class SheetQuery(Schema):
    zone = Str(validate=validate.Length(max=limits.ZONE_LEN))


class CountIn(Schema):
    part_number = PartNumber()
    location = LocationCode()
    physical = Count(required=True)
    card = Count(allow_none=True,
                 metadata={"description": "the paper card's written balance, if the station keeps one"})
    device = Device()


class LineOut(Schema):
    line_id = fields.Integer()
    stocktake = fields.Integer()
    part_number = Str()
    location = Str()
    physical = fields.Integer()
    card = fields.Integer(allow_none=True)
    counter = Str()
    counted_at = Str()
    state = Str(metadata={"description": "counted | superseded | rejected | approved"})


class BinDone(Schema):
    device = Device()


class LineRef(Schema):
    part_number = PartNumber()
    location = LocationCode()


class RejectIn(Schema):
    lines = fields.List(fields.Nested(LineRef), required=True, validate=validate.Length(min=1, max=10000))


class Approval(Schema):
    id = fields.Integer()
    doc_no = Str()
    state = Str()
    already_approved = fields.Boolean()
    adjustments = fields.List(fields.Dict(), metadata={"description": "[{part_number, location, qty (signed), "
                                                                      "move_id}] posted to/from @ADJUST"})
    approved_lines = fields.Integer()
    awaiting_recount = fields.Integer()
    held = fields.List(fields.Dict(), metadata={"description": "[{part_number, location, physical}]: lines counted "
                                                               "beyond the quantity cap, held back for a recount"})


class ReconQuery(Schema):
    store = Store()
    stocktake = fields.Integer(validate=validate.Range(min=1))
    status = Str(validate=validate.OneOf(recon_rules.STATUSES))
    zone = Str(validate=validate.Length(max=limits.ZONE_LEN))
    limit = fields.Integer(validate=validate.Range(min=1, max=1_000_000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ReconRow(Schema):
    part_number = Str()
    location = Str()
    account = fields.Integer(metadata={"description": "ledger balance now"})
    card = fields.Integer(metadata={"description": "bin card balance (a typed paper-card balance when counted)"})
    physical = fields.Integer(allow_none=True, metadata={"description": "the count, plus moves posted after it"})
    status = Str(metadata={"description": "ok (a=c=p) | account_physical (a=c≠p) | card_account (a=p≠c) | "
                                          "card_physical (c=p≠a) | all_differ | not_counted (no count)",
                           "enum": list(recon_rules.STATUSES)})
    cause = Str(allow_none=True, metadata={"description": "the likely cause, first that applies; see "
                                                          "docs/stocktake.md", "enum": list(recon_rules.CAUSES)})
    value_diff = Str(allow_none=True, metadata={"description": "(physical − account) × moving-average cost"})
    name = Str()
    name_en = Str(allow_none=True)
    moves_after_count = fields.Integer(allow_none=True, metadata={"description": "net moves posted after the count "
                                                                                 "(physical − this = the count)"})
    counter = Str(allow_none=True)
    line_state = Str(allow_none=True, metadata={"description": "counted | rejected (awaits a recount) | approved"})


class ReconOut(Schema):
    store = Str()
    stocktake = fields.Integer(allow_none=True)
    summary = fields.Dict(metadata={"description": "rows per status"})
    value_diff_total = Str()
    rows = fields.List(fields.Nested(ReconRow))


class CardIn(Schema):
    location = LocationCode()
    part_number = PartNumber()
    device = Device()


@blp.route("/stocktakes", methods=["POST"])
@blp.arguments(StocktakeOpen)
@blp.response(201, StocktakeOut)
@require("stocktake.open")
def open_stocktake(body):
    """Open a stocktake over a store, a list of bins, a zone, a bin range, a part category or a cycle plan."""
    actor = api_actor()
    return write(lambda _key: queries.stocktake_dict(services.open_stocktake(db.session, **body,
                                                                              actor=actor.username)), status=201)


@blp.route("/stocktakes", methods=["GET"])
@blp.arguments(StocktakeQuery, location="query")
@require("stock.count")
def list_stocktakes(args):
    """Stocktakes, newest first (`?store=`, `?state=open|approved`)."""
    return read({"stocktakes": queries.list_stocktakes(db.session, **args)})


@blp.route("/stocktakes/<int:stocktake_id>", methods=["GET"])
@blp.arguments(SheetQuery, location="query")
@require("stock.count")
def show_stocktake(args, stocktake_id):
    """The count sheet: bins and progress, current counts; expected quantities only for a stocktake that is not
    blind or for a reader who may open stocktakes."""
    st = queries.get_stocktake(db.session, stocktake_id)
    reveal = not st.blind or api_actor().can("stocktake.open")
    return read(queries.sheet(db.session, st, reveal=reveal, zone=args.get("zone")))


@blp.route("/stocktakes/<int:stocktake_id>/counts", methods=["POST"])
@blp.arguments(CountIn)
@blp.response(201, LineOut)
@require("stock.count")
def count(body, stocktake_id):
    """Record a count of one part in one bin (the later count of a bin–part supersedes the earlier one)."""
    actor = api_actor()
    return write(lambda _key: queries.line_dict(services.record_count(
        db.session, stocktake_id=stocktake_id, **body, actor=actor.username, role=actor.role)), status=201)


@blp.route("/stocktakes/<int:stocktake_id>/bins/<code>", methods=["GET"])
@require("stock.count")
def bin_status(stocktake_id, code):
    """One bin of the stocktake: `lines` (current counts), `uncounted` (parts the ledger or the card expects there
    that nobody counted: what "Bin done" would count as 0 — a number of parts, never a quantity), `done_by`,
    `done_at`; 409 `not_in_stocktake`. The scan page asks before it finishes a bin."""
    st = queries.get_stocktake(db.session, stocktake_id)
    return read(queries.bin_status(db.session, st, code))


@blp.route("/stocktakes/<int:stocktake_id>/bins/<code>/done", methods=["POST"])
@blp.arguments(BinDone)
@require("stock.count")
def bin_done(body, stocktake_id, code):
    """The bin is fully counted: what the ledger or card expects there and nobody counted is counted as 0."""
    actor = api_actor()
    return write(lambda _key: services.finish_bin(db.session, stocktake_id=stocktake_id, location=code,
                                                  actor=actor.username, role=actor.role, **body))


@blp.route("/stocktakes/<int:stocktake_id>/reject", methods=["POST"])
@blp.arguments(RejectIn)
@require("stocktake.approve")
def reject(body, stocktake_id):
    """Send counted bin–parts back for a recount by someone other than their counter."""
    actor = api_actor()
    return write(lambda _key: services.reject(db.session, stocktake_id=stocktake_id, lines=body["lines"],
                                              actor=actor.username))


@blp.route("/stocktakes/<int:stocktake_id>/approve", methods=["POST"])
@blp.response(200, Approval)
@require("stocktake.approve")
def approve(stocktake_id):
    """Post physical − account-at-count of every counted line to/from @ADJUST (doc ST-<id>) and set the cards.
    403 `own_count` when you counted a line of it; approving again posts nothing."""
    actor = api_actor()
    return write(lambda _key: services.approve(db.session, stocktake_id=stocktake_id, actor=actor.username))


@blp.route("/reconciliation", methods=["GET"])
@blp.arguments(ReconQuery, location="query")
@blp.response(200, ReconOut)
@require("reconciliation.read")
def reconciliation(args):
    """Account, card and physical per bin–part of a store, or of a stocktake's bins, with status, likely cause
    and the value of the difference at moving-average cost (`?status=`, `?zone=`, `?limit=&offset=`)."""
    return read(reconcile(db.session, **args))


@blp.route("/cards/start", methods=["POST"])
@blp.arguments(CardIn)
@require("card.confirm")
def start_card(body):
    """(Re)start a bin card at the current account; restarting a card that disagrees needs a manager."""
    actor = api_actor()
    body.pop("device", None)
    return write(lambda _key: cards.start_card(db.session, **body, actor=actor.username, role=actor.role))


@blp.route("/cards/confirm", methods=["POST"])
@blp.arguments(CardIn)
@require("card.confirm")
def confirm_card(body):
    """Confirm at the shelf every move of a bin–part not yet on its card (what scanning the card code does)."""
    actor = api_actor()
    return write(lambda _key: cards.confirm_card(db.session, **body, actor=actor.username, role=actor.role))
