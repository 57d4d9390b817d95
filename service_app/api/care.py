"""Customer care: the knowledge base (客户问题解决方案), checklists, inspections of dealers and stations with their
corrective actions, the stations' files of repairmen and trainings, the station ranking, and service-quality checks
(监听、抽查) with the compliance rate per agent. See docs/service.md (Customer care)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import Range, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse.care import checklists, inspections, knowledge, kpis, quality_checks, rules

blp = Blueprint("api_care", __name__, description="Customer care: knowledge base, inspections, service checks")

MONTH = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"


def _required(max_len: int, **kw):
    return Str(required=True, validate=validate.Length(min=1, max=max_len), **kw)


def _month(**kw):
    return Str(validate=validate.Regexp(MONTH), metadata={"example": "2026-11"}, **kw)


def _score(field: str, high: int, **kw):
    return fields.Integer(strict=True, validate=Range(field=field, min=0, max=high), **kw)


# --- schemas: knowledge base ----------------------------------------------------------------------------------------

class EntryIn(Schema):
    title = _required(rules.TITLE_LEN)
    symptom = _required(rules.TEXT_LEN)
    solution = _required(rules.TEXT_LEN)
    cause = Text(rules.TEXT_LEN)
    model = Text(rules.MODEL_LEN, metadata={"description": "a unit model (KFR-35GW); null: any model"})
    part_number = Text(rules.MODEL_LEN, metadata={"description": "a catalog part the problem concerns"})


class EntryPatch(Schema):
    title = Str(validate=validate.Length(min=1, max=rules.TITLE_LEN))
    symptom = Str(validate=validate.Length(min=1, max=rules.TEXT_LEN))
    solution = Str(validate=validate.Length(min=1, max=rules.TEXT_LEN))
    cause = Text(rules.TEXT_LEN)
    model = Text(rules.MODEL_LEN)
    part_number = Text(rules.MODEL_LEN)


class KbEntryOut(Schema):
    id = fields.Integer()
    title = Str()
    model = Str(allow_none=True)
    part_number = Str(allow_none=True)
    status = Str(metadata={"description": " | ".join(rules.KB_STATES)})
    symptom = Str()
    cause = Str(allow_none=True)
    solution = Str()
    author = Str()
    editor = Str()
    reviewer = Str(allow_none=True)
    reviewed_at = Str(allow_none=True)
    review_note = Str(allow_none=True)
    published_at = Str(allow_none=True)
    created_at = Str()
    updated_at = Str()


class KbEntrySummary(Schema):
    id = fields.Integer()
    title = Str()
    model = Str(allow_none=True)
    part_number = Str(allow_none=True)
    status = Str()
    symptom = Str()
    updated_at = Str()


class EntryList(Schema):
    entries = fields.List(fields.Nested(KbEntrySummary))


class EntryQuery(Schema):
    q = Str(validate=validate.Length(max=rules.QUERY_LEN),
            metadata={"description": "Chinese text, words or pinyin initials (ysj → 压缩机); every word must match"})
    model = Str(validate=validate.Length(max=rules.MODEL_LEN))
    part_number = Str(validate=validate.Length(max=rules.MODEL_LEN))
    status = Str(load_default="published", validate=validate.OneOf(rules.KB_STATES + ("any",)))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class KbReviewIn(Schema):
    publish = fields.Boolean(required=True, metadata={"description": "true publishes; false returns it to draft"})
    note = Text(rules.TEXT_LEN, metadata={"description": "required when returning it"})


class Suggestion(KbEntrySummary):
    solution = Str()
    shared = fields.Integer(metadata={"description": "bigrams and words shared with the ticket's description"})


class SuggestionList(Schema):
    ticket_no = Str()
    suggestions = fields.List(fields.Nested(Suggestion))


# --- schemas: checklists and inspections ----------------------------------------------------------------------------

class ItemIn(Schema):
    text = _required(rules.ITEM_LEN)
    max_score = fields.Integer(required=True, strict=True,
                               validate=Range(field="max_score", min=1, max=rules.MAX_ITEM_SCORE))


class ChecklistIn(Schema):
    code = _required(rules.CODE_LEN)
    name = _required(rules.TITLE_LEN)
    target = Str(required=True, validate=validate.OneOf(rules.CHECKLIST_TARGETS))
    items = fields.List(fields.Nested(ItemIn), required=True, validate=validate.Length(min=1, max=rules.MAX_ITEMS))
    pass_score = fields.Integer(allow_none=True, strict=True,
                                validate=Range(field="pass_score", min=0, max=rules.MAX_ITEMS * rules.MAX_ITEM_SCORE),
                                metadata={"description": "required for call and visit checklists"})


class ItemOut(Schema):
    item = fields.Integer()
    text = Str()
    max_score = fields.Integer()


class ChecklistOut(Schema):
    code = Str()
    name = Str()
    target = Str()
    pass_score = fields.Integer(allow_none=True)
    active = fields.Boolean()
    max_score = fields.Integer()
    items = fields.List(fields.Nested(ItemOut))


class ChecklistList(Schema):
    checklists = fields.List(fields.Nested(ChecklistOut))


class ChecklistQuery(Schema):
    target = Str(validate=validate.OneOf(rules.CHECKLIST_TARGETS))


class ScoreIn(Schema):
    item = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=rules.MAX_ITEMS),
                          metadata={"description": "the item's number on the checklist"})
    score = fields.Integer(required=True, strict=True,
                           metadata={"description": "0 … the item's max_score (outside: 400 score_out_of_range)"})
    comment = Text(rules.ITEM_LEN)


class ActionIn(Schema):
    description = _required(rules.TEXT_LEN)
    due_on = fields.Date(required=True)


class InspectionIn(Schema):
    target_kind = Str(required=True, validate=validate.OneOf(rules.TARGETS))
    target = _required(rules.CODE_LEN, metadata={"description": "the dealer's or the station's code"})
    checklist = _required(rules.CODE_LEN)
    inspected_on = fields.Date(required=True)
    scores = fields.List(fields.Nested(ScoreIn), required=True, validate=validate.Length(min=1, max=rules.MAX_ITEMS))
    notes = Text(rules.TEXT_LEN)
    actions = fields.List(fields.Nested(ActionIn), load_default=list, validate=validate.Length(max=rules.MAX_ACTIONS))


class ActionOut(Schema):
    id = fields.Integer()
    inspection_id = fields.Integer()
    description = Str()
    due_on = Str()
    status = Str(metadata={"description": "open | closed"})
    overdue = fields.Boolean()
    closed_at = Str(allow_none=True)
    closed_by = Str(allow_none=True)
    follow_ups = fields.List(fields.Dict())


class ActionList(Schema):
    actions = fields.List(fields.Nested(ActionOut))


class ActionQuery(Schema):
    open = fields.Boolean(load_default=False)


class FollowUpIn(Schema):
    note = _required(rules.TEXT_LEN)
    close = fields.Boolean(load_default=False)


class InspectionSummary(Schema):
    id = fields.Integer()
    target_kind = Str()
    target = Str()
    target_name = Str()
    region = Str(allow_none=True)
    checklist = Str()
    inspected_on = Str()
    inspector = Str()
    score = fields.Integer()
    max_score = fields.Integer()
    rate = fields.Float(allow_none=True)


class InspectionOut(InspectionSummary):
    checklist_name = Str()
    notes = Str(allow_none=True)
    scores = fields.List(fields.Dict())
    actions = fields.List(fields.Nested(ActionOut))


class InspectionList(Schema):
    inspections = fields.List(fields.Nested(InspectionSummary))


class InspectionQuery(Schema):
    target_kind = Str(validate=validate.OneOf(rules.TARGETS))
    target = Str(validate=validate.Length(max=rules.CODE_LEN))


class RankingQuery(Schema):
    month = _month(required=True)


class RankingRow(Schema):
    rank = fields.Integer(allow_none=True)
    station = Str()
    name = Str()
    region = Str(allow_none=True)
    inspections = fields.Integer()
    score = fields.Integer()
    max_score = fields.Integer()
    rate = fields.Float(allow_none=True)


class Ranking(Schema):
    month = Str()
    stations = fields.List(fields.Nested(RankingRow))


class RepairmanIn(Schema):
    name = _required(64)
    phone = Text(40)
    qualification = Text(100)
    joined_on = fields.Date(allow_none=True)


class RepairmanOut(Schema):
    id = fields.Integer()
    station = Str()
    name = Str()


class TrainingIn(Schema):
    course = _required(rules.TITLE_LEN)
    trained_on = fields.Date(required=True)
    passed = fields.Boolean(allow_none=True)
    certificate_no = Text(64)
    notes = Text(200)


class TrainingOut(Schema):
    id = fields.Integer()
    repairman_id = fields.Integer()
    course = Str()
    trained_on = Str()


class StationFile(Schema):
    code = Str()
    name = Str()
    region = Str(allow_none=True)
    phone = Str(allow_none=True)
    dealer = Str(allow_none=True)
    repairmen = fields.List(fields.Dict())
    inspections = fields.List(fields.Nested(InspectionSummary))


# --- schemas: service checks ----------------------------------------------------------------------------------------

class ServiceCheckIn(Schema):
    kind = Str(required=True, validate=validate.OneOf(rules.CHECK_KINDS))
    agent = _required(64, metadata={"description": "the username whose call or visit was checked"})
    checklist = _required(rules.CODE_LEN)
    scores = fields.List(fields.Nested(ScoreIn), required=True, validate=validate.Length(min=1, max=rules.MAX_ITEMS))
    ticket_no = Text(32)
    checked_at = fields.DateTime(allow_none=True, metadata={"description": "ISO 8601 (default now); decides the "
                                                                           "month the check counts in"})
    comments = Text(rules.TEXT_LEN)


class ServiceCheckSummary(Schema):
    id = fields.Integer()
    kind = Str()
    agent = Str()
    ticket_no = Str(allow_none=True)
    checklist = Str()
    checked_at = Str()
    checker = Str()
    score = fields.Integer()
    max_score = fields.Integer()
    pass_score = fields.Integer()
    compliant = fields.Boolean()
    comments = Str(allow_none=True)


class ServiceCheckOut(ServiceCheckSummary):
    scores = fields.List(fields.Dict())


class CheckList(Schema):
    checks = fields.List(fields.Nested(ServiceCheckSummary))


class CheckQuery(Schema):
    month = _month()
    agent = Str(validate=validate.Length(max=64))


class ComplianceRow(Schema):
    agent = Str()
    checks = fields.Integer()
    compliant = fields.Integer()
    rate = fields.Float(allow_none=True)


class Compliance(Schema):
    month = Str()
    checks = fields.Integer()
    compliant = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "compliant / checks, 0–1; null without checks"})
    agents = fields.List(fields.Nested(ComplianceRow))


# --- knowledge base -------------------------------------------------------------------------------------------------

@blp.route("/kb/entries", methods=["POST"])
@blp.arguments(EntryIn())
@blp.response(201, KbEntryOut)
@require("kb.write")
def create_entry(body):
    """Write a problem and its solution; it starts as a draft."""
    return write(lambda _key: knowledge.entry_dict(knowledge.create_entry(db.session, actor=api_actor().username,
                                                                          **body)), status=201)


@blp.route("/kb/entries", methods=["GET"])
@blp.arguments(EntryQuery(), location="query")
@blp.response(200, EntryList)
@require("kb.read")
def search_entries(args):
    """Search by words (Chinese, words, pinyin initials), model and part; published entries unless `status` says."""
    status = None if args["status"] == "any" else args["status"]
    return read({"entries": knowledge.search(db.session, q=args.get("q"), model=args.get("model"),
                                             part_number=args.get("part_number"), status=status,
                                             limit=args["limit"])})


@blp.route("/kb/entries/<int:entry_id>", methods=["GET"])
@blp.response(200, KbEntryOut)
@require("kb.read")
def show_entry(entry_id):
    return read(knowledge.entry_view(db.session, entry_id))


@blp.route("/kb/entries/<int:entry_id>", methods=["PATCH"])
@blp.arguments(EntryPatch())
@blp.response(200, KbEntryOut)
@require("kb.write")
def update_entry(body, entry_id):
    """Change an entry's text; a published entry goes back to draft until it is reviewed again."""
    return write(lambda _key: knowledge.entry_dict(knowledge.update_entry(db.session, entry_id=entry_id,
                                                                          actor=api_actor().username, **body)))


