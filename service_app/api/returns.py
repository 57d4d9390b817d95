"""The returned-parts store (旧件库) after intake: what it holds by supplier, part and cause; disputes over abnormal
returns; batches back to suppliers (退货) with their return note, settlement, scrap and the recovery view."""
from __future__ import annotations

from flask import Response
from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from service_app.report_labels import report_labels
from warehouse.warranty import disputes, papers, queries, returns, rules, services as warranty

blp = Blueprint("api_returns", __name__, description="Returned-parts store: contents, disputes, supplier returns")

Str = fields.String
Money = fields.String(metadata={"description": "decimal string", "example": "12.50"})
PDF = {"description": "the return note (旧件退货单), PDF in Chinese",
       "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


class StoreQuery(Schema):
    supplier = Str(validate=validate.Length(max=40))
    part_number = Str(validate=validate.Length(max=40))
    cause = Str(validate=validate.OneOf(rules.CAUSES))
    location = Str(validate=validate.Length(max=40))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class StoreRow(Schema):
    claim_no = Str()
    part_number = Str()
    name = Str()
    supplier = Str(allow_none=True)
    cause = Str(allow_none=True)
    dealer = Str()
    location = Str()
    qty = fields.Integer()
    doc_no = Str(metadata={"description": "the intake receipt"})
    taken_in_at = Str(allow_none=True)
    claimed = Money
    batch_no = Str(allow_none=True, metadata={"description": "the open return batch it is in, if any"})


class StoreList(Schema):
    parts = fields.List(fields.Nested(StoreRow))


class DisputeQuery(Schema):
    status = Str(validate=validate.OneOf(disputes.STATUSES))
    dealer = Str(validate=validate.Length(max=32))


class DisputeOut(Schema):
    dispute_no = Str()
    claim_no = Str()
    dealer = Str()
    kind = Str(metadata={"description": "shortfall | wrong_part | part_missing"})
    claimed_qty = fields.Integer()
    received_qty = fields.Integer()
    notes = Str(allow_none=True)
    status = Str(metadata={"description": "open | closed"})
    resolution = Str(allow_none=True)
    opened_by = Str()
    opened_at = Str()
    closed_by = Str(allow_none=True)
    closed_at = Str(allow_none=True)


class DisputeList(Schema):
    disputes = fields.List(fields.Nested(DisputeOut))


class DisputeClose(Schema):
    resolution = Str(required=True, validate=validate.Length(min=1, max=2000),
                     metadata={"description": "what was agreed with the dealer"})


class ConfirmIn(Schema):
    confirmed_by = Str(required=True, validate=validate.Length(min=1, max=64),
                       metadata={"description": "who at the dealer confirmed the receipt"})


class ConfirmOut(Schema):
    doc_no = Str()
    claim_no = Str()
    dealer_confirmed_by = Str()
    dealer_confirmed_at = Str()


class BatchIn(Schema):
    supplier = Str(required=True, validate=validate.Length(min=1, max=40))


class BatchQuery(Schema):
    status = Str(validate=validate.OneOf(("open", "shipped", "closed")))
    supplier = Str(validate=validate.Length(max=40))


class ReturnLineOut(Schema):
    claim_no = Str()
    part_number = Str()
    location = Str()
    qty = fields.Integer()
    claimed = Money
    accepted_qty = fields.Integer(allow_none=True)
    recovered = Str(allow_none=True)
    scrap_approved_by = Str(allow_none=True)


class BatchOut(Schema):
    batch_no = Str()
    supplier = Str()
    supplier_name = Str()
    status = Str(metadata={"description": "open | shipped | closed"})
    created_by = Str()
    created_at = Str()
    shipped_at = Str(allow_none=True)
    closed_at = Str(allow_none=True)
    claimed = Money
    recovered = Money
    lines = fields.List(fields.Nested(ReturnLineOut))


class BatchSummary(Schema):
    batch_no = Str()
    supplier = Str()
    status = Str()
    lines = fields.Integer()
    claimed = Money
    recovered = Money
    created_at = Str()
    shipped_at = Str(allow_none=True)


class BatchList(Schema):
    batches = fields.List(fields.Nested(BatchSummary))


class AddLine(Schema):
    claim_no = Str(required=True, validate=validate.Length(min=1, max=32),
                   metadata={"description": "the scanned tag of a part in the returned-parts store"})


class Settle(Schema):
    accepted_qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=1_000_000))
    recovered = Str(required=True, metadata={"description": "what the supplier credits, decimal string"})


