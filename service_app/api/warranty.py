"""Warranty: policies, sold units, the status lookup, claims, assessment and the returned-parts intake
(CONTRACT §4 shapes)."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import log_read, read, write
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse.warranty import queries, rules, services as warranty

blp = Blueprint("api_warranty", __name__, description="Warranty: units, policies, status, claims, intake")

Str = fields.String
Money = fields.String(metadata={"description": "decimal string", "example": "12.50"})


class PolicyCreate(Schema):
    model = Str(required=True, validate=validate.Length(min=1, max=40))
    months = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=warranty.MAX_MONTHS))
    usage_limit = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=warranty.MAX_USAGE))
    category = Str(allow_none=True, validate=validate.Length(max=64),
                   metadata={"description": "a part category with its own terms"})
    covers_parts = fields.Boolean(load_default=True)
    covers_labour = fields.Boolean(load_default=True)
    replaced_part_months = fields.Integer(strict=True, allow_none=True,
                                          validate=validate.Range(min=1, max=warranty.MAX_MONTHS))
    repeat_limit = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=100))
    quality_confirm_above = Money
    effective_from = fields.Date(allow_none=True)


class PolicyOut(Schema):
    id = fields.Integer()
    model = Str()
    category = Str(allow_none=True)
    months = fields.Integer()
    usage_limit = fields.Integer(allow_none=True)
    effective_from = Str()


class CustomerIn(Schema):
    name = Str(required=True, validate=validate.Length(min=1, max=200))
    phone = Str(allow_none=True, validate=validate.Length(max=40))
    phone2 = Str(allow_none=True, validate=validate.Length(max=40))
    address = Str(allow_none=True, validate=validate.Length(max=300))
    key_account = fields.Boolean(load_default=False)
    owner = Str(allow_none=True, validate=validate.Length(max=64))


class UnitCreate(Schema):
    serial = Str(required=True, validate=validate.Length(min=1, max=40))
    model = Str(required=True, validate=validate.Length(min=1, max=40))
    sold_on = fields.Date(required=True)
    dealer = Str(allow_none=True, validate=validate.Length(max=32))
    customer = fields.Nested(CustomerIn, allow_none=True)
    usage = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=warranty.MAX_USAGE))


class UnitOut(Schema):
    serial = Str()
    model = Str()
    sold_on = Str()
    dealer = Str(allow_none=True)


class StatusQuery(Schema):
    on = fields.Date()
    part_number = Str(validate=validate.Length(max=40))
    usage = fields.Integer(validate=validate.Range(min=0, max=warranty.MAX_USAGE))


class StatusOut(Schema):
    serial = Str()
    model = Str()
    sold_on = Str()
    status = Str(metadata={"description": "in_warranty | expired | no_policy"})
    expires_on = Str(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    usage = fields.Integer(allow_none=True)
    usage_limit = fields.Integer(allow_none=True)
    usage_left = fields.Integer(allow_none=True)
    expired_by = Str(allow_none=True, metadata={"description": "date | usage"})
    coverage = fields.List(Str(), metadata={"description": "parts, labour"})
    dealer = Str(allow_none=True)
    part_number = Str(allow_none=True)
    category = Str(allow_none=True)
    repeat_repairs = fields.Integer()
    replace_or_refund = fields.Boolean()
    customer = fields.Dict(metadata={"description": "only for roles that may read customers"})
    claims = fields.List(fields.Dict())


class ClaimCreate(Schema):
    serial = Str(required=True, validate=validate.Length(min=1, max=40))
    dealer = Str(required=True, validate=validate.Length(min=1, max=32))
    part_number = Str(required=True, validate=validate.Length(min=1, max=40))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))
    failure = Str(required=True, validate=validate.Length(min=1, max=2000))
    labour_hours = Str(load_default="0", metadata={"description": "decimal hours", "example": "1.50"})
    print_tag = fields.Boolean(load_default=True, metadata={"description": "queue the returned-part tag"})


class ClaimNo(Schema):
    claim_no = Str()


class ClaimOut(Schema):
    claim_no = Str()
    serial = Str()
    dealer = Str()
    part_number = Str()
    qty = fields.Integer()
    failure = Str()
    labour_hours = Str()
    amount = Money
    warranty_status = Str()
    status = Str()
    cause = Str(allow_none=True)
    decision = Str(allow_none=True)
    notes = Str(allow_none=True)
    assessed_by = Str(allow_none=True)
    confirmed_by = Str(allow_none=True)
    intake_doc_no = Str(allow_none=True)
    intake_qty = fields.Integer(allow_none=True)
    created_at = Str()


class Assessment(Schema):
    cause = Str(required=True, validate=validate.OneOf(rules.CAUSES))
    decision = Str(required=True, validate=validate.OneOf(rules.DECISIONS))
    notes = Str(allow_none=True, validate=validate.Length(max=2000))


class Confirmation(Schema):
    agree = fields.Boolean(required=True)
    notes = Str(allow_none=True, validate=validate.Length(max=2000))


class Intake(Schema):
    claim_no = Str(required=True, validate=validate.Length(min=1, max=32))
    location = Str(required=True, validate=validate.Length(min=1, max=40))
    qty = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=1_000_000))
    device = Str(allow_none=True, validate=validate.Length(max=64))


class IntakeOut(Schema):
    claim_no = Str()
    doc_no = Str()
    qty = fields.Integer()
    short = fields.Integer(metadata={"description": "claimed but not received"})
    move_id = fields.Integer()
    part_number = Str()
    location = Str()
    qty_on_hand = fields.Integer()


def _claim(claim) -> dict:
    return queries.claim_view(db.session, claim.claim_no)


@blp.route("/warranty/policies", methods=["POST"])
@blp.arguments(PolicyCreate())
@blp.response(201, PolicyOut)
@require("warranty.write")
def create_policy(body):
    """A new version of a model's warranty terms, in force for units sold from `effective_from` (default today)."""
    def run(_key):
        p = warranty.create_policy(db.session, **body, actor=api_actor().username)
        return {"id": p.id, "model": p.model, "category": p.category, "months": p.months,
                "usage_limit": p.usage_limit, "effective_from": p.effective_from.isoformat()}

    return write(run, status=201)