@blp.route("/kb/entries/<int:entry_id>/submit", methods=["POST"])
@blp.response(200, KbEntryOut)
@require("kb.write")
def submit_entry(entry_id):
    """Send a draft for review."""
    return write(lambda _key: knowledge.entry_dict(knowledge.submit(db.session, entry_id=entry_id,
                                                                    actor=api_actor().username)))


@blp.route("/kb/entries/<int:entry_id>/review", methods=["POST"])
@blp.arguments(KbReviewIn())
@blp.response(200, KbEntryOut)
@require("kb.review")
def review_entry(body, entry_id):
    """Publish an entry waiting for review, or return it to draft with a note; not by whoever wrote it (403)."""
    return write(lambda _key: knowledge.entry_dict(knowledge.review(db.session, entry_id=entry_id,
                                                                    actor=api_actor().username, **body)))


@blp.route("/tickets/<ticket_no>/kb-suggestions", methods=["GET"])
@blp.response(200, SuggestionList)
@require("kb.read")
def ticket_suggestions(ticket_no):
    """Published entries for a ticket, from its unit's model and its description (see docs/service.md)."""
    return read({"ticket_no": ticket_no, "suggestions": knowledge.suggest_for_ticket(db.session, ticket_no)})


# --- checklists -----------------------------------------------------------------------------------------------------

