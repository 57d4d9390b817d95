"""Field-service pages: the service agent's ticket entry (customer found as they type, the unit's warranty status at
once), the ticket list and one ticket (dispatch, reassignment, hand-off, callback), the dispatch board refreshing
itself, the technician's "my jobs" tablet page (arrival, completion with parts from the van and the customer's
signature) and the month's KPIs for managers. Every write goes through `post()` to the `warehouse.service` use
cases the API calls too; a refusal is flashed and nothing is written."""
from __future__ import annotations

import base64
import re
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, \
    send_from_directory, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, DecimalField, IntegerField, RadioField, SelectField, \
    StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service_app.error_messages import render
from service_app.extensions import db
from service_app.names import person_label
from service_app.report_labels import report_labels, statement_words
from service_app.web.customer_fields import CustomerForm
from service_app.web.common import permission_required, post
from warehouse import limits
from warehouse.accounts.queries import display_names
from warehouse.attachments import services as attachments
from warehouse.db import utcnow
from warehouse.errors import DomainError
from warehouse.reports import Chart
from warehouse.reports.charts import svg
from warehouse.service import kpi_registry, papers, queries, rules, services as service, targets

bp = Blueprint("service", __name__)

MAX_PART_LINES = 10
SIGNATURE = re.compile(r"\Adata:image/png;base64,([A-Za-z0-9+/=]+)\Z")


# --- words ------------------------------------------------------------------------------------------------------------

def _words() -> dict:
    return {
        "kind": {"repair": _("Repair"), "installation": _("Installation and commissioning"),
                 "maintenance": _("Maintenance visit"), "factory_repair": _("Repair at the factory"),
                 "complaint": _("Complaint"), "inquiry": _("Inquiry"), "suggestion": _("Suggestion")},
        "category": {"platform": _("Platform"), "device": _("Device"), "other": _("Other")},
        "channel": {"phone": _("Phone call"), "visit": _("Visit"), "web": _("Website"), "chat": _("Chat"),
                    "email": _("Email")},
        "priority": {"urgent": _("Urgent"), "high": _("High"), "normal": _("Normal"), "low": _("Low")},
        "status": {"open": _("Open"), "dispatched": _("Dispatched"), "arrived": _("On site"),
                   "completed": _("Completed"), "reopened": _("Reopened"), "closed": _("Closed")},
        "warranty": {"in_warranty": _("In warranty"), "expired": _("Out of warranty"),
                     "no_policy": _("No warranty policy"), None: _("No unit")},
        "flag": {"late": _("Late"), "due_soon": _("Due soon"), "contact_late": _("Contact late")},
        "event": {"logged": _("Logged"), "dispatched": _("Dispatched"), "reassigned": _("Reassigned"),
                  "contacted": _("Customer contacted"), "arrived": _("Arrived"), "completed": _("Completed"),
                  "callback": _("Callback"), "reopened": _("Reopened"), "closed": _("Closed"),
                  "answered": _("Answered"), "handed_off": _("Handed off"), "handoff_answered": _("Department answered"),
                  "quoted": _("Quoted"), "quote_accepted": _("Quote accepted"), "paid": _("Paid"),
                  "call_not_reached": _("Call not reached"), "complaint_assign": _("Complaint reassigned"),
                  "handling_opinion": _("Handling opinion"), "complaint_result": _("Complaint result"),
                  "complaint_closed": _("Complaint closed"), "incident_linked": _("Linked to a quality incident")},
        "method": {"cash": _("Cash"), "transfer": _("Bank transfer"), "qr": _("QR-code payment")},
        "cause": {"quality": _("Quality defect"), "human": _("Human damage"), "wear": _("Normal wear"),
                  "installation": _("Installation")},
    }


@bp.app_template_global()
def service_words() -> dict:
    return _words()


def _choices(key: str, values) -> list[SelectChoice]:
    words = _words()[key]
    return [SelectChoice(v, words[v]) for v in values]


def _who() -> dict:
    return {"actor": current_user.username, "role": current_user.role}


def _bad_form() -> None:
    flash(_("Check the marked fields."), "error")