@blp.route("/units", methods=["POST"])
@blp.arguments(UnitCreate())
@blp.response(201, UnitOut)
@require("warranty.write")
def create_unit(body):
    """Register a sold unit (serial/VIN, model, sale date, selling dealer, customer)."""
    def run(_key):
        u = warranty.register_unit(db.session, **body)
        return {"serial": u.serial, "model": u.model, "sold_on": u.sold_on.isoformat(), "dealer": u.dealer_code}

    return write(run, status=201)


@blp.route("/warranty/<serial>", methods=["GET"])
@blp.arguments(StatusQuery(), location="query")
@blp.response(200, StatusOut)
@require("warranty.read")
def status(args, serial):
    """Warranty status of a unit on a date (`?on=`), for a part's category (`?part_number=`), at a usage reading
    (`?usage=`). The customer is included only for roles that may read customers."""
    actor = api_actor()
    view = queries.warranty_view(db.session, serial, on=args.get("on"), part_number=args.get("part_number"),
                                 usage=args.get("usage"), with_customer=actor.can("customers.read"), history=True)
    if "customer" in view:  # customer data is confidential: who read it is on record
        log_read(entity="customer", key=view.get("serial"), note="warranty status")
    return read(view)


@blp.route("/claims", methods=["POST"])
@blp.arguments(ClaimCreate())
@blp.response(201, ClaimNo)
@require("claims.write")
def create_claim(body):
    """File a dealer's warranty claim; its returned-part tag goes to the print queue."""
    printer = current_app.config["PRINTER_URL"] if body.pop("print_tag") else None

    def run(_key):
        claim = warranty.file_claim(db.session, **body, actor=api_actor().username, label_printer=printer)
        return {"claim_no": claim.claim_no, "status": claim.status, "warranty_status": claim.warranty_status,
                "amount": f"{claim.amount:.2f}"}

    return write(run, status=201)


@blp.route("/claims/<claim_no>", methods=["GET"])
@blp.response(200, ClaimOut)
@require("claims.read")
def show_claim(claim_no):
    return read(queries.claim_view(db.session, claim_no))


@blp.route("/claims/<claim_no>/assessment", methods=["POST"])
@blp.arguments(Assessment())
@blp.response(200, ClaimOut)
@require("claims.assess")
def assess(body, claim_no):
    """The technician's assessment: cause and decision. It takes effect at once, or waits for the quality
    department (policy) or a manager (a rejection above the limit)."""
    limit = current_app.config.get("CLAIM_REJECT_APPROVAL_ABOVE")
    return write(lambda _key: _claim(warranty.assess(
        db.session, claim_no=claim_no, **body, actor=api_actor().username,
        reject_limit=Decimal(str(limit)) if limit is not None else None)))


@blp.route("/claims/<claim_no>/confirmation", methods=["POST"])
@blp.arguments(Confirmation())
@blp.response(200, ClaimOut)
@require("claims.confirm")
def confirm(body, claim_no):
    """The quality department confirms an assessment (or sends it back to the technician)."""
    return write(lambda _key: _claim(warranty.confirm(db.session, claim_no=claim_no, **body,
                                                      actor=api_actor().username)))


@blp.route("/claims/<claim_no>/manager-decision", methods=["POST"])
@blp.arguments(Confirmation())
@blp.response(200, ClaimOut)
@require("claims.approve")
def manager_decision(body, claim_no):
    """A manager confirms a rejection above the limit (or sends it back to the technician)."""
    return write(lambda _key: _claim(warranty.confirm(db.session, claim_no=claim_no, **body, step="pending_manager",
                                                      actor=api_actor().username)))


@blp.route("/returned/intake", methods=["POST"])
@blp.arguments(Intake())
@blp.response(201, IntakeOut)
@require("returned.intake")
def intake(body):
    """Take the failed part of an assessed claim into a RETURNED bin (once per claim)."""
    actor = api_actor()
    return write(lambda key: warranty.intake(db.session, **body, actor=actor.username, role=actor.role,
                                             idempotency_key=key), status=201)
