"""Dealer pages: the registry list, a dealer's account (balance, ageing, lines, statements, collection calls) for
finance and the order clerk, payments and adjustments (finance only), and the collections list (催款)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from service_app.extensions import db
from service_app.report_labels import statement_words
from service_app.web.common import permission_required, post
from warehouse import limits
from warehouse.db import utcnow
from warehouse.dealers import accounts, queries, services as dealers, statements
from warehouse.reports import render
from warehouse.reports import statements as reports

bp = Blueprint("dealers", __name__)


class PaymentForm(FlaskForm):
    amount = StringField(_l("Amount received"), validators=[DataRequired(), Length(max=20)])
    paid_on = DateField(_l("Paid on"), validators=[DataRequired()])
    reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=limits.REFERENCE_LEN)])
    invoice_no = StringField(_l("Settle invoice (empty: oldest first)"),
                             validators=[Optional(), Length(max=limits.DOCUMENT_LEN)])
    submit = SubmitField(_l("Record payment"))


class AdjustmentForm(FlaskForm):
    amount = StringField(_l("Amount (positive charges the dealer, negative credits it)"),
                         validators=[DataRequired(), Length(max=21)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Record adjustment"))


class CallForm(FlaskForm):
    note = StringField(_l("What was said"), validators=[DataRequired(), Length(max=limits.NOTE_LEN)])
    promised_on = DateField(_l("Payment promised on"), validators=[Optional()])
    submit = SubmitField(_l("Record call"))


class StatementForm(FlaskForm):
    month = StringField(_l("Month (YYYY-MM)"), validators=[DataRequired(), Length(min=7, max=7)])
    submit = SubmitField(_l("Issue statement"))


class AnswerForm(FlaskForm):
    answer = RadioField(_l("The outlet's answer"), choices=[("confirmed", _l("Confirmed")),
                                                              ("disputed", _l("Disputed"))], default="confirmed")
    disputed_amount = StringField(_l("Balance the outlet says it owes"), validators=[Optional(), Length(max=21)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Record answer"))


def kind_words() -> dict[str, str]:
    return {"invoice": _("Invoice"), "payment": _("Payment"), "warranty_credit": _("Warranty credit"),
            "return_credit": _("Return credit"), "adjustment": _("Adjustment"), "return_charge": _("Restocking charge")}


def bucket_words() -> dict[str, str]:
    return {"not_due": _("Not yet due"), "1_30": _("1–30 days"), "31_60": _("31–60 days"),
            "61_90": _("61–90 days"), "over_90": _("Over 90 days")}


def _form_errors(form) -> None:
    for field in form:
        for e in field.errors:
            flash(f"{field.label.text}: {e}", "error")


@bp.route("/dealers")
@permission_required("dealers.read")
def dealers_list():
    q = request.args.get("q", "")[:200]
    return render_template("dealers/list.html", rows=queries.search(db.session, q, limit=200), q=q)


@bp.route("/dealers/<code>")
@permission_required("dealers.read")
def account(code):
    dealer = dealers.get_dealer(db.session, code)
    return render_template("dealers/account.html", dealer=dealer, acct=accounts.account(db.session, dealer),
                           lines=accounts.entry_dicts(db.session, dealer), calls=queries.calls(db.session, dealer),
                           months=queries.months_with_lines(db.session, dealer), kinds=kind_words(),
                           issued=statements.statements_of(db.session, dealer=dealer),
                           statement_form=StatementForm(formdata=None), answer_form=AnswerForm(formdata=None),
                           buckets=bucket_words(), payment_form=PaymentForm(formdata=None),
                           adjustment_form=AdjustmentForm(formdata=None), call_form=CallForm(formdata=None))


@bp.route("/dealers/<code>/payments", methods=["POST"])
@permission_required("dealers.account")
def payment(code):
    form = PaymentForm()
    if form.validate_on_submit():
        allocations = [{"invoice_no": form.invoice_no.data.strip(), "amount": form.amount.data.strip()}] \
            if form.invoice_no.data and form.invoice_no.data.strip() else None
        done = post(lambda: accounts.record_payment(
            db.session, dealer=dealers.get_dealer(db.session, code), amount=form.amount.data.strip(),
            paid_on=form.paid_on.data, reference=form.reference.data or None, allocations=allocations,
            actor=current_user.username))
        if done is not None:
            flash(_("Payment recorded."), "ok")
    else:
        _form_errors(form)
    return redirect(url_for("dealers.account", code=code))


@bp.route("/dealers/<code>/adjustments", methods=["POST"])
@permission_required("dealers.account")
def adjustment(code):
    form = AdjustmentForm()
    if form.validate_on_submit():
        done = post(lambda: accounts.record_adjustment(
            db.session, dealer=dealers.get_dealer(db.session, code), amount=form.amount.data.strip(),
            reason=form.reason.data, actor=current_user.username))
        if done is not None:
            flash(_("Adjustment recorded."), "ok")
    else:
        _form_errors(form)
    return redirect(url_for("dealers.account", code=code))


@bp.route("/dealers/<code>/calls", methods=["POST"])
@permission_required("dealers.collect")
def call(code):
    form = CallForm()
    if form.validate_on_submit():
        done = post(lambda: accounts.record_call(
            db.session, dealer=dealers.get_dealer(db.session, code), note=form.note.data,
            promised_on=form.promised_on.data, actor=current_user.username))
        if done is not None:
            flash(_("Collection call recorded."), "ok")
    else:
        _form_errors(form)
    return redirect(url_for("dealers.account", code=code))


@bp.route("/collections")
@permission_required("dealers.read")
def collections():
    return render_template("dealers/collections.html", rows=accounts.collections(db.session),
                           buckets=bucket_words())


@bp.route("/dealers/<code>/statements", methods=["POST"])
@permission_required("dealers.account")
def issue_statement(code):
    form = StatementForm()
    if form.validate_on_submit():
        done = post(lambda: statements.issue(db.session, dealer=dealers.get_dealer(db.session, code),
                                             month=form.month.data.strip(), actor=current_user.username),
                    lambda st: st.statement_no)
        if done is not None:
            flash(_("Statement %(no)s issued.", no=done), "ok")
    else:
        _form_errors(form)
    return redirect(url_for("dealers.account", code=code))


@bp.route("/dealers/<code>/statements/<month>/answer", methods=["POST"])
@permission_required("dealers.collect")
def statement_answer(code, month):
    form = AnswerForm()
    if form.validate_on_submit():
        confirmed = form.answer.data == "confirmed"
        done = post(lambda: statements.record_answer(
            db.session, dealer=dealers.get_dealer(db.session, code), month=month, confirmed=confirmed,
            disputed_amount=None if confirmed else (form.disputed_amount.data or "").strip() or None,
            note=form.note.data or None, actor=current_user.username))
        if done is not None:
            flash(_("The outlet's answer is recorded."), "ok")
    else:
        _form_errors(form)
    return redirect(url_for("dealers.account", code=code))


@bp.route("/dealers/<code>/statements/<month>.pdf")
@permission_required("dealers.read")
def statement_pdf(code, month):
    """The month's statement: the `dealer-statement` report of the report base, always in Chinese (it goes to the
    outlet whatever the screen's language)."""
    dealer = dealers.get_dealer(db.session, code)
    today = utcnow().date()
    order = reports.prepare(name="dealer-statement", fmt="pdf", period={"month": month},
                            options={"dealer": dealer.code}, today=today)
    with force_locale("zh_CN"):
        words = statement_words()
    report = reports.build(db.session, order, words=words, printed_by=current_user.username, today=today)
    return Response(render(report, "pdf"), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=statement-{dealer.code}-{month}.pdf"})