def _view(ticket_no: str) -> dict:
    try:
        return queries.ticket_view(db.session, ticket_no, username=current_user.username,
                                   can_read_customers=current_user.can("customers.read"))
    except DomainError:
        abort(404)
    finally:
        db.session.rollback()


# --- forms ------------------------------------------------------------------------------------------------------------

class TicketForm(CustomerForm):
    # Most calls are a device that does not work, phoned in: the defaults, so a plain call is typed, not clicked.
    category = SelectField(_l("Category"), default="device", validators=[DataRequired()])
    kind = SelectField(_l("Kind"), default="repair", validators=[DataRequired()])
    channel = SelectField(_l("Channel"), default="phone", validators=[DataRequired()])
    priority = SelectField(_l("Priority"), validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[DataRequired(),
                                                               Length(max=service.DESCRIPTION_LEN)])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.category.choices = _choices("category", rules.CATEGORIES)
        self.kind.choices = _choices("kind", rules.KINDS)
        self.channel.choices = _choices("channel", rules.CHANNELS)
        self.priority.choices = [SelectChoice("", _("Default (key accounts high)"))] + _choices("priority", rules.PRIORITIES)


class DispatchForm(FlaskForm):
    assignee = SelectField(_l("Technician or station"), validators=[DataRequired()])
    due_at = DateTimeLocalField(_l("Due on site (UTC, optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


class HandoffForm(FlaskForm):
    department = StringField(_l("Department"), validators=[DataRequired(), Length(max=64)])
    question = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=service.TEXT_LEN)])
    due_at = DateTimeLocalField(_l("Answer due (UTC)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])


class HandoffAnswerForm(FlaskForm):
    handoff_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    answer = TextAreaField(_l("The department's answer"), validators=[DataRequired(), Length(max=service.TEXT_LEN)])


class CallbackForm(FlaskForm):
    satisfied = RadioField(_l("Customer satisfied?"), choices=[SelectChoice("yes", _l("Satisfied")),
                                                               SelectChoice("no", _l("Not satisfied: reopen"))],
                           validators=[DataRequired()])
    score = SelectField(_l("Score"), choices=[SelectChoice("", "—")] + [SelectChoice(str(n), str(n)) for n in range(5, 0, -1)],
                        validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=service.TEXT_LEN)])


class CompleteForm(FlaskForm):
    diagnosis = TextAreaField(_l("Diagnosis"), validators=[DataRequired(), Length(max=service.TEXT_LEN)])
    cause = SelectField(_l("Cause"), validators=[Optional()])
    labour_hours = DecimalField(_l("Labour hours"), places=2, validators=[Optional(),
                                                                         NumberRange(min=0, max=service.MAX_HOURS)])
    signed = BooleanField()

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.cause.choices = [SelectChoice("", "—")] + _choices("cause", rules.CAUSES)


def _assignee_choices() -> list[tuple[str, str]]:
    who = queries.assignees(db.session)
    db.session.rollback()
    return [SelectChoice(f"t:{u}", _("Technician %(name)s", name=person_label(who["names"][u], u)))
            for u in who["technicians"]] + \
        [SelectChoice(f"s:{s['code']}", _("Station %(code)s %(name)s", code=s["code"], name=s["name"]))
         for s in who["stations"]]


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None else None


# --- the ticket entry ----------------------------------------------------------------------------------------------

@bp.route("/service/tickets/new", methods=["GET", "POST"])
@permission_required("tickets.write")
def new_ticket():
    form = TicketForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            done = post(lambda: service.create_ticket(
                db.session, category=form.category.data, kind=form.kind.data, channel=form.channel.data,
                priority=form.priority.data or None, description=form.description.data, serial=form.serial_no(),
                customer=form.customer(), actor=current_user.username).ticket_no)
            if done is not None:
                flash(_("Ticket %(no)s logged.", no=done), "ok")
                return redirect(url_for("service.ticket", ticket_no=done))
        else:
            _bad_form()
        status = 400
    return render_template("service/new.html", form=form), status


# --- the list and one ticket -------------------------------------------------------------------------------------