@blp.route("/checklists", methods=["POST"])
@blp.arguments(ChecklistIn())
@blp.response(201, ChecklistOut)
@require("inspections.write")
def create_checklist(body):
    """A checklist for dealers, stations, calls or visits: items numbered in order, each with its max score."""
    return write(lambda _key: checklists.checklist_dict(db.session, checklists.create_checklist(
        db.session, actor=api_actor().username, **body)), status=201)


@blp.route("/checklists", methods=["GET"])
@blp.arguments(ChecklistQuery(), location="query")
@blp.response(200, ChecklistList)
@require("inspections.read")
def list_checklists(args):
    return read({"checklists": checklists.list_checklists(db.session, target=args.get("target"))})


@blp.route("/checklists/<code>", methods=["GET"])
@blp.response(200, ChecklistOut)
@require("inspections.read")
def show_checklist(code):
    return read(checklists.checklist_view(db.session, code))


# --- inspections ----------------------------------------------------------------------------------------------------

@blp.route("/inspections", methods=["POST"])
@blp.arguments(InspectionIn())
@blp.response(201, InspectionOut)
@require("inspections.write")
def create_inspection(body):
    """Score a dealer or station on every item of its checklist (0 … the item's max), with corrective actions."""
    def run(_key):
        i = inspections.record_inspection(db.session, actor=api_actor().username, **body)
        return inspections.inspection_view(db.session, i.id)
    return write(run, status=201)


