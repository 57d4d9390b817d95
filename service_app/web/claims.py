"""Claim pages: the claim form (order clerk, returned-parts clerk), the list with filters, one claim with its history,
photos and the actions each role may take: the technician assesses by scanning the tag, the quality department
confirms (pending_quality), a manager decides a rejection above the limit (pending_manager). Also the intake
receipt (旧件入库单) printed after the returned-parts clerk takes a part in on the scan page."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DecimalField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from scanners.codes import classify
from service_app.error_messages import render
from service_app.extensions import csrf, db
from service_app.uploads import accepts_upload, read_upload
from service_app.web.common import permission_required, post
from service_app.web.menu import may
from warehouse import limits
from warehouse.attachments import services as attachments
from warehouse.errors import DomainError
from warehouse.printing import services as printing
from warehouse.warranty import queries, rules, services as warranty

bp = Blueprint("claims", __name__)

STATES = ("filed", "pending_quality", "pending_manager", "approved", "rejected", "charged")


def _state_words() -> dict[str, str]:
    return {"filed": _("Waiting for assessment"), "pending_quality": _("Waiting for quality confirmation"),
            "pending_manager": _("Waiting for manager approval"), "approved": _("Claim approved"),
            "rejected": _("Rejected"), "charged": _("Charged to customer")}


def _cause_words() -> dict[str, str]:
    return {"quality": _("Quality defect"), "human": _("Human damage"), "wear": _("Normal wear"),
            "installation": _("Installation")}


def _decision_words() -> dict[str, str]:
    return {"approve": _("Approve"), "reject": _("Reject"), "charge": _("Charge the customer")}


def _warranty_words() -> dict[str, str]:
    return {"in_warranty": _("In warranty"), "expired": _("Out of warranty"), "no_policy": _("No warranty policy")}


@bp.app_template_global()
def claim_state(status: str) -> str:
    return _state_words().get(status, status)


@bp.app_template_global()
def claim_words() -> dict:
    return {"cause": _cause_words(), "decision": _decision_words(), "warranty": _warranty_words(),
            "state": _state_words(),
            "step": {"filed": _("Filed"), "assessed": _("Assessed"), "confirmed": _("Confirmed"),
                     "taken_in": _("Taken into the returned-parts store")}}


class ClaimForm(FlaskForm):
    serial = StringField(_l("Unit serial / VIN"), validators=[DataRequired(), Length(max=40)])
    dealer = StringField(_l("Dealer or repair station code"), validators=[DataRequired(), Length(max=32)])
    part_number = StringField(_l("Failed part number"),
                              validators=[DataRequired(), Length(max=limits.PART_NUMBER_LEN)])
    qty = IntegerField(_l("Quantity"), default=1, validators=[DataRequired(), NumberRange(min=1, max=limits.MAX_QTY)])
    labour_hours = DecimalField(_l("Labour hours"), places=2, default=Decimal("0"),
                                validators=[Optional(), NumberRange(min=0, max=warranty.MAX_HOURS)])
    failure = TextAreaField(_l("Failure description"), validators=[DataRequired(), Length(max=2000)])
    lot = StringField(_l("Lot on the failed part (if legible)"), validators=[Optional(), Length(max=limits.LOT_LEN)])
    photo = FileField(_l("Photo of the failed part (optional)"))


class AssessForm(FlaskForm):
    cause = RadioField(_l("Failure cause"), choices=[SelectChoice(c, c) for c in rules.CAUSES], validators=[DataRequired()])
    decision = RadioField(_l("Decision"), choices=[SelectChoice(d, d) for d in rules.DECISIONS], validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("Photo (optional)"))


class ConfirmForm(FlaskForm):
    agree = RadioField(choices=[SelectChoice("yes", "yes"), SelectChoice("no", "no")], validators=[DataRequired()])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=2000)])


def _photo(form_field, claim_no: str, who_: dict) -> None:
    """Attach the form's photo, if one was chosen, in the same transaction as the claim or assessment: a file that
    is not an image (or too large) refuses the whole form, nothing written."""
    storage = form_field.data
    if storage is not None and getattr(storage, "filename", ""):
        attachments.attach(db.session, owner_kind="claim", owner_key=claim_no, filename=storage.filename,
                           data=read_upload(storage), actor=who_["actor"], role=who_["role"])


def _who() -> dict:
    from flask_login import current_user

    return {"actor": current_user.username, "role": current_user.role}


def _form_errors(form) -> None:
    flash(_("Check the marked fields."), "error")


# --- list ----------------------------------------------------------------------------------------------------------

def _list(title: str, *, status=None, fixed: bool = False):
    args = {k: (request.args.get(k) or "").strip()[:40] or None for k in queries.CLAIM_FILTERS}
    if status is not None:
        args["status"] = status
    elif args["status"] not in STATES:
        args["status"] = None
    if args["warranty_status"] not in (None, "in_warranty", "expired", "no_policy", "out"):
        args["warranty_status"] = None
    claims = queries.claim_list(db.session, **args)
    return render_template("claims/list.html", claims=claims, title=title, args=args, states=STATES, fixed=fixed)


@bp.route("/claims")
@permission_required("claims.read")
def claims():
    return _list(_("Warranty claims"))


@bp.route("/claims/to-confirm")
@permission_required("claims.confirm")
def to_confirm():
    return _list(_("Claims waiting for quality confirmation"), status="pending_quality", fixed=True)


@bp.route("/claims/to-decide")
@permission_required("claims.approve")
def to_decide():
    return _list(_("Rejections waiting for manager approval"), status="pending_manager", fixed=True)


# --- the claim form --------------------------------------------------------------------------------------------------

@bp.route("/claims/new", methods=["GET", "POST"])
@accepts_upload
@permission_required("claims.write")
def new():
    form = ClaimForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            who_ = _who()

            def run():
                url = printing.allowed_printer(db.session, request.form.get("printer"),
                                               default=current_app.config["PRINTER_URL"])
                claim = warranty.file_claim(
                    db.session, serial=form.serial.data, dealer=form.dealer.data.strip().upper(),
                    part_number=form.part_number.data.strip(), qty=form.qty.data, failure=form.failure.data,
                    labour_hours=str(form.labour_hours.data or 0), actor=who_["actor"], label_printer=url,
                    lot=(form.lot.data or "").strip() or None)
                _photo(form.photo, claim.claim_no, who_)
                return claim.claim_no, claim.warranty_status

            done = post(run)
            if done is not None:
                claim_no, wstatus = done
                flash(_("Claim %(no)s filed; its tag is in the print queue.", no=claim_no), "ok")
                if wstatus != "in_warranty":
                    flash(_("The unit is not in warranty: the claim is accepted and marked."), "error")
                return redirect(url_for("claims.detail", claim_no=claim_no))
        else:
            _form_errors(form)
        status = 400
    return render_template("claims/new.html", form=form), status


csrf.exempt(new)  # FlaskForm checks the token itself, after @accepts_upload raised the body limit


# --- one claim -------------------------------------------------------------------------------------------------------

def _claim_or_404(claim_no: str) -> dict:
    try:
        return queries.claim_page(db.session, claim_no)
    except DomainError as exc:
        abort(render(exc)[0], render(exc)[1])


@bp.route("/claims/<claim_no>")
@permission_required("claims.read")
def detail(claim_no):
    claim = _claim_or_404(claim_no)
    return render_template("claims/detail.html", c=claim, confirm_form=ConfirmForm(formdata=None))


# --- assessment: the technician scans the tag ------------------------------------------------------------------------

@bp.route("/claims/assess")
@permission_required("claims.assess")
def assess_queue():
    """Scan a claim's tag (or pick it from the queue) to open its assessment form."""
    code = (request.args.get("code") or "").strip()[:limits.SCAN_CODE_LEN]
    claim, error = None, None
    if code:
        c = classify(code)
        try:
            claim = queries.claim_page(db.session, c.value)
        except DomainError as exc:
            error = render(exc)[1]
        if claim is not None and claim["status"] != "filed":
            error = _("Claim %(no)s is not waiting for assessment (%(state)s).", no=claim["claim_no"],
                      state=claim_state(claim["status"]))
    queue = queries.claim_list(db.session, status="filed", limit=100)
    form = AssessForm(formdata=None)
    return render_template("claims/assess.html", claim=claim if claim and not error else None, shown=claim,
                           error=error, queue=queue, form=form), (400 if error else 200)


