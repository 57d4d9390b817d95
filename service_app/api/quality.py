"""Quality statistics from warranty claims, the batch-quality alert, quality incidents (批量质量问题) and the
monthly quality information feedback form (质量信息反馈表). Customers of affected units only for `customers.read`."""
from __future__ import annotations

from flask import Response
from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service_app.api.common import read, write
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from service_app.report_labels import report_labels
from warehouse.reports import MIME_TYPES, render
from warehouse.warranty import papers, quality

blp = Blueprint("api_quality", __name__, description="Quality: failure statistics, alerts, incidents, feedback form")

Str = fields.String
MONTH = r"^20\d\d-(0[1-9]|1[0-2])$"


class FailureQuery(Schema):
    by = Str(required=True, validate=validate.OneOf(quality.GROUPS))
    start = fields.Date(required=True, metadata={"description": "first day (claims filed from)"})
    end = fields.Date(required=True, metadata={"description": "day after the last (claims filed before)"})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError("end must be after start", "end")


class FailureRow(Schema):
    key = Str(metadata={"description": "the part number, supplier, model, cause or month"})
    claims = fields.Integer()
    qty = fields.Integer()
    units = fields.Integer(metadata={"description": "distinct units that failed"})
    units_sold = fields.Integer(metadata={"description": "by part and model: units sold up to `end`"})
    per_1000 = fields.Float(allow_none=True, metadata={"description": "failed units per 1,000 sold"})


class FailureList(Schema):
    by = Str()
    rows = fields.List(fields.Nested(FailureRow))


class AlertOut(Schema):
    part_number = Str()
    name = Str()
    recent = fields.Integer(metadata={"description": "claims filed in the last 30 days"})
    usual = fields.Float(metadata={"description": "its average per 30 days over the 180 days before"})


class AlertList(Schema):
    alerts = fields.List(fields.Nested(AlertOut))


class IncidentIn(Schema):
    part_number = Str(required=True, validate=validate.Length(min=1, max=40))
    title = Str(required=True, validate=validate.Length(min=1, max=200))
    model = Str(allow_none=True, validate=validate.Length(max=40))
    sold_from = fields.Date(allow_none=True)
    sold_to = fields.Date(allow_none=True)
    lots = fields.List(Str(validate=validate.Length(min=1, max=40)), validate=validate.Length(max=20),
                       metadata={"description": "the supplier lots involved, where known"})


class IncidentDecisionIn(Schema):
    decision = Str(required=True, validate=validate.Length(min=1, max=4000))
    customers_told_on = fields.Date(allow_none=True)


class IncidentOut(Schema):
    incident_no = Str()
    part_number = Str()
    model = Str(allow_none=True)
    sold_from = Str(allow_none=True)
    sold_to = Str(allow_none=True)
    lots = fields.List(Str())
    title = Str()
    decision = Str(allow_none=True)
    customers_told_on = Str(allow_none=True)
    status = Str(metadata={"description": "open | closed"})
    opened_by = Str()
    opened_at = Str()
    closed_by = Str(allow_none=True)
    closed_at = Str(allow_none=True)


class AffectedUnit(Schema):
    serial = Str()
    model = Str()
    sold_on = Str()
    dealer = Str(allow_none=True)
    customer = Str(metadata={"description": "only for roles with customers.read"})
    phone = Str(metadata={"description": "only for roles with customers.read"})
    named_lot = fields.Boolean(metadata={"description": "known to carry one of the lots the incident names"})


class PartLot(Schema):
    lot = Str()
    qty = fields.Integer()
    first = Str()
    last = Str()


class IncidentClaim(Schema):
    claim_no = Str()
    status = Str()
    cause = Str(allow_none=True)
    lot = Str(allow_none=True, metadata={"description": "the failed part's lot, when known"})
    in_named_lot = fields.Boolean(metadata={"description": "the lot is one the incident names"})
    qty = fields.Integer()
    created_at = Str()
    serial = Str()
    model = Str()
    dealer = Str()


class ClaimLot(Schema):
    lot = Str()
    claims = fields.Integer()
    qty = fields.Integer()


