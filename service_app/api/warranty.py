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
from warehouse import limits
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
    lot = Str(allow_none=True, validate=validate.Length(max=limits.LOT_LEN), metadata={
        "description": "the supplier's lot read off the failed part; default: the lot of the part fitted to the unit "
                       "in our last repair, when recorded"})


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
    intake_location = Str(allow_none=True)
    fits_model = fields.Boolean(allow_none=True, metadata={
        "description": "false: the part is not on the unit's model's compatibility list (flag it); null: no list"})
    lot = Str(allow_none=True, metadata={"description": "the failed part's supplier lot, when known"})
    dealer_confirmed_by = Str(allow_none=True, metadata={"description": "who at the dealer confirmed the intake"})
    dealer_confirmed_at = Str(allow_none=True)
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
    qty = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=1_000_000),
                         metadata={"description": "default the claim's; fewer opens a shortfall dispute"})
    abnormal = Str(allow_none=True, validate=validate.OneOf(warranty.ABNORMAL), metadata={
        "description": "wrong_part | part_missing: nothing is taken in, a dispute is opened"})
    notes = Str(allow_none=True, validate=validate.Length(max=2000))
    device = Str(allow_none=True, validate=validate.Length(max=64))


class IntakeOut(Schema):
    claim_no = Str()
    doc_no = Str(allow_none=True)
    qty = fields.Integer()
    short = fields.Integer(metadata={"description": "claimed but not received"})
    dispute_no = Str(allow_none=True, metadata={"description": "the dispute an abnormal intake opened"})
    move_id = fields.Integer(allow_none=True)
    part_number = Str(allow_none=True)
    location = Str(allow_none=True)
    qty_on_hand = fields.Integer(allow_none=True)


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


# --- registry: models, labour rates, policy versions, extensions, units ------------------------------------------

class ModelIn(Schema):
    name = Str(allow_none=True, validate=validate.Length(max=200))
    category = Str(allow_none=True, validate=validate.Length(max=64),
                   metadata={"description": "picks the labour rate"})


class ModelOut(Schema):
    code = Str()
    name = Str(allow_none=True)
    category = Str(allow_none=True)


class ModelList(Schema):
    models = fields.List(fields.Nested(ModelOut))


class RateIn(Schema):
    rate = Str(required=True, metadata={"description": "per labour hour, decimal string", "example": "45.00"})


class RateOut(Schema):
    category = Str()
    rate = Money


class RateList(Schema):
    rates = fields.List(fields.Nested(RateOut))


class PolicyFull(PolicyOut):
    covers_parts = fields.Boolean()
    covers_labour = fields.Boolean()
    replaced_part_months = fields.Integer(allow_none=True)
    repeat_limit = fields.Integer(allow_none=True)
    quality_confirm_above = Str(allow_none=True)
    created_by = Str()


class PolicyQuery(Schema):
    model = Str(required=True, validate=validate.Length(min=1, max=40))


class PolicyList(Schema):
    model = Str()
    policies = fields.List(fields.Nested(PolicyFull))


class ExtensionIn(Schema):
    months = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=warranty.MAX_MONTHS))
    bought_on = fields.Date(allow_none=True)
    reference = Str(allow_none=True, validate=validate.Length(max=100))


class ExtensionOut(Schema):
    serial = Str()
    months = fields.Integer()
    bought_on = Str()
    reference = Str(allow_none=True)


class UnitFull(UnitOut):
    usage = fields.Integer(allow_none=True)
    usage_read_on = Str(allow_none=True)
    extensions = fields.List(fields.Nested(ExtensionIn))
    claims = fields.List(fields.Nested(ClaimOut))
    customer = fields.Dict(metadata={"description": "only for roles with customers.read"})


class FitsIn(Schema):
    models = fields.List(Str(validate=validate.Length(min=1, max=40)), required=True,
                         validate=validate.Length(max=2000))


class FitsOut(Schema):
    part_number = Str()
    models = fields.Integer(metadata={"description": "how many models the part now fits"})


class FitPart(Schema):
    part_number = Str()
    name = Str()
    category = Str(allow_none=True)


class FitList(Schema):
    model = Str()
    parts = fields.List(fields.Nested(FitPart))