@bp.route("/claims/<claim_no>/assess", methods=["POST"])
@accepts_upload
@permission_required("claims.assess")
def assess(claim_no):
    form = AssessForm()
    if form.validate_on_submit():
        who_ = _who()
        limit = current_app.config.get("CLAIM_REJECT_APPROVAL_ABOVE")

        def run():
            claim = warranty.assess(db.session, claim_no=claim_no, cause=form.cause.data,
                                    decision=form.decision.data, notes=form.notes.data, actor=who_["actor"],
                                    reject_limit=Decimal(str(limit)) if limit is not None else None)
            _photo(form.photo, claim.claim_no, who_)
            return claim.claim_no, claim.status

        done = post(run)
        if done is not None:
            flash(_("Claim %(no)s assessed: %(state)s.", no=done[0], state=claim_state(done[1])), "ok")
            return redirect(url_for("claims.assess_queue"))
    else:
        _form_errors(form)
    claim = None
    try:
        claim = queries.claim_page(db.session, claim_no)
    except DomainError as exc:
        abort(render(exc)[0], render(exc)[1])
    return render_template("claims/assess.html", claim=claim, shown=claim, error=None, form=form,
                           queue=queries.claim_list(db.session, status="filed", limit=100)), 400


csrf.exempt(assess)