@bp.route("/service/tickets")
@permission_required("tickets.read")
def tickets():
    status = request.args.get("status") if request.args.get("status") in rules.STATUSES else None
    kind = request.args.get("kind") if request.args.get("kind") in rules.KINDS else None
    late = request.args.get("late") == "1"
    rows = queries.list_tickets(db.session, status=status, kind=kind, late_only=late, limit=200)
    db.session.rollback()
    return render_template("service/list.html", tickets=rows, args={"status": status, "kind": kind, "late": late},
                           statuses=rules.STATUSES, kinds=rules.KINDS)


def _ticket_page(ticket_no: str, *, status: int = 200, **forms):
    t = _view(ticket_no)
    may_write = current_user.can("tickets.write")
    if may_write:
        dispatch_form = forms.setdefault("dispatch_form", DispatchForm(formdata=None))
        dispatch_form.assignee.choices = _assignee_choices()
        if dispatch_form.assignee.data is None and t["assignee"]:
            # A reassignment starts from who has the job: "Reassign" without a choice must not move it elsewhere.
            dispatch_form.assignee.data = f"{'s' if t['assignee_kind'] == 'station' else 't'}:{t['assignee']}"
        forms.setdefault("handoff_form", HandoffForm(formdata=None))
        forms.setdefault("callback_form", CallbackForm(formdata=None))
        forms.setdefault("answer_form", HandoffAnswerForm(formdata=None))
        if t["kind"] in rules.FIELD_KINDS and t["status"] in ("open", "dispatched", "arrived", "reopened"):
            forms["suggestions"] = queries.dispatch_suggestions(db.session, ticket_no)
            db.session.rollback()
    # Technicians by name; a station's code is not a user name and stays as it is.
    people = [p["assignee"] for p in [t, *(forms.get("suggestions") or [])] if p["assignee_kind"] == "technician"]
    names = display_names(db.session, people)
    db.session.rollback()
    return render_template("service/ticket.html", t=t, may_write=may_write, names=names,
                           field=t["kind"] in rules.FIELD_KINDS, kb_suggestions=_kb_suggestions(ticket_no),
                           **forms), status


def _kb_suggestions(ticket_no: str) -> list[dict] | None:
    """Published knowledge-base entries for the ticket's unit and description (None: the role may not read them)."""
    if not current_user.can("kb.read"):
        return None
    from warehouse.care.knowledge import suggest_for_ticket
    try:
        return suggest_for_ticket(db.session, ticket_no)
    finally:
        db.session.rollback()


@bp.route("/service/tickets/<ticket_no>")
@permission_required("tickets.read")
def ticket(ticket_no):
    return _ticket_page(ticket_no)


@bp.route("/service/tickets/<ticket_no>/dispatch", methods=["POST"])
@permission_required("tickets.write")
def dispatch(ticket_no):
    form = DispatchForm()
    form.assignee.choices = _assignee_choices()
    if not form.validate_on_submit():
        _bad_form()
        return _ticket_page(ticket_no, status=400, dispatch_form=form)
    kind, _sep, who = form.assignee.data.partition(":")
    target = {"technician": who} if kind == "t" else {"station": who}
    done = post(lambda: service.dispatch(db.session, ticket_no=ticket_no, actor=current_user.username,
                                         due_at=_utc(form.due_at.data), **target))
    if done is None:
        return _ticket_page(ticket_no, status=409, dispatch_form=form)
    flash(_("Dispatched to %(who)s.", who=who), "ok")
    return redirect(url_for("service.ticket", ticket_no=ticket_no))


@bp.route("/service/tickets/<ticket_no>/handoff", methods=["POST"])
@permission_required("tickets.write")
def handoff(ticket_no):
    form = HandoffForm()
    if not form.validate_on_submit():
        _bad_form()
        return _ticket_page(ticket_no, status=400, handoff_form=form)
    done = post(lambda: service.hand_off(db.session, ticket_no=ticket_no, actor=current_user.username,
                                         department=form.department.data, question=form.question.data,
                                         due_at=_utc(form.due_at.data)))
    if done is None:
        return _ticket_page(ticket_no, status=409, handoff_form=form)
    flash(_("Handed off to %(dept)s.", dept=form.department.data), "ok")
    return redirect(url_for("service.ticket", ticket_no=ticket_no))


