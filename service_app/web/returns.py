"""Dealer return pages: the list with its status filter and the form that registers a return (classified at once),
a return's page with the receiving form (bin, then each part scanned; the bin stays for the next scan) and the
manager's decision on an abnormal return."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service_app.extensions import db
from service_app.web.common import permission_required, post, who
from warehouse import limits
from warehouse.orders import queries, returns
from warehouse.orders.rules import RETURN_STATUSES

bp = Blueprint("returns", __name__)
FORM_LINES = 6


def status_words() -> dict[str, str]:
    return {"awaiting_receipt": _("Waiting to be received"), "negotiating": _("Under negotiation"),
            "received": _("Received and credited"), "rejected": _("Rejected, sent back"), "scrapped": _("Scrapped")}


def reason_words() -> dict[str, str]:
    return {"outside_window": _("outside the return window"), "damaged": _("damaged"),
            "not_ours": _("not shipped by us to this dealer")}


class ReturnForm(FlaskForm):
    dealer = StringField(_l("Dealer"), validators=[DataRequired(), Length(max=32)])
    order_no = StringField(_l("Shipped on order (empty: unknown)"), validators=[Optional(), Length(max=32)])
    note = StringField(_l("Why the dealer returns it"), validators=[Optional(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Register return"))


class ReceiveForm(FlaskForm):
    location = StringField(_l("Bin"), validators=[DataRequired(), Length(max=limits.LOCATION_CODE_LEN)])
    code = StringField(_l("Part (scan)"), validators=[DataRequired(), Length(max=limits.SCAN_CODE_LEN)])
    qty = IntegerField(_l("Qty"), default=1, validators=[DataRequired(), NumberRange(min=1, max=limits.MAX_QTY)])
    submit = SubmitField(_l("Receive"))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[
        SelectChoice("accept", _l("Accept (receive into stock, credit less the charge)")),
        SelectChoice("reject", _l("Reject and send back (no credit)")),
        SelectChoice("scrap", _l("Scrap (credit less the charge)"))])
    restocking_charge = StringField(_l("Restocking charge"), validators=[Optional(), Length(max=20)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Decide"))


def _typed_lines() -> list[dict]:
    out = []
    for pn, qty, cond in zip(request.form.getlist("part_number"), request.form.getlist("qty"),
                             request.form.getlist("condition")):
        if pn.strip():
            qty = qty.strip()
            out.append({"part_number": pn.strip(), "condition": cond,
                        "qty": int(qty) if qty.isascii() and qty.isdigit() and len(qty) < 10 else qty})
    return out


@bp.route("/returns", methods=["GET", "POST"])
@permission_required("orders.read")
def returns_list():
    form = ReturnForm()
    if request.method == "POST":
        if not current_user.can("dealer_returns.write"):
            abort(403, _("Your role may not do this."))
        if form.validate_on_submit():
            done = post(lambda: returns.register_return(
                db.session, dealer=form.dealer.data, order_no=form.order_no.data or None, lines=_typed_lines(),
                note=form.note.data or None, actor=current_user.username,
                window_days=current_app.config.get("RETURN_WINDOW_DAYS", limits.RETURN_WINDOW_DAYS)),
                lambda r: r.return_no)
            if done is not None:
                flash(_("Return %(no)s registered.", no=done), "ok")
                return redirect(url_for("returns.detail", return_no=done))
    status = request.args.get("status")
    status = status if status in RETURN_STATUSES else None
    return render_template("returns/list.html", rows=queries.list_returns(db.session, status=status), form=form,
                           status=status, statuses=RETURN_STATUSES, words=status_words(), reasons=reason_words(),
                           form_lines=FORM_LINES, typed=_typed_lines() if request.method == "POST" else [],
                           conditions=limits.RETURN_CONDITIONS)


@bp.route("/returns/<return_no>")
@permission_required("orders.read")
def detail(return_no):
    ret = queries.show_return(db.session, return_no)
    receive_form = ReceiveForm(formdata=None, location=request.args.get("bin", ""))
    return render_template("returns/detail.html", ret=ret, words=status_words(), reasons=reason_words(),
                           receive_form=receive_form, decision_form=DecisionForm(formdata=None))


@bp.route("/returns/<return_no>/receive", methods=["POST"])
@permission_required("dealer_returns.receive")
def receive(return_no):
    form = ReceiveForm()
    if form.validate_on_submit():
        done = post(lambda: returns.receive_return(db.session, return_no=return_no, code=form.code.data.strip(),
                                                   location=form.location.data.strip(), qty=form.qty.data, **who()))
        if done is not None:
            flash(_("%(part)s into %(bin)s: %(got)s of %(expected)s received.", part=done["part_number"],
                    bin=done["location"], got=done["received"], expected=done["expected"]), "ok")
    else:
        flash(_("Scan a bin and a part; the quantity is 1 or more."), "error")
    return redirect(url_for("returns.detail", return_no=return_no, bin=form.location.data or ""))


@bp.route("/returns/<return_no>/decision", methods=["POST"])
@permission_required("dealer_returns.decide")
def decision(return_no):
    form = DecisionForm()
    if form.validate_on_submit():
        done = post(lambda: returns.decide(db.session, return_no=return_no, decision=form.decision.data,
                                           restocking_charge=form.restocking_charge.data.strip() or None,
                                           note=form.note.data or None, actor=current_user.username))
        if done is not None:
            flash(_("Decision recorded."), "ok")
    else:
        flash(_("Check the decision and the restocking charge."), "error")
    return redirect(url_for("returns.detail", return_no=return_no))
