"""Customer-care pages on field service: the service agent's call list (record each call: reached or not,
satisfied, score, notes), complaints to closure (the list, with the department manager's escalated view, and one
complaint with its response, handling opinion, result and closure), and the season dates the manager edits.
Writes go through `post()` to `warehouse.service.callbacks` / `complaints`, the use cases the API calls."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service_app.care_words import care_words, complaint_words, season_words, talk_text
from service_app.extensions import db
from service_app.names import person_label
from service_app.web.common import permission_required, post
from service_app.web.customer_fields import CustomerForm
from warehouse.accounts.queries import display_names
from warehouse.errors import DomainError
from warehouse.service import callbacks, clock, complaints

bp = Blueprint("service_care", __name__)


bp.add_app_template_global(care_words)  # the one `care_words()` of the care pages (service/ and care/)


class CallForm(FlaskForm):
    purpose = HiddenField(validators=[DataRequired()])
    ticket_no = HiddenField()
    serial = HiddenField()
    due_on = HiddenField()
    season = HiddenField()
    reached = RadioField(_l("Reached?"), choices=[SelectChoice("yes", _l("Reached")),
                                                  SelectChoice("no", _l("Not reached (try again)"))],
                         validators=[DataRequired()])
    satisfied = RadioField(_l("Satisfied?"), choices=[SelectChoice("yes", _l("Satisfied")),
                                                      SelectChoice("no", _l("Not satisfied: reopen"))],
                           validators=[Optional()])
    score = SelectField(_l("Score"), choices=[SelectChoice("", "—")] + [SelectChoice(str(n), str(n))
                                                                         for n in range(5, 0, -1)],
                        validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=callbacks.NOTES_LEN)])


class TextForm(FlaskForm):
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=complaints.TEXT_LEN)])


class CloseForm(FlaskForm):
    result = TextAreaField(_l("Result"), validators=[Optional(), Length(max=complaints.TEXT_LEN)])
    customer_answer = TextAreaField(_l("Customer's answer"), validators=[Optional(),
                                                                         Length(max=complaints.TEXT_LEN)])
    customer_accepts = RadioField(_l("Customer accepts the result?"),
                                  choices=[SelectChoice("yes", _l("Accepts")), SelectChoice("no", _l("Does not accept"))],
                                  validators=[Optional()])


class ComplaintForm(CustomerForm):
    """A complaint logged from the page: the same fields as `POST /api/v1/complaints`."""
    severity = SelectField(_l("Severity"), default="normal", validators=[DataRequired()])
    problem = StringField(_l("Problem (short: repeat and batch complaints are found by it)"),
                          validators=[Optional(), Length(max=complaints.PROBLEM_LEN)])
    responsible = SelectField(_l("Person responsible"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=4000)])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.severity.choices = [SelectChoice(s, complaint_words()["severity"][s]) for s in complaints.SEVERITIES]
        self.responsible.choices = _responsible_choices()


class AssignForm(FlaskForm):
    responsible = SelectField(_l("Person responsible"), validators=[DataRequired()])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.responsible.choices = _responsible_choices()


class IncidentForm(FlaskForm):
    incident_no = StringField(_l("Quality incident number"), validators=[DataRequired(), Length(max=32)])


def _responsible_choices() -> list[SelectChoice]:
    who = complaints.responsible_candidates(db.session)
    db.session.rollback()
    return [SelectChoice(u, person_label(name, u)) for u, name in who.items()]


class SeasonForm(FlaskForm):
    region = StringField(_l("Region (empty: every other region)"), validators=[Optional(), Length(max=64)])
    season = SelectField(_l("Season"), validators=[DataRequired()])
    start_month = IntegerField(_l("Starts: month"), validators=[DataRequired(), NumberRange(min=1, max=12)])
    start_day = IntegerField(_l("Starts: day"), validators=[DataRequired(), NumberRange(min=1, max=31)])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.season.choices = [SelectChoice(s, season_words()[s]) for s in callbacks.SEASONS]


# --- the call list ------------------------------------------------------------------------------------------------

def _calls_page(status: int = 200):
    entries = callbacks.call_list(db.session, with_customers=current_user.can("customers.read"))
    db.session.rollback()
    for e in entries:
        e["script"] = talk_text(e["talk"])
    return render_template("service/calls.html", entries=entries, today=clock.now().date(),
                           form=CallForm(formdata=None)), status


@bp.route("/service/calls")
@permission_required("tickets.write")
def calls():
    return _calls_page()


@bp.route("/service/calls/attempt", methods=["POST"])
@permission_required("tickets.write")
def call_attempt():
    form = CallForm()
    if not form.validate_on_submit() or form.purpose.data not in callbacks.PURPOSES:
        flash(_("Check the marked fields."), "error")
        return _calls_page(400)
    try:
        due_on = date.fromisoformat(form.due_on.data) if form.due_on.data else None
    except ValueError:
        abort(400)
    reached = form.reached.data == "yes"
    satisfied = {"yes": True, "no": False}.get(form.satisfied.data) if reached else None
    done = post(lambda: callbacks.record_call(
        db.session, actor=current_user.username, purpose=form.purpose.data, reached=reached,
        ticket_no=form.ticket_no.data or None, serial=form.serial.data or None, due_on=due_on,
        season=form.season.data or None, satisfied=satisfied,
        score=int(form.score.data) if reached and form.score.data else None, notes=form.notes.data or None))
    if done is None:
        return _calls_page(409)
    if not reached:
        flash(_("Not reached: the call stays on the list."), "ok")
    elif satisfied is False and form.purpose.data == "job":
        flash(_("Not satisfied: job %(no)s is reopened.", no=form.ticket_no.data), "ok")
    else:
        flash(_("Callback recorded."), "ok")
    return redirect(url_for("service_care.calls"))


# --- complaints -------------------------------------------------------------------------------------------------

@bp.route("/service/complaints")
@permission_required("complaints.write")
def complaint_list():
    escalated = request.args.get("escalated") == "1"
    open_only = request.args.get("open") == "1"
    rows = complaints.list_complaints(db.session, with_customer=current_user.can("customers.read"),
                                      escalated_only=escalated, open_only=open_only)
    people = display_names(db.session, {c["responsible"] for c in rows})
    db.session.rollback()
    return render_template("service/complaints.html", rows=rows, escalated=escalated, open_only=open_only,
                           now=clock.now(), people=people)


@bp.route("/service/complaints/new", methods=["GET", "POST"])
@permission_required("complaints.write")
def complaint_new():
    form = ComplaintForm()
    if request.method == "GET":
        form.responsible.data = current_user.username
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            done = post(lambda: complaints.ticket_no_of(db.session, complaints.log_complaint(
                db.session, actor=current_user.username, description=form.description.data,
                responsible=form.responsible.data, severity=form.severity.data, problem=form.problem.data or None,
                serial=form.serial_no(), customer=form.customer())))
            if done is not None:
                flash(_("Complaint %(no)s logged.", no=done), "ok")
                return redirect(url_for("service_care.complaint", ticket_no=done))
            status = 409
        else:
            flash(_("Check the marked fields."), "error")
            status = 400
    return render_template("service/complaint_new.html", form=form), status


def _complaint_page(ticket_no: str, status: int = 200):
    try:
        c = complaints.complaint_view(db.session, ticket_no, with_customer=current_user.can("customers.read"))
        people = display_names(db.session, [c["responsible"]])
    except DomainError:
        abort(404)
    finally:
        db.session.rollback()
    assign_form = AssignForm(formdata=None)
    assign_form.responsible.data = c["responsible"]
    return render_template("service/complaint.html", c=c, people=people, text_form=TextForm(formdata=None),
                           close_form=CloseForm(formdata=None), assign_form=assign_form,
                           incident_form=IncidentForm(formdata=None)), status


@bp.route("/service/complaints/<ticket_no>")
@permission_required("complaints.write")
def complaint(ticket_no):
    return _complaint_page(ticket_no)


_STEPS = {"respond": (complaints.respond, "text"), "opinion": (complaints.set_opinion, "opinion"),
          "result": (complaints.record_result, "result")}


@bp.route("/service/complaints/<ticket_no>/<step>", methods=["POST"])
@permission_required("complaints.write")
def complaint_step(ticket_no, step):
    if step == "close":
        form = CloseForm()
        if not form.validate_on_submit():
            flash(_("Check the marked fields."), "error")
            return _complaint_page(ticket_no, 400)
        action = lambda: complaints.close(  # noqa: E731
            db.session, ticket_no=ticket_no, actor=current_user.username, result=form.result.data or None,
            customer_answer=form.customer_answer.data or None,
            customer_accepts={"yes": True, "no": False}.get(form.customer_accepts.data))
    elif step == "assign":
        form = AssignForm()
        if not form.validate_on_submit():
            flash(_("Check the marked fields."), "error")
            return _complaint_page(ticket_no, 400)
        action = lambda: complaints.assign(  # noqa: E731
            db.session, ticket_no=ticket_no, actor=current_user.username, responsible=form.responsible.data)
    elif step == "incident":
        form = IncidentForm()
        if not form.validate_on_submit():
            flash(_("Check the marked fields."), "error")
            return _complaint_page(ticket_no, 400)
        action = lambda: complaints.link_incident(  # noqa: E731
            db.session, ticket_no=ticket_no, actor=current_user.username, incident_no=form.incident_no.data.strip())
    elif step in _STEPS:
        form = TextForm()
        if not form.validate_on_submit():
            flash(_("Check the marked fields."), "error")
            return _complaint_page(ticket_no, 400)
        fn, name = _STEPS[step]
        action = lambda: fn(db.session, ticket_no=ticket_no, actor=current_user.username,  # noqa: E731
                            **{name: form.text.data})
    else:
        abort(404)
    if post(action) is None:
        return _complaint_page(ticket_no, 409)
    flash(_("Complaint %(no)s updated.", no=ticket_no), "ok")
    return redirect(url_for("service_care.complaint", ticket_no=ticket_no))


# --- season dates -----------------------------------------------------------------------------------------------

@bp.route("/service/seasons", methods=["GET", "POST"])
@permission_required("service.configure")
def seasons():
    form = SeasonForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            done = post(lambda: callbacks.set_season(db.session, season=form.season.data,
                                                     start_month=form.start_month.data,
                                                     start_day=form.start_day.data, region=form.region.data))
            if done is not None:
                flash(_("Season dates saved."), "ok")
                return redirect(url_for("service_care.seasons"))
            status = 409
        else:
            flash(_("Check the marked fields."), "error")
            status = 400
    rows = callbacks.seasons(db.session)
    db.session.rollback()
    return render_template("service/seasons.html", rows=rows, form=form, defaults=callbacks.DEFAULT_SEASONS), status