@bp.route("/service/tickets/<ticket_no>/handoff-answer", methods=["POST"])
@permission_required("tickets.write")
def handoff_answer(ticket_no):
    """The department's answer to a hand-off, recorded on the ticket (to be passed on to the customer)."""
    form = HandoffAnswerForm()
    if not form.validate_on_submit():
        _bad_form()
        return _ticket_page(ticket_no, status=400, answer_form=form)
    done = post(lambda: service.answer_handoff(db.session, ticket_no=ticket_no, handoff_id=form.handoff_id.data,
                                               text=form.answer.data, actor=current_user.username).department)
    if done is None:
        return _ticket_page(ticket_no, status=409, answer_form=form)
    flash(_("Answer from %(dept)s recorded.", dept=done), "ok")
    return redirect(url_for("service.ticket", ticket_no=ticket_no, _anchor="handoffs"))


@bp.route("/service/tickets/<ticket_no>/callback", methods=["POST"])
@permission_required("tickets.write")
def callback(ticket_no):
    form = CallbackForm()
    if not form.validate_on_submit():
        _bad_form()
        return _ticket_page(ticket_no, status=400, callback_form=form)
    done = post(lambda: service.callback(db.session, ticket_no=ticket_no, actor=current_user.username,
                                         satisfied=form.satisfied.data == "yes",
                                         score=int(form.score.data) if form.score.data else None,
                                         notes=form.notes.data or None))
    if done is None:
        return _ticket_page(ticket_no, status=409, callback_form=form)
    flash(_("Callback recorded."), "ok")
    return redirect(url_for("service.ticket", ticket_no=ticket_no))


def _paper(ticket_no: str, make, name: str):
    """A Chinese paper of the ticket (whatever the screen's language); a refusal is flashed on the ticket page."""
    with force_locale("zh_CN"):
        labels = report_labels()
    try:
        data = make(db.session, ticket_no=ticket_no, printed_by=current_user.username, labels=labels,
                    can_read_customers=current_user.can("customers.read"))
    except DomainError as exc:
        db.session.rollback()
        status, message = render(exc)
        flash(message, "error")
        return redirect(url_for("service.ticket", ticket_no=ticket_no)) if status != 404 else abort(404)
    db.session.rollback()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}-{ticket_no.strip().upper()}.pdf"'})


@bp.route("/service/tickets/<ticket_no>/receipt.pdf")
@permission_required("tickets.read")
def receipt(ticket_no):
    """The charged-repair receipt (收费维修单（收据）), in Chinese whatever the screen's language."""
    return _paper(ticket_no, papers.receipt_pdf, "receipt")


@bp.route("/service/tickets/<ticket_no>/completion-notice.pdf")
@permission_required("tickets.read")
def completion_notice(ticket_no):
    """The completion notice (完工通知单) of a completed job, in Chinese whatever the screen's language."""
    return _paper(ticket_no, papers.completion_pdf, "completion")


# --- the dispatch board ------------------------------------------------------------------------------------------

@bp.route("/service/board")
@permission_required("tickets.write")
def board():
    """The board's lists, and beside them one technician's day (`?technician=&day=YYYY-MM-DD`, default today)."""
    b = queries.board(db.session)
    who = queries.assignees(db.session)
    technicians, names = who["technicians"], who["names"]
    tech = request.args.get("technician") or ""
    tech = tech if tech in technicians else None
    try:
        day = date.fromisoformat(request.args.get("day") or "") if request.args.get("day") else utcnow().date()
    except (ValueError, TypeError):
        day = utcnow().date()
    day_jobs = queries.technician_day(db.session, tech, day) if tech else None
    db.session.rollback()
    lists = {f: [j for j in b["jobs"] if j["flag"] == f] for f in ("late", "due_soon", "contact_late")}
    return render_template("service/board.html", b=b, lists=lists, technicians=technicians, tech=tech, day=day,
                           day_jobs=day_jobs, names=names,
                           picker={u: person_label(names[u], u) for u in technicians})


