"""Customer care on field service: the call list and every call attempt (beside CONTRACT's
`POST /tickets/<no>/callback`), season dates and maintenance contracts, complaints to closure
(warehouse.service.callbacks, warehouse.service.complaints)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError as SchemaError, fields, validate, validates_schema

from service_app.api.common import read, write
from service_app.api.fields import Str, Text
from service_app.api.service import CustomerRef
from service_app.auth.identity import api_actor, require
from service_app.care_words import talk_text
from service_app.extensions import db
from warehouse.service import callbacks, clock, complaints, rules

blp = Blueprint("api_service_care", __name__, description="Customer care: call list, call attempts, complaints")


# --- schemas ------------------------------------------------------------------------------------------------------

class DueQuery(Schema):
    on = fields.Date(metadata={"description": "the day (default: today, UTC)", "example": "2025-03-01"})


class CallEntry(Schema):
    purpose = Str(metadata={"description": " | ".join(callbacks.PURPOSES)})
    ticket_no = Str(allow_none=True)
    serial = Str(allow_none=True)
    model = Str(allow_none=True)
    due_on = Str()
    region = Str(allow_none=True)
    owner = Str(allow_none=True, metadata={"description": "the agent whose customer it is"})
    season = Str(allow_none=True)
    season_starts = Str(allow_none=True)
    months = fields.Integer(allow_none=True)
    attempts = fields.Integer(metadata={"description": "calls that did not reach the customer"})
    last_attempt_at = Str(allow_none=True)
    unreachable = fields.Boolean()
    talk = fields.Dict(metadata={"description": "what to tell the customer: a code and its parameters"})
    script = Str(metadata={"description": "the same, as a sentence in the caller's language"})
    customer = fields.Dict(allow_none=True, metadata={"description": "roles with customers.read only"})


class CallList(Schema):
    on = Str()
    entries = fields.List(fields.Nested(CallEntry))


class AttemptIn(Schema):
    purpose = Str(load_default="job", validate=validate.OneOf(callbacks.PURPOSES))
    ticket_no = Str(validate=validate.Length(min=1, max=32), metadata={"description": "purpose job"})
    serial = Str(validate=validate.Length(min=1, max=40), metadata={"description": "purpose periodic / seasonal"})
    due_on = fields.Date(metadata={"description": "the entry's due_on (periodic / seasonal)"})
    season = Str(validate=validate.OneOf(callbacks.SEASONS), metadata={"description": "purpose seasonal"})
    reached = fields.Boolean(required=True)
    satisfied = fields.Boolean(allow_none=True, metadata={"description": "required when a job's call is reached"})
    score = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=5))
    notes = Text(callbacks.NOTES_LEN)

    @validates_schema
    def entry_named(self, data, **kwargs):
        if data.get("purpose", "job") == "job" and "ticket_no" not in data:
            raise SchemaError("a job's call names its ticket_no", "ticket_no")
        if data.get("purpose") in ("periodic", "seasonal") and not ("serial" in data and "due_on" in data):
            raise SchemaError("a periodic or seasonal call names the serial and due_on", "serial")


class AttemptOut(Schema):
    id = fields.Integer()
    purpose = Str()
    reached = fields.Boolean()
    satisfied = fields.Boolean(allow_none=True)
    score = fields.Integer(allow_none=True)
    ticket_no = Str(allow_none=True)
    status = Str(allow_none=True, metadata={"description": "the job's status after the call"})
    due_on = Str(allow_none=True)


class SeasonIn(Schema):
    region = Text(64, metadata={"description": "'*' or empty: every region without its own row"})
    season = Str(required=True, validate=validate.OneOf(callbacks.SEASONS))
    start_month = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=12))
    start_day = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=31))


class SeasonOut(Schema):
    region = Str()
    season = Str()
    start_month = fields.Integer()
    start_day = fields.Integer()


class SeasonList(Schema):
    seasons = fields.List(fields.Nested(SeasonOut))


class ContractIn(Schema):
    serial = Str(required=True, validate=validate.Length(min=1, max=40))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)


class ContractOut(Schema):
    id = fields.Integer()
    serial = Str()
    starts_on = Str()
    ends_on = Str(allow_none=True)


class ComplaintIn(Schema):
    description = Str(required=True, validate=validate.Length(min=1, max=4000))
    customer = CustomerRef(allow_none=True, metadata={"description": "a customer id, or {name, phone?, …}"})
    serial = Str(allow_none=True, validate=validate.Length(max=40))
    responsible = Str(allow_none=True, validate=validate.Length(min=1, max=64),
                      metadata={"description": "username (default: yourself)"})
    severity = Str(load_default="normal", validate=validate.OneOf(complaints.SEVERITIES))
    problem = Text(complaints.PROBLEM_LEN, metadata={"description": "what is complained about, short: repeat and "
                                                                    "batch complaints are found by it"})
    result_due = fields.DateTime(allow_none=True, metadata={"description": "default: 7 days (serious: 3)"})
    channel = Str(load_default="phone", validate=validate.OneOf(rules.CHANNELS))
    region = Text(64)


class ComplaintOut(Schema):
    ticket_no = Str()
    status = Str(metadata={"description": " | ".join(complaints.STATES)})
    responsible = Str()
    severity = Str()
    problem = Str(allow_none=True)
    description = Str()
    region = Str(allow_none=True)
    serial = Str(allow_none=True)
    logged_at = Str()
    logged_by = Str()
    response_due = Str()
    responded_at = Str(allow_none=True)
    response = Str(allow_none=True)
    result_due = Str()
    result = Str(allow_none=True)
    result_at = Str(allow_none=True)
    opinion = Str(allow_none=True)
    opinion_by = Str(allow_none=True)
    customer_answer = Str(allow_none=True)
    customer_accepts = fields.Boolean(allow_none=True)
    closed_at = Str(allow_none=True)
    closed_by = Str(allow_none=True)
    incident_no = Str(allow_none=True)
    escalated = fields.Boolean()
    escalation = fields.List(Str(), metadata={"description": "serious | response_late | result_late"})
    escalated_at = Str(allow_none=True)
    repeat = fields.Boolean()
    repeat_of = Str(allow_none=True)
    batch = fields.Boolean()
    batch_customers = fields.Integer()
    customer = fields.Dict(allow_none=True, metadata={"description": "roles with customers.read only"})


class ComplaintList(Schema):
    complaints = fields.List(fields.Nested(ComplaintOut))


class ComplaintQuery(Schema):
    open = fields.Boolean()
    escalated = fields.Boolean(metadata={"description": "open complaints escalated to the manager now"})
    responsible = Str(validate=validate.Length(max=64))


class TextIn(Schema):
    text = Str(required=True, validate=validate.Length(min=1, max=complaints.TEXT_LEN))


class AssignIn(Schema):
    responsible = Str(required=True, validate=validate.Length(min=1, max=64))


class OpinionIn(Schema):
    opinion = Str(required=True, validate=validate.Length(min=1, max=complaints.TEXT_LEN))


class ResultIn(Schema):
    result = Str(required=True, validate=validate.Length(min=1, max=complaints.TEXT_LEN))


class CloseIn(Schema):
    result = Text(complaints.TEXT_LEN, metadata={"description": "required unless recorded before"})
    customer_answer = Text(complaints.TEXT_LEN)
    customer_accepts = fields.Boolean(allow_none=True)


class ComplaintIncidentIn(Schema):
    incident_no = Str(required=True, validate=validate.Length(min=1, max=32))


# --- helpers ----------------------------------------------------------------------------------------------------

def _with_customers() -> bool:
    return api_actor().can("customers.read")


def _complaint(ticket_no: str) -> dict:
    return complaints.complaint_view(db.session, ticket_no, with_customer=_with_customers())


def _step(fn, ticket_no: str, **body):
    return write(lambda _key: (fn(db.session, ticket_no=ticket_no, actor=api_actor().username, **body),
                               _complaint(ticket_no))[1])


# --- the call list and call attempts -----------------------------------------------------------------------------

@blp.route("/callbacks/due", methods=["GET"])
@blp.arguments(DueQuery(), location="query")
@blp.response(200, CallList)
@require("tickets.write")
def call_list(args):
    """The service agents' call list: completed jobs waiting for their callback, periodic calls of units under
    maintenance and season reminders due on the day, each with its attempts and what to tell the customer."""
    on = args.get("on") or clock.now().date()
    entries = callbacks.call_list(db.session, on=on, with_customers=_with_customers())
    for e in entries:
        e["script"] = talk_text(e["talk"])
    return read({"on": on.isoformat(), "entries": entries})


@blp.route("/callbacks/attempts", methods=["POST"])
@blp.arguments(AttemptIn())
@blp.response(201, AttemptOut)
@require("tickets.write")
def call_attempt(body):
    """One call attempt: not reached (the entry stays on the list for a retry) or reached — a job's call then
    needs `satisfied` (not satisfied reopens the job), the score is 1–5."""
    def run(_key):
        cb = callbacks.record_call(db.session, actor=api_actor().username, **body)
        status = None
        if body.get("purpose", "job") == "job":
            from warehouse.service.services import get_ticket
            status = get_ticket(db.session, body["ticket_no"]).status
        return {"id": cb.id, "purpose": cb.purpose, "reached": cb.reached, "satisfied": cb.satisfied,
                "score": cb.score, "ticket_no": body.get("ticket_no"), "status": status,
                "due_on": cb.due_on.isoformat() if cb.due_on else None}
    return write(run, status=201)


@blp.route("/service/seasons", methods=["GET"])
@blp.response(200, SeasonList)
@require("tickets.read")
def seasons():
    """When the heating and cooling seasons start, per region (reminders are due 7 days before)."""
    return read({"seasons": callbacks.seasons(db.session)})


@blp.route("/service/seasons", methods=["POST"])
@blp.arguments(SeasonIn())
@blp.response(200, SeasonOut)
@require("service.configure")
def set_season(body):
    def run(_key):
        s = callbacks.set_season(db.session, **body)
        return {"region": s.region, "season": s.season, "start_month": s.start_month, "start_day": s.start_day}
    return write(run)


@blp.route("/service/maintenance-contracts", methods=["POST"])
@blp.arguments(ContractIn())
@blp.response(201, ContractOut)
@require("service.configure")
def add_contract(body):
    """A unit under a maintenance contract: periodic callbacks from its start."""
    def run(_key):
        c = callbacks.add_contract(db.session, actor=api_actor().username, **body)
        return {"id": c.id, "serial": body["serial"].strip().upper(), "starts_on": c.starts_on.isoformat(),
                "ends_on": c.ends_on.isoformat() if c.ends_on else None}
    return write(run, status=201)


# --- complaints -------------------------------------------------------------------------------------------------

@blp.route("/complaints", methods=["POST"])
@blp.arguments(ComplaintIn())
@blp.response(201, ComplaintOut)
@require("complaints.write")
def log_complaint(body):
    """Log a complaint: a ticket of kind complaint and its record — the person responsible, the 24-hour response
    clock and the result deadline."""
    def run(_key):
        c = complaints.log_complaint(db.session, actor=api_actor().username, **body)
        return _complaint(complaints.ticket_no_of(db.session, c))
    return write(run, status=201)


@blp.route("/complaints", methods=["GET"])
@blp.arguments(ComplaintQuery(), location="query")
@blp.response(200, ComplaintList)
@require("complaints.write")
def list_complaints(args):
    """Complaints newest first; `escalated=true` is the department manager's list."""
    return read({"complaints": complaints.list_complaints(
        db.session, with_customer=_with_customers(), open_only=args.get("open", False),
        escalated_only=args.get("escalated", False), responsible=args.get("responsible"))})