class IncidentFull(IncidentOut):
    affected_units = fields.List(fields.Nested(AffectedUnit), metadata={
        "description": "units of the model and sale period; when the incident names lots, minus the units known to "
                       "carry only other lots of the part (a lot is known when a repair recorded it or a claim named it)"})
    claims = fields.List(fields.Nested(IncidentClaim), metadata={"description": "the part's claims in the scope"})
    part_lots = fields.List(fields.Nested(PartLot), metadata={"description": "the part's lots received on record"})
    claim_lots = fields.List(fields.Nested(ClaimLot), metadata={"description": "the lots the part's claims name"})


class IncidentQuery(Schema):
    status = Str(validate=validate.OneOf(("open", "closed")))


class IncidentList(Schema):
    incidents = fields.List(fields.Nested(IncidentOut))


class FeedbackQuery(Schema):
    month = Str(required=True, validate=validate.Regexp(MONTH), metadata={"example": "2026-05"})
    format = Str(load_default="pdf", validate=validate.OneOf(("pdf", "xlsx")))


FILE = {"description": "the form as PDF or XLSX",
        "content": {MIME_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}},
                    MIME_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}


@blp.route("/quality/failures", methods=["GET"])
@blp.arguments(FailureQuery(), location="query")
@blp.response(200, FailureList)
@require("quality.read")
def failures(args):
    """Claims filed in [start, end) grouped by part, supplier, model, cause or month; by part and model with the
    rate per 1,000 units sold."""
    return read({"by": args["by"], "rows": quality.failures(db.session, **args)})


@blp.route("/quality/alerts", methods=["GET"])
@blp.response(200, AlertList)
@require("quality.read")
def alerts():
    """Parts whose failures in the last 30 days exceed their usual rate (the rule in docs/warranty.md)."""
    return read({"alerts": quality.alerts(db.session)})


@blp.route("/quality/incidents", methods=["POST"])
@blp.arguments(IncidentIn())
@blp.response(201, IncidentOut)
@require("incidents.write")
def open_incident(body):
    """Open a batch-quality incident for a part (from an alert), narrowed by model, sale period and lots."""
    return write(lambda _key: quality.incident_dict(db.session, quality.open_incident(
        db.session, **body, actor=api_actor().username)), status=201)


@blp.route("/quality/incidents", methods=["GET"])
@blp.arguments(IncidentQuery(), location="query")
@blp.response(200, IncidentList)
@require("quality.read")
def list_incidents(args):
    return read({"incidents": quality.list_incidents(db.session, **args)})


@blp.route("/quality/incidents/<incident_no>", methods=["GET"])
@blp.response(200, IncidentFull)
@require("quality.read")
def show_incident(incident_no):
    """The incident, its affected units (their customers only with `customers.read`) and the part's lots."""
    return read(quality.incident_view(db.session, incident_no,
                                      with_customers=api_actor().can("customers.read")))


@blp.route("/quality/incidents/<incident_no>/decision", methods=["POST"])
@blp.arguments(IncidentDecisionIn())
@blp.response(200, IncidentOut)
@require("incidents.write")
def decide(body, incident_no):
    """Record what was decided and when the customers were told."""
    return write(lambda _key: quality.incident_dict(db.session, quality.record_decision(
        db.session, incident_no=incident_no, **body)))


@blp.route("/quality/incidents/<incident_no>/close", methods=["POST"])
@blp.response(200, IncidentOut)
@require("incidents.close")
def close(incident_no):
    """A manager closes a decided incident."""
    return write(lambda _key: quality.incident_dict(db.session, quality.close_incident(
        db.session, incident_no=incident_no, actor=api_actor().username)))


@blp.route("/quality/feedback", methods=["GET"])
@blp.arguments(FeedbackQuery(), location="query")
@blp.doc(responses={"200": FILE})
@require("quality.feedback")
def feedback(args):
    """The monthly quality information feedback form (质量信息反馈表), in Chinese, as PDF or XLSX."""
    with force_locale("zh_CN"):
        labels = report_labels()
    report = papers.feedback_report(db.session, month=args["month"], printed_by=api_actor().username,
                                    labels=labels)
    data = render(report, args["format"])
    db.session.rollback()
    return Response(data, mimetype=MIME_TYPES[args["format"]], headers={
        "Content-Disposition": f'attachment; filename="quality-feedback-{args["month"]}.{args["format"]}"'})
