from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from service_app.error_messages import render
from service_app.extensions import db
from service_app.web.forms import IssueForm, ReceiveForm, ReverseForm, TransferForm
from warehouse.catalog.queries import get_part, search_parts
from warehouse.documents.services import get_document
from warehouse.errors import DomainError
from warehouse.ledger import queries, services as ledger
from warehouse.ledger.models import Move
from warehouse.locations.models import Location

bp = Blueprint("web", __name__)


def permission_required(permission: str):
    def deco(fn):
        @wraps(fn)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.can(permission):
                abort(403, _("Your role may not do this."))
            return fn(*args, **kwargs)

        return wrapper

    return deco


def _who() -> dict:
    return {"actor": current_user.username, "role": current_user.role, "device": "web"}


def _post(form, action, done):
    """Run one use case from a validated form: commit and redirect on success, flash the domain error otherwise."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(render(exc)[1], "error")
        return None
    return done(result)


@bp.route("/")
@login_required
def home():
    return render_template("web/home.html")


@bp.route("/scan")
@permission_required("stock.read")
def scan():
    return render_template("web/scan.html")


@bp.route("/parts")
@permission_required("catalog.read")
def parts():
    q = request.args.get("q", "").strip()[:64]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = search_parts(db.session, q or None, limit=50, offset=(page - 1) * 50)
    return render_template("web/parts.html", parts=found, q=q, page=page)


@bp.route("/parts/<part_number>")
@permission_required("catalog.read")
def part(part_number):
    p = get_part(db.session, part_number)
    moves = queries.history(db.session, part_number=p.part_number, limit=100)
    return render_template("web/part.html", part=p, stock=queries.stock_of_part(db.session, p.part_number),
                           moves=moves, reversed_ids=queries.reversed_among(db.session, [m.id for m in moves]),
                           reverse_form=ReverseForm())


@bp.route("/bins")
@permission_required("stock.read")
def bins():
    store = request.args.get("store", "NEW")
    rows = db.session.scalars(select(Location).where(Location.kind == "bin", Location.store == store)
                              .order_by(Location.code)).all()
    return render_template("web/bins.html", bins=rows, store=store)


@bp.route("/bins/<code>")
@permission_required("stock.read")
def bin_detail(code):
    stock = queries.stock_in_bin(db.session, code)
    moves = queries.history(db.session, location=code, limit=100)
    return render_template("web/bin.html", stock=stock, moves=moves,
                           reversed_ids=queries.reversed_among(db.session, [m.id for m in moves]),
                           reverse_form=ReverseForm())


@bp.route("/stock/receive", methods=["GET", "POST"])
@permission_required("stock.receive")
def receive():
    form = ReceiveForm()
    if form.validate_on_submit():
        resp = _post(form, lambda: ledger.receive(
            db.session, part_number=form.part_number.data, location=form.location.data, qty=form.qty.data,
            unit_cost=form.unit_cost.data, reference=form.reference.data or None,
            document=form.document.data or None, **_who()),
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
        resp = _post(form, lambda: ledger.issue(
            db.session, part_number=form.part_number.data, location=form.location.data, qty=form.qty.data,
            reference=form.reference.data or None, **_who()),
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
        resp = _post(form, lambda: ledger.transfer(
            db.session, part_number=form.part_number.data, from_location=form.from_location.data,
            to_location=form.to_location.data, qty=form.qty.data, **_who()),
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
        if _post(form, lambda: ledger.reverse(db.session, move_id=move_id, reason=form.reason.data, **_who()),
                 lambda posted: posted) is not None:
            flash(_("Move %(id)s reversed.", id=move_id), "ok")
    return redirect(request.referrer or url_for("web.home"))


@bp.route("/receipts/<doc_no>")
@permission_required("stock.read")
def receipt(doc_no):
    doc = get_document(db.session, doc_no)
    if doc is None:
        abort(404, _("No such document."))
    moves = db.session.scalars(select(Move).where(Move.doc_no == doc.doc_no).order_by(Move.id)).all()
    return render_template("web/receipt.html", doc=doc, moves=moves)