@blp.route("/inspections", methods=["GET"])
@blp.arguments(InspectionQuery(), location="query")
@blp.response(200, InspectionList)
@require("inspections.read")
def list_inspections(args):
    return read({"inspections": inspections.list_inspections(db.session, target_kind=args.get("target_kind"),
                                                             target=args.get("target"))})


@blp.route("/inspections/<int:inspection_id>", methods=["GET"])
@blp.response(200, InspectionOut)
@require("inspections.read")
def show_inspection(inspection_id):
    return read(inspections.inspection_view(db.session, inspection_id))


@blp.route("/inspections/<int:inspection_id>/actions", methods=["POST"])
@blp.arguments(ActionIn())
@blp.response(201, ActionOut)
@require("inspections.write")
def add_action(body, inspection_id):
    """A further corrective action on an inspection."""
    def run(_key):
        a = inspections.add_action(db.session, inspection_id=inspection_id, actor=api_actor().username, **body)
        return next(x for x in inspections.list_actions(db.session, inspection_id=inspection_id) if x["id"] == a.id)
    return write(run, status=201)


@blp.route("/corrective-actions", methods=["GET"])
@blp.arguments(ActionQuery(), location="query")
@blp.response(200, ActionList)
@require("inspections.read")
def list_actions(args):
    """Corrective actions by due date (`open=true`: the open ones only; `overdue` past their due date)."""
    return read({"actions": inspections.list_actions(db.session, open_only=args["open"])})