# --- the technician's tablet page ------------------------------------------------------------------------------

def _my_jobs() -> tuple[list[dict], dict]:
    mine = queries.board(db.session, technician=current_user.username)["jobs"]
    jobs = [queries.ticket_view(db.session, j["ticket_no"], username=current_user.username,
                                can_read_customers=current_user.can("customers.read")) for j in mine]
    van = queries.van_stock(db.session, current_user.username)
    db.session.rollback()
    return jobs, van


@bp.route("/service/my-jobs")
@permission_required("tickets.work")
def my_jobs(status: int = 200, form: CompleteForm | None = None, open_no: str | None = None):
    jobs, van = _my_jobs()
    return render_template("service/my_jobs.html", jobs=jobs, van=van, form=form or CompleteForm(formdata=None),
                           open_no=open_no, step_key=uuid.uuid4().hex, max_lines=MAX_PART_LINES), status


@bp.route("/service/my-jobs/<ticket_no>/arrive", methods=["POST"])
@permission_required("tickets.work")
def arrive(ticket_no):
    if not FlaskForm().validate_on_submit():  # the CSRF token only
        abort(400)
    done = post(lambda: service.arrive(db.session, ticket_no=ticket_no, at=utcnow(), actor=current_user.username))
    if done is not None:
        flash(_("Arrival recorded for %(no)s.", no=ticket_no), "ok")
    return redirect(url_for("service.my_jobs", _anchor=f"job-{ticket_no}"))


def _part_lines() -> list[dict] | None:
    """The parts used, as typed or scanned: (part number, quantity, lot) lines; None when a line is malformed."""
    numbers = request.form.getlist("part_number")[:MAX_PART_LINES + 1]
    qtys = request.form.getlist("qty")[:MAX_PART_LINES + 1]
    lots = request.form.getlist("lot")[:MAX_PART_LINES + 1] or [""] * len(numbers)
    if len(numbers) > MAX_PART_LINES or len(numbers) != len(qtys) or len(lots) != len(numbers):
        return None
    lines = []
    for pn, qty, lot in zip(numbers, qtys, lots):
        pn = pn.strip()
        if not pn and not qty.strip():
            continue
        if not pn or len(pn) > limits.PART_NUMBER_LEN or not qty.strip().isdigit() \
                or not 1 <= int(qty) <= limits.MAX_QTY:
            return None
        lines.append({"part_number": pn, "qty": int(qty), "lot": lot.strip() or None})
    return lines


def _signature() -> bytes | None | bool:
    """The customer's signature drawn on the canvas, a PNG data URL; None when not drawn, False when malformed."""
    raw = request.form.get("signature") or ""
    if not raw:
        return None
    m = SIGNATURE.match(raw)
    if m is None:
        return False
    try:
        return base64.b64decode(m.group(1), validate=True)
    except ValueError:
        return False


@bp.route("/service/my-jobs/<ticket_no>/complete", methods=["POST"])
@permission_required("tickets.work")
def complete(ticket_no):
    form = CompleteForm()
    lines, signature = _part_lines(), _signature()
    if not form.validate_on_submit() or lines is None or signature is False:
        _bad_form()
        return my_jobs(status=400, form=form, open_no=ticket_no)
    key = (request.form.get("step_key") or "")[:64] or None
    who = _who()

    def run():
        t = service.complete(db.session, ticket_no=ticket_no, at=utcnow(), actor=who["actor"], parts_used=lines,
                             diagnosis=form.diagnosis.data, cause=form.cause.data or None,
                             labour_hours=str(form.labour_hours.data) if form.labour_hours.data is not None else None,
                             device="tablet", idempotency_key=f"web-complete-{key}" if key else None)
        if signature:  # kept with the ticket in the same transaction: no completion without its signature
            attachments.attach(db.session, owner_kind="ticket", owner_key=t.ticket_no,
                               filename=f"signature-{t.ticket_no}.png", data=signature, **who)
        return t.ticket_no

    done = post(run)
    if done is None:
        return my_jobs(status=409, form=form, open_no=ticket_no)
    flash(_("Job %(no)s completed.", no=done), "ok")
    return redirect(url_for("service.my_jobs"))