def _confirm(claim_no: str, step: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        agree = form.agree.data == "yes"
        done = post(lambda: warranty.confirm(db.session, claim_no=claim_no, agree=agree, notes=form.notes.data,
                                             step=step, actor=_who()["actor"]).status)
        if done is not None:
            flash(_("Claim %(no)s: %(state)s.", no=claim_no, state=claim_state(done)), "ok")
            return redirect(url_for("claims.detail", claim_no=claim_no))
    else:
        _form_errors(form)
    return redirect(url_for("claims.detail", claim_no=claim_no))


@bp.route("/claims/<claim_no>/confirm", methods=["POST"])
@permission_required("claims.confirm")
def confirm(claim_no):
    return _confirm(claim_no, "pending_quality")


@bp.route("/claims/<claim_no>/decide", methods=["POST"])
@permission_required("claims.approve")
def decide(claim_no):
    return _confirm(claim_no, "pending_manager")


# --- the intake receipt ----------------------------------------------------------------------------------------------

@bp.route("/returned/receipts/<doc_no>")
@permission_required("claims.read")
def intake_receipt(doc_no):
    receipt = queries.intake_receipt(db.session, doc_no)
    if receipt is None:
        abort(404, _("There is no intake receipt %(doc_no)s.", doc_no=doc_no[:40]))
    return render_template("claims/intake_receipt.html", r=receipt)


@bp.route("/returned/receipts/<doc_no>/confirmation", methods=["POST"])
@permission_required("returned.intake")
def confirm_receipt(doc_no):
    """The dealer confirmed the receipt (by phone or on the signed copy): who at the dealer."""
    if not FlaskForm().validate_on_submit():  # the CSRF token only
        abort(400)
    who_ = (request.form.get("confirmed_by") or "")[:200]
    done = post(lambda: warranty.confirm_intake(db.session, doc_no=doc_no, confirmed_by=who_,
                                                actor=_who()["actor"]).intake_doc_no)
    if done is not None:
        flash(_("The dealer's confirmation of %(no)s is recorded.", no=done), "ok")
    return redirect(url_for("claims.intake_receipt", doc_no=doc_no[:40]))