@blp.route("/corrective-actions/<int:action_id>/follow-ups", methods=["POST"])
@blp.arguments(FollowUpIn())
@blp.response(200, ActionOut)
@require("inspections.write")
def follow_up(body, action_id):
    """What the follow-up found; `close: true` closes the action (409 action_closed after that)."""
    def run(_key):
        a = inspections.follow_up(db.session, action_id=action_id, actor=api_actor().username, **body)
        return next(x for x in inspections.list_actions(db.session, inspection_id=a.inspection_id) if x["id"] == a.id)
    return write(run)


# --- stations: ranking and files ------------------------------------------------------------------------------------

@blp.route("/stations/ranking", methods=["GET"])
@blp.arguments(RankingQuery(), location="query")
@blp.response(200, Ranking)
@require("inspections.read")
def station_ranking(args):
    """Stations inspected in the month, best first: points scored / possible (1, 2, 2, 4 on ties)."""
    start, end = kpis.month_range(args["month"])
    return read({"month": args["month"], "stations": kpis.station_ranking(db.session, start=start, end=end)})


@blp.route("/stations/<code>/file", methods=["GET"])
@blp.response(200, StationFile)
@require("inspections.read")
def station_file(code):
    """A station's repairmen with their training records, and its inspections."""
    return read(inspections.station_file(db.session, code))


@blp.route("/stations/<code>/repairmen", methods=["POST"])
@blp.arguments(RepairmanIn())
@blp.response(201, RepairmanOut)
@require("stations.write")
def add_repairman(body, code):
    def run(_key):
        m = inspections.add_repairman(db.session, station=code, **body)
        return {"id": m.id, "station": code.strip().upper(), "name": m.name}
    return write(run, status=201)


@blp.route("/repairmen/<int:repairman_id>/trainings", methods=["POST"])
@blp.arguments(TrainingIn())
@blp.response(201, TrainingOut)
@require("stations.write")
def add_training(body, repairman_id):
    def run(_key):
        t = inspections.add_training(db.session, repairman_id=repairman_id, actor=api_actor().username, **body)
        return {"id": t.id, "repairman_id": t.repairman_id, "course": t.course, "trained_on": t.trained_on.isoformat()}
    return write(run, status=201)


# --- service checks -------------------------------------------------------------------------------------------------

@blp.route("/service-checks", methods=["POST"])
@blp.arguments(ServiceCheckIn())
@blp.response(201, ServiceCheckOut)
@require("service_checks.write")
def create_check(body):
    """A call or visit checked against the service standard: compliant when the score reaches the pass score."""
    def run(_key):
        c = quality_checks.record_check(db.session, actor=api_actor().username, **body)
        return quality_checks.check_view(db.session, c.id)
    return write(run, status=201)


@blp.route("/service-checks", methods=["GET"])
@blp.arguments(CheckQuery(), location="query")
@blp.response(200, CheckList)
@require("service_checks.read")
def list_checks(args):
    return read({"checks": quality_checks.list_checks(db.session, month=args.get("month"), agent=args.get("agent"))})


@blp.route("/service-checks/<int:check_id>", methods=["GET"])
@blp.response(200, ServiceCheckOut)
@require("service_checks.read")
def show_check(check_id):
    return read(quality_checks.check_view(db.session, check_id))


@blp.route("/service-checks/compliance", methods=["GET"])
@blp.arguments(RankingQuery(), location="query")
@blp.response(200, Compliance)
@require("service_checks.read")
def compliance(args):
    """The month's service-standard compliance rate, overall and per agent (fractions 0–1, null without checks)."""
    return read(quality_checks.compliance_report(db.session, month=args["month"]))