@bp.route("/service/sw.js")
@permission_required("tickets.work")
def service_worker():
    """The tablet page's service worker, served under /service/ so its scope covers "my jobs" (a worker's scope is
    the folder it is served from)."""
    resp = send_from_directory(current_app.static_folder, "js/service_worker.js", mimetype="text/javascript",
                               max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


# --- KPIs ---------------------------------------------------------------------------------------------------------

@bp.route("/service/kpis")
@permission_required("kpis.read")
def kpis():
    """The month's KPIs from the registry against the manager's targets, charts drawn on the server, a breakdown
    by agent, technician, station or region; managers set the month's targets here."""
    month = request.args.get("month") or utcnow().strftime("%Y-%m")
    by = request.args.get("by") or None
    status, error, k = 200, None, None
    try:
        k = queries.kpis(db.session, month=month, by=by)
    except DomainError as exc:
        status, error = render(exc)
        month, by = utcnow().strftime("%Y-%m"), None
    db.session.rollback()
    words = statement_words()
    labels = {name: words.get(kpi.label, kpi.label) + (f" ({words.get(kpi.unit, kpi.unit)})" if kpi.unit else "")
              for name, kpi in kpi_registry.REGISTRY.items()}
    dims = {"agent": _("Agent"), "technician": _("Technician"), "station": _("Station"), "region": _("Region")}
    return render_template("service/kpis.html", k=k, month=month, error=error, labels=labels, by=by, dims=dims,
                           may_set=current_user.can("kpis.targets")), status


@bp.route("/service/kpis/targets", methods=["POST"])
@permission_required("kpis.targets")
def kpi_targets():
    """Set the month's targets: rates typed as percentages, other KPIs in their unit; an empty field removes one."""
    month = request.form.get("month", "")
    values = {}
    for name, kpi in kpi_registry.REGISTRY.items():
        raw = request.form.get(f"t-{name}", None)
        if raw is None:
            continue
        raw = raw.strip()
        if raw and kpi.kind == "ratio":
            try:
                raw = str(Decimal(raw) / 100)
            except InvalidOperation:
                pass  # refused by the domain as not a decimal
        values[name] = raw or None
    if post(lambda: targets.set_targets(db.session, month=month, targets=values, actor=current_user.username)):
        flash(_("Targets saved."), "ok")
    ok_month = month if targets.MONTH.match(month or "") else ""
    return redirect(url_for("service.kpis", month=ok_month or None))


@bp.route("/service/kpis/chart.svg")
@permission_required("kpis.read")
def kpi_chart():
    """`kind=targets`: the month's rates against their targets; `kind=trend&kpi=…`: one KPI's last 12 months."""
    month = request.args.get("month") or utcnow().strftime("%Y-%m")
    words = statement_words()
    try:
        if request.args.get("kind") == "trend":
            name = request.args.get("kpi") or "repair_timeliness_rate"
            kpi = kpi_registry.get(name)
            points = targets.trend(db.session, name=name, month=month)
            scale = 100 if kpi.kind == "ratio" else 1
            drawn = Chart(words.get(kpi.label, kpi.label), [m for m, _a, _t in points],
                          [(_("Actual"), [None if a is None else a * scale for _m, a, _t in points]),
                           (_("Target"), [None if t is None else t * scale for _m, _a, t in points])], kind="line")
        else:
            card = targets.scorecard(db.session, month=month)
            rates = [e for e in card["kpis"] if e["kind"] == "ratio" and e["available"]]
            drawn = Chart(_("Rates against targets"),
                          [words.get(kpi_registry.REGISTRY[e["name"]].label, e["name"]) for e in rates],
                          [(_("Actual"), [round((e["value"] or 0) * 100, 2) for e in rates]),
                           (_("Target"), [round((e["target"] or 0) * 100, 2) for e in rates])], kind="hbar")
    except DomainError as exc:
        db.session.rollback()
        abort(render(exc)[0])
    db.session.rollback()
    return Response(svg(drawn, width=560, height=320, text_scale=1.6), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=60"})