@blp.route("/complaints/<ticket_no>", methods=["GET"])
@blp.response(200, ComplaintOut)
@require("complaints.write")
def show_complaint(ticket_no):
    return read(_complaint(ticket_no))


@blp.route("/complaints/<ticket_no>/respond", methods=["POST"])
@blp.arguments(TextIn())
@blp.response(200, ComplaintOut)
@require("complaints.write")
def respond(body, ticket_no):
    """The first response to the customer (stops the 24-hour clock)."""
    return _step(complaints.respond, ticket_no, **body)


@blp.route("/complaints/<ticket_no>/assign", methods=["POST"])
@blp.arguments(AssignIn())
@blp.response(200, ComplaintOut)
@require("complaints.write")
def assign(body, ticket_no):
    return _step(complaints.assign, ticket_no, **body)


@blp.route("/complaints/<ticket_no>/opinion", methods=["POST"])
@blp.arguments(OpinionIn())
@blp.response(200, ComplaintOut)
@require("complaints.write")
def opinion(body, ticket_no):
    """The handling opinion (处理意见)."""
    return _step(complaints.set_opinion, ticket_no, **body)


@blp.route("/complaints/<ticket_no>/result", methods=["POST"])
@blp.arguments(ResultIn())
@blp.response(200, ComplaintOut)
@require("complaints.write")
def result(body, ticket_no):
    return _step(complaints.record_result, ticket_no, **body)


@blp.route("/complaints/<ticket_no>/close", methods=["POST"])
@blp.arguments(CloseIn())
@blp.response(200, ComplaintOut)
@require("complaints.write")
def close(body, ticket_no):
    """Closure with the result (now or recorded before: without one → 409 complaint_no_result) and the
    customer's answer."""
    return _step(complaints.close, ticket_no, **body)


@blp.route("/complaints/<ticket_no>/incident", methods=["POST"])
@blp.arguments(ComplaintIncidentIn())
@blp.response(200, ComplaintOut)
@require("complaints.write")
def incident(body, ticket_no):
    """Link the complaint to a quality incident (a repeat or batch complaint about a quality problem)."""
    return _step(complaints.link_incident, ticket_no, **body)
