"""Quality incident pages (批量质量问题) for the quality engineers, the customer supervisor and managers: the list,
opening one (from a batch-quality alert: the part, narrowed to a model, a sale period and the supplier lots), one
incident with the claims behind it, the lots its claims name and the part's lots received, the affected units (their
customers only for roles that read customer records), the decision and when customers were told, and a manager's
close. Thin views over warehouse.warranty.quality."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from service_app.error_messages import render
from service_app.extensions import db
from service_app.web.common import permission_required, post
from warehouse import limits
from warehouse.errors import DomainError
from warehouse.warranty import quality

bp = Blueprint("quality", __name__)

STATES = ("open", "closed")


def _state_words() -> dict[str, str]:
    return {"open": _("Open"), "closed": _("Closed")}


@bp.app_template_global()
def incident_state(status: str) -> str:
    return _state_words().get(status, status)


class IncidentForm(FlaskForm):
    part_number = StringField(_l("Part number"), validators=[DataRequired(), Length(max=limits.PART_NUMBER_LEN)])
    title = StringField(_l("What is wrong"), validators=[DataRequired(), Length(max=200)])
    model = StringField(_l("Model (empty: every model it failed on)"), validators=[Optional(), Length(max=40)])
    sold_from = DateField(_l("Sold from"), validators=[Optional()])
    sold_to = DateField(_l("Sold until"), validators=[Optional()])
    lots = StringField(_l("Supplier lots (comma-separated; empty: any)"), validators=[Optional(), Length(max=200)])


class DecisionForm(FlaskForm):
    decision = TextAreaField(_l("Decision"), validators=[DataRequired(), Length(max=4000)])
    customers_told_on = DateField(_l("Customers told on"), validators=[Optional()])


@bp.route("/quality/incidents")
@permission_required("quality.read")
def incidents():
    status = request.args.get("status")
    status = status if status in STATES else None
    form = IncidentForm(formdata=None, part_number=(request.args.get("part_number") or "")[:limits.PART_NUMBER_LEN])
    return render_template("quality/incidents.html", rows=quality.list_incidents(db.session, status=status),
                           status=status, states=STATES, form=form)


@bp.route("/quality/incidents/new", methods=["POST"])
@permission_required("incidents.write")
def open_incident():
    form = IncidentForm()
    if not form.validate_on_submit():
        flash(_("Check the marked fields."), "error")
        return render_template("quality/incidents.html", rows=quality.list_incidents(db.session), status=None,
                               states=STATES, form=form), 400
    lots = [x.strip() for x in (form.lots.data or "").replace("，", ",").split(",") if x.strip()]
    done = post(lambda: quality.open_incident(
        db.session, part_number=form.part_number.data.strip(), title=form.title.data,
        model=(form.model.data or "").strip().upper() or None, sold_from=form.sold_from.data,
        sold_to=form.sold_to.data, lots=lots, actor=current_user.username).incident_no)
    if done is None:
        return render_template("quality/incidents.html", rows=quality.list_incidents(db.session), status=None,
                               states=STATES, form=form), 400
    flash(_("Quality incident %(no)s opened.", no=done), "ok")
    return redirect(url_for("quality.incident", incident_no=done))


@bp.route("/quality/incidents/<incident_no>")
@permission_required("quality.read")
def incident(incident_no):
    try:
        inc = quality.incident_view(db.session, incident_no, with_customers=current_user.can("customers.read"),
                                    units_limit=1000)
    except DomainError as exc:
        status, message = render(exc)
        abort(status, message)
    return render_template("quality/incident.html", i=inc, form=DecisionForm(formdata=None, decision=inc["decision"]))


@bp.route("/quality/incidents/<incident_no>/decision", methods=["POST"])
@permission_required("incidents.write")
def decide(incident_no):
    form = DecisionForm()
    if form.validate_on_submit():
        done = post(lambda: quality.record_decision(db.session, incident_no=incident_no, decision=form.decision.data,
                                                    customers_told_on=form.customers_told_on.data).incident_no)
        if done is not None:
            flash(_("Decision recorded."), "ok")
    else:
        flash(_("Write the decision; the date is a day such as 2026-05-31."), "error")
    return redirect(url_for("quality.incident", incident_no=incident_no))


@bp.route("/quality/incidents/<incident_no>/close", methods=["POST"])
@permission_required("incidents.close")
def close(incident_no):
    if not FlaskForm().validate_on_submit():  # the CSRF token only
        abort(400)
    done = post(lambda: quality.close_incident(db.session, incident_no=incident_no,
                                               actor=current_user.username).incident_no)
    if done is not None:
        flash(_("Quality incident %(no)s closed.", no=done), "ok")
    return redirect(url_for("quality.incident", incident_no=incident_no))
