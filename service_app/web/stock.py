"""Stock pages: receive (onto a printable receipt note), issue, transfer, reverse a move, and the receipt note."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service_app.extensions import db
from service_app.web.common import bp, permission_required, post, who
from warehouse import limits
from warehouse.documents.services import get_document
from warehouse.ledger import queries, services as ledger


def _part_number():
    return StringField(_l("Part number"), validators=[DataRequired(), Length(max=limits.PART_NUMBER_LEN)])


def _bin(label):
    return StringField(label, validators=[DataRequired(), Length(max=limits.LOCATION_CODE_LEN)])


def _qty():
    return IntegerField(_l("Quantity"), validators=[DataRequired(), NumberRange(min=1, max=limits.MAX_QTY)])


class ReceiveForm(FlaskForm):
    part_number = _part_number()
    location = _bin(_l("Bin"))
    qty = _qty()
    unit_cost = DecimalField(_l("Unit cost"), places=limits.COST_PLACES, validators=[Optional(), NumberRange(min=0)])
    reference = StringField(_l("Reference (delivery note)"),
                            validators=[Optional(), Length(max=limits.REFERENCE_LEN)])
    document = StringField(_l("Add to receipt note"), validators=[Optional(), Length(max=limits.DOCUMENT_LEN)])
    submit = SubmitField(_l("Receive"))


class IssueForm(FlaskForm):
    part_number = _part_number()
    location = _bin(_l("Bin"))
    qty = _qty()
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=limits.REFERENCE_LEN)])
    submit = SubmitField(_l("Issue"))


class TransferForm(FlaskForm):
    part_number = _part_number()
    from_location = _bin(_l("From bin"))
    to_location = _bin(_l("To bin"))
    qty = _qty()
    submit = SubmitField(_l("Transfer"))


class ReverseForm(FlaskForm):
    """Also shown under the move lists of the part and bin pages."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Reverse"))


@bp.route("/stock/receive", methods=["GET", "POST"])
@permission_required("stock.receive")
def receive():
    form = ReceiveForm()
    if form.validate_on_submit():
        resp = post(lambda: ledger.receive(
            db.session, part_number=form.part_number.data, location=form.location.data, qty=form.qty.data,
            unit_cost=form.unit_cost.data, reference=form.reference.data or None,
            document=form.document.data or None, **who()),
            lambda posted: redirect(url_for("web.receipt", doc_no=posted.doc_no)))
        if resp is not None:
            flash(_("Received."), "ok")
            return resp
    return render_template("web/move_form.html", form=form, title=_("Receive parts"))


@bp.route("/stock/issue", methods=["GET", "POST"])
@permission_required("stock.issue")
def issue():
    form = IssueForm()
    if form.validate_on_submit():
        resp = post(lambda: ledger.issue(
            db.session, part_number=form.part_number.data, location=form.location.data, qty=form.qty.data,
            reference=form.reference.data or None, **who()),
            lambda posted: redirect(url_for("web.part", part_number=posted.part_number)))
        if resp is not None:
            flash(_("Issued."), "ok")
            return resp
    return render_template("web/move_form.html", form=form, title=_("Issue parts"))


@bp.route("/stock/transfer", methods=["GET", "POST"])
@permission_required("stock.transfer")
def transfer():
    form = TransferForm()
    if form.validate_on_submit():
        resp = post(lambda: ledger.transfer(
            db.session, part_number=form.part_number.data, from_location=form.from_location.data,
            to_location=form.to_location.data, qty=form.qty.data, **who()),
            lambda posted: redirect(url_for("web.part", part_number=posted.part_number)))
        if resp is not None:
            flash(_("Transferred."), "ok")
            return resp
    return render_template("web/move_form.html", form=form, title=_("Transfer between bins"))


@bp.route("/moves/<int:move_id>/reverse", methods=["POST"])
@permission_required("stock.reverse")
def reverse(move_id):
    form = ReverseForm()
    if form.validate_on_submit():
        if post(lambda: ledger.reverse(db.session, move_id=move_id, reason=form.reason.data, **who())) is not None:
            flash(_("Move %(id)s reversed.", id=move_id), "ok")
    return redirect(request.referrer or url_for("web.home"))


@bp.route("/receipts/<doc_no>")
@permission_required("stock.read")
def receipt(doc_no):
    doc = get_document(db.session, doc_no)
    if doc is None:
        abort(404, _("No such document."))
    return render_template("web/receipt.html", doc=doc, moves=queries.document_moves(db.session, doc_no=doc.doc_no))