@blp.route("/product-models", methods=["GET"])
@blp.response(200, ModelList)
@require("warranty.read")
def list_models():
    """Product models (机型) and their categories."""
    return read({"models": queries.list_models(db.session)})


@blp.route("/product-models/<code>", methods=["PUT"])
@blp.arguments(ModelIn())
@blp.response(200, ModelOut)
@require("warranty.write")
def put_model(body, code):
    """Create or update a product model; its category picks the labour rate."""
    def run(_key):
        m = warranty.set_model(db.session, code=code, **body)
        return {"code": m.code, "name": m.name, "category": m.category}

    return write(run)


@blp.route("/product-models/<code>/parts", methods=["GET"])
@blp.response(200, FitList)
@require("warranty.read")
def model_parts(code):
    """The parts on the compatibility list for a model (what the tablet page lists)."""
    return read({"model": code, "parts": queries.parts_fitting(db.session, code)})


@blp.route("/labour-rates", methods=["GET"])
@blp.response(200, RateList)
@require("warranty.write")
def list_rates():
    """Labour rates per model category (`*`: the default)."""
    return read({"rates": queries.labour_rates(db.session)})


@blp.route("/labour-rates/<category>", methods=["PUT"])
@blp.arguments(RateIn())
@blp.response(200, RateOut)
@require("warranty.write")
def put_rate(body, category):
    """Set the labour rate of a model category (`*` sets the default). Claims filed later use it."""
    def run(_key):
        r = warranty.set_labour_rate(db.session, category=category[:64], rate=body["rate"])
        return {"category": r.category, "rate": f"{r.rate:.2f}"}

    return write(run)


@blp.route("/warranty/policies", methods=["GET"])
@blp.arguments(PolicyQuery(), location="query")
@blp.response(200, PolicyList)
@require("warranty.write")
def list_policies(args):
    """Every version of a model's policy and of its part-category exceptions (newest first per category)."""
    return read({"model": args["model"], "policies": queries.model_policies(db.session, args["model"])})


@blp.route("/units/<serial>", methods=["GET"])
@blp.response(200, UnitFull)
@require("warranty.read")
def show_unit(serial):
    """A sold unit: sale, usage reading, extensions, repair history; the customer only with `customers.read`."""
    return read(queries.unit_view(db.session, serial, with_customer=api_actor().can("customers.read")))


@blp.route("/units/<serial>/extensions", methods=["POST"])
@blp.arguments(ExtensionIn())
@blp.response(201, ExtensionOut)
@require("warranty.write")
def add_extension(body, serial):
    """Warranty months bought after the sale (延保); they count from `bought_on` in the status lookup."""
    def run(_key):
        e = warranty.add_extension(db.session, serial=serial, **body)
        return {"serial": serial.strip().upper(), "months": e.months, "bought_on": e.bought_on.isoformat(),
                "reference": e.reference}

    return write(run, status=201)


@blp.route("/parts/<part_number>/fits", methods=["PUT"])
@blp.arguments(FitsIn())
@blp.response(200, FitsOut)
@require("warranty.write")
def put_fits(body, part_number):
    """Replace the list of models a part fits (an empty list: the part fits any model)."""
    return write(lambda _key: {"part_number": part_number,
                               "models": warranty.set_fits(db.session, part_number=part_number,
                                                           models=body["models"])})


# --- claims: list and filter ----------------------------------------------------------------------------------------

class ClaimQuery(Schema):
    status = Str(validate=validate.OneOf(("filed", "pending_quality", "pending_manager", "approved", "rejected",
                                          "charged")))
    dealer = Str(validate=validate.Length(max=32))
    part_number = Str(validate=validate.Length(max=40))
    supplier = Str(validate=validate.Length(max=40))
    cause = Str(validate=validate.OneOf(rules.CAUSES))
    serial = Str(validate=validate.Length(max=40))
    filed_from = fields.Date()
    filed_to = fields.Date()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class ClaimList(Schema):
    claims = fields.List(fields.Nested(ClaimOut))


@blp.route("/claims", methods=["GET"])
@blp.arguments(ClaimQuery(), location="query")
@blp.response(200, ClaimList)
@require("claims.read")
def list_claims(args):
    """Claims newest first, filtered by status, dealer, part, the part's supplier, cause, unit and filing dates."""
    return read({"claims": queries.list_claims(db.session, **args)})