class RecoveryQuery(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class RecoveryRow(Schema):
    supplier = Str()
    month = Str()
    lines = fields.Integer()
    claimed = Money
    recovered = Money
    outstanding = Money


class RecoveryList(Schema):
    rows = fields.List(fields.Nested(RecoveryRow))


# --- the store --------------------------------------------------------------------------------------------------

@blp.route("/returned/parts", methods=["GET"])
@blp.arguments(StoreQuery(), location="query")
@blp.response(200, StoreList)
@require("returned.read")
def store(args):
    """What the returned-parts store holds, by supplier, part and cause (parts shipped back have left it)."""
    return read({"parts": queries.returned_store(db.session, **args)})


@blp.route("/returned/disputes", methods=["GET"])
@blp.arguments(DisputeQuery(), location="query")
@blp.response(200, DisputeList)
@require("returned.read")
def list_disputes(args):
    """Disputes over abnormal returns, newest first."""
    return read({"disputes": disputes.list_disputes(db.session, **args)})


@blp.route("/returned/disputes/<dispute_no>", methods=["GET"])
@blp.response(200, DisputeOut)
@require("returned.read")
def show_dispute(dispute_no):
    return read(disputes.dispute_view(db.session, dispute_no))


@blp.route("/returned/disputes/<dispute_no>/close", methods=["POST"])
@blp.arguments(DisputeClose())
@blp.response(200, DisputeOut)
@require("disputes.close")
def close_dispute(body, dispute_no):
    """A manager closes a dispute with the outcome agreed with the dealer."""
    def run(_key):
        row = disputes.close_dispute(db.session, dispute_no=dispute_no, resolution=body["resolution"],
                                     actor=api_actor().username)
        return disputes.dispute_view(db.session, row.dispute_no)

    return write(run)


@blp.route("/returned/receipts/<doc_no>/confirmation", methods=["POST"])
@blp.arguments(ConfirmIn())
@blp.response(200, ConfirmOut)
@require("returned.intake")
def confirm_receipt(body, doc_no):
    """Record the dealer's confirmation of an intake receipt (once; a second answers 409)."""
    def run(_key):
        claim = warranty.confirm_intake(db.session, doc_no=doc_no, confirmed_by=body["confirmed_by"],
                                        actor=api_actor().username)
        return {"doc_no": claim.intake_doc_no, "claim_no": claim.claim_no,
                "dealer_confirmed_by": claim.dealer_confirmed_by,
                "dealer_confirmed_at": claim.dealer_confirmed_at.isoformat()}

    return write(run)


# --- supplier returns -------------------------------------------------------------------------------------------

def _batch(batch) -> dict:
    return returns.batch_dict(db.session, batch)


@blp.route("/supplier-returns", methods=["POST"])
@blp.arguments(BatchIn())
@blp.response(201, BatchOut)
@require("returns.write")
def open_batch(body):
    """Open a return batch for one supplier; parts are added by scanning their claim tags."""
    return write(lambda _key: _batch(returns.open_batch(db.session, supplier=body["supplier"],
                                                        actor=api_actor().username)), status=201)


@blp.route("/supplier-returns", methods=["GET"])
@blp.arguments(BatchQuery(), location="query")
@blp.response(200, BatchList)
@require("returns.read")
def list_batches(args):
    return read({"batches": returns.list_batches(db.session, **args)})


@blp.route("/supplier-returns/<batch_no>", methods=["GET"])
@blp.response(200, BatchOut)
@require("returns.read")
def show_batch(batch_no):
    return read(returns.batch_view(db.session, batch_no))


@blp.route("/supplier-returns/<batch_no>/lines", methods=["POST"])
@blp.arguments(AddLine())
@blp.response(201, BatchOut)
@require("returns.write")
def add_line(body, batch_no):
    """Scan a claim's tag into an open batch: the part must be this supplier's and in the returned-parts store."""
    def run(_key):
        line = returns.add_claim(db.session, batch_no=batch_no, claim_no=body["claim_no"])
        return _batch(line.batch)

    return write(run, status=201)


@blp.route("/supplier-returns/<batch_no>/ship", methods=["POST"])
@blp.response(200, BatchOut)
@require("returns.write")
def ship(batch_no):
    """Post every line's move out of its RETURNED bin to the supplier (all or none)."""
    actor = api_actor()
    return write(lambda _key: _batch(returns.ship(db.session, batch_no=batch_no, actor=actor.username,
                                                  role=actor.role)))


@blp.route("/supplier-returns/<batch_no>/lines/<claim_no>/settle", methods=["POST"])
@blp.arguments(Settle())
@blp.response(200, BatchOut)
@require("returns.write")
def settle(body, batch_no, claim_no):
    """The supplier's answer for one line: parts accepted and the amount credited (the batch closes when every
    line is settled and what was refused has been scrapped)."""
    def run(_key):
        line = returns.settle_line(db.session, batch_no=batch_no, claim_no=claim_no, **body)
        return _batch(line.batch)

    return write(run)


@blp.route("/supplier-returns/<batch_no>/lines/<claim_no>/scrap", methods=["POST"])
@blp.response(200, BatchOut)
@require("returns.scrap")
def scrap(batch_no, claim_no):
    """A manager approves scrapping what the supplier refused (moved to @SCRAP)."""
    def run(_key):
        line = returns.approve_scrap(db.session, batch_no=batch_no, claim_no=claim_no, actor=api_actor().username)
        return _batch(line.batch)

    return write(run)


@blp.route("/supplier-returns/<batch_no>/note.pdf", methods=["GET"])
@blp.doc(responses={"200": PDF})
@require("returns.read")
def return_note(batch_no):
    """The return note to go with the parts: one line per claim, in Chinese."""
    with force_locale("zh_CN"):
        labels = report_labels()
    data = papers.return_note(db.session, batch_no=batch_no, printed_by=api_actor().username, labels=labels)
    db.session.rollback()
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{batch_no.strip().upper()}.pdf"'})


@blp.route("/recovery", methods=["GET"])
@blp.arguments(RecoveryQuery(), location="query")
@blp.response(200, RecoveryList)
@require("returns.read")
def recovery(args):
    """Claimed vs recovered from suppliers, per supplier and month of shipping."""
    return read({"rows": returns.recovery(db.session, **args)})
