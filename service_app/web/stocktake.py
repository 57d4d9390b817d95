"""Stocktake, reconciliation and bin-card pages. Counters count blind (on the scan page in count mode, or by typing
here); managers open stocktakes, read the reconciliation, export it, approve or send lines back for recount."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service_app.extensions import db
from service_app.report_labels import report_labels
from service_app.web.common import permission_required, post, who
from warehouse import limits
from warehouse.jobs import services as jobs
from warehouse.reconciliation import export
from warehouse.reconciliation.queries import pending_approval, reconcile
from warehouse.reconciliation.rules import STATUSES
from warehouse.reports import MIME_TYPES
from warehouse.stocktake import cards, queries, services

bp = Blueprint("stocktake", __name__)


class OpenForm(FlaskForm):
    store = SelectField(_l("Store"), choices=[SelectChoice("NEW", _l("New-parts store")),
                                              SelectChoice("RETURNED", _l("Returned-parts store"))])
    locations = TextAreaField(_l("Bins (codes, one per line; empty: all)"), validators=[Optional(), Length(max=20000)])
    zone = StringField(_l("Zone"), validators=[Optional(), Length(max=limits.ZONE_LEN)])
    bin_from = StringField(_l("From bin"), validators=[Optional(), Length(max=limits.LOCATION_CODE_LEN)])
    bin_to = StringField(_l("To bin"), validators=[Optional(), Length(max=limits.LOCATION_CODE_LEN)])
    category = StringField(_l("Part category"), validators=[Optional(), Length(max=limits.CATEGORY_LEN)])
    plan = SelectField(_l("Plan"), choices=[
        SelectChoice("full", _l("All bins in scope")),
        SelectChoice("cycle", _l("Cycle count: parts due (fast movers more often)"))])
    blind = BooleanField(_l("Blind count (counters do not see expected quantities)"), default=True)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=limits.NOTE_LEN)])
    submit = SubmitField(_l("Open stocktake"))


class CountForm(FlaskForm):
    location = StringField(_l("Bin"), validators=[DataRequired(), Length(max=limits.LOCATION_CODE_LEN)])
    part_number = StringField(_l("Part number"), validators=[DataRequired(), Length(max=limits.PART_NUMBER_LEN)])
    physical = IntegerField(_l("Counted quantity"), validators=[NumberRange(min=0, max=limits.MAX_QTY)])
    card = IntegerField(_l("Card balance (paper card)"),
                        validators=[Optional(), NumberRange(min=0, max=limits.MAX_QTY)])
    submit = SubmitField(_l("Record count"))


class CardForm(FlaskForm):
    location = StringField(_l("Bin"), validators=[DataRequired(), Length(max=limits.LOCATION_CODE_LEN)])
    part_number = StringField(_l("Part number"), validators=[DataRequired(), Length(max=limits.PART_NUMBER_LEN)])
    submit = SubmitField(_l("Print bin card"))


def _words() -> dict[str, str]:
    """Status and cause codes in the reader's language."""
    return {"ok": _("OK"), "account_physical": _("Shelf differs from account and card"),
            "card_account": _("Card differs from account and shelf"),
            "card_physical": _("Account differs from card and shelf"), "all_differ": _("All three differ"),
            "not_counted": _("Not counted"), "wrong_bin": _("Found in another bin"), "miscount": _("Miscount?"),
            "unconfirmed_moves": _("Moves not confirmed on the card"),
            "moves_after_count": _("Moves after the count")}


def _captions() -> dict[str, str]:
    return {"location": _("Bin"), "part_number": _("Part number"), "name": _("Name"), "account": _("Account"),
            "card": _("Card"), "physical": _("Physical"), "status": _("Status"), "cause": _("Likely cause"),
            "value_diff": _("Value of difference"), "counter": _("Counter")}


@bp.route("/stocktakes", methods=["GET", "POST"])
@permission_required("stock.count")
def stocktakes():
    form = OpenForm()
    if request.method == "POST":
        if not current_user.can("stocktake.open"):
            abort(403, _("Your role may not do this."))
        if form.validate_on_submit():
            codes = form.locations.data.replace(",", " ").split() if form.locations.data else None
            resp = post(lambda: services.open_stocktake(
                db.session, store=form.store.data, actor=current_user.username, locations=codes,
                zone=form.zone.data or None, bin_from=form.bin_from.data or None, bin_to=form.bin_to.data or None,
                category=form.category.data or None, plan=form.plan.data, blind=form.blind.data,
                note=form.note.data or None),
                lambda st: redirect(url_for("stocktake.detail", stocktake_id=st.id)))
            if resp is not None:
                flash(_("Stocktake opened."), "ok")
                return resp
    return render_template("stocktake/list.html", form=form, card_form=CardForm(formdata=None),
                           stocktakes=queries.list_stocktakes(db.session))


@bp.route("/stocktakes/<int:stocktake_id>")
@permission_required("stock.count")
def detail(stocktake_id):
    st = queries.get_stocktake(db.session, stocktake_id)
    reveal = not st.blind or current_user.can("stocktake.open")
    sheet = queries.sheet(db.session, st, reveal=reveal, zone=request.args.get("zone") or None)
    return render_template("stocktake/detail.html", sheet=sheet, form=CountForm(formdata=None))


@bp.route("/stocktakes/<int:stocktake_id>/count", methods=["POST"])
@permission_required("stock.count")
def count(stocktake_id):
    form = CountForm()
    if form.validate_on_submit():
        if post(lambda: services.record_count(
                db.session, stocktake_id=stocktake_id, part_number=form.part_number.data,
                location=form.location.data, physical=form.physical.data, card=form.card.data, **who())) is not None:
            flash(_("Count recorded."), "ok")
    else:
        flash(_("Enter a bin, a part and a quantity of 0 or more."), "error")
    return redirect(url_for("stocktake.detail", stocktake_id=stocktake_id))


@bp.route("/stocktakes/<int:stocktake_id>/bins/<code>/done", methods=["POST"])
@permission_required("stock.count")
def bin_done(stocktake_id, code):
    if post(lambda: services.finish_bin(db.session, stocktake_id=stocktake_id, location=code, **who())) is not None:
        flash(_("Bin %(code)s counted.", code=code), "ok")
    return redirect(url_for("stocktake.detail", stocktake_id=stocktake_id))


@bp.route("/stocktakes/<int:stocktake_id>/approve", methods=["POST"])
@permission_required("stocktake.approve")
def approve(stocktake_id):
    done = post(lambda: services.approve(db.session, stocktake_id=stocktake_id, actor=current_user.username))
    if done is not None:
        flash(_("Approved: %(n)s adjustments posted.", n=len(done["adjustments"])), "ok")
        if done["state"] == "open" and not done["already_approved"]:  # what the list will show, and why
            flash(_("%(doc_no)s stays open: %(n)s lines await a recount.", doc_no=done["doc_no"],
                    n=done["awaiting_recount"] + len(done.get("held", []))), "ok")
        for line in done.get("held", []):
            flash(_("%(part_number)s in %(location)s was counted as %(physical)s, beyond any plausible quantity: "
                    "held back; send it for a recount.", **line), "error")
    return redirect(url_for("stocktake.reconciliation", stocktake=stocktake_id))


@bp.route("/stocktakes/<int:stocktake_id>/reject", methods=["POST"])
@permission_required("stocktake.approve")
def reject(stocktake_id):
    lines = [dict(zip(("location", "part_number"), v.split("|", 1))) for v in request.form.getlist("line")
             if "|" in v]
    if not lines:
        flash(_("Tick the lines to recount."), "error")
    elif (done := post(lambda: services.reject(db.session, stocktake_id=stocktake_id, lines=lines,
                                               actor=current_user.username))):
        flash(_("%(n)s lines sent back for recount.", n=done["rejected"]), "ok")
    return redirect(url_for("stocktake.reconciliation", stocktake=stocktake_id))


def _report_args() -> dict:
    args = {"store": request.args.get("store") or None, "stocktake": request.args.get("stocktake", type=int),
            "status": request.args.get("status") or None, "zone": request.args.get("zone") or None}
    if not args["store"] and not args["stocktake"]:
        args["store"] = "NEW"
    return args


RECON_PAGE = 30  # rows per page (the exports hold every row): 30 cards are ~4,700 px on an 800-px tablet, 40 were 6,900


@bp.route("/reconciliation")
@permission_required("reconciliation.read")
def reconciliation():
    args = _report_args()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    report = reconcile(db.session, **args, limit=RECON_PAGE, offset=(page - 1) * RECON_PAGE)
    shown = report["summary"].get(args["status"], 0) if args["status"] else sum(report["summary"].values())
    st = queries.get_stocktake(db.session, args["stocktake"]) if args["stocktake"] else None
    # What the approve button would post, for its confirmation (lines, units, value).
    pending = pending_approval(db.session, stocktake=st.id) \
        if st is not None and st.state == "open" and current_user.can("stocktake.approve") else None
    return render_template("stocktake/reconciliation.html", report=report, args=args, stocktake=st, pending=pending,
                           page=page, pages=max(1, -(-shown // RECON_PAGE)), rows_total=shown,
                           statuses=STATUSES, words=_words(),
                           open_stocktakes=queries.list_stocktakes(db.session, store=report["store"]))


def _title(report: dict) -> str:
    store = _("New-parts store") if report["store"] == "NEW" else _("Returned-parts store")
    st = f" · ST-{report['stocktake']}" if report["stocktake"] else ""
    return f"{_('Reconciliation: account / item / card')} · {store}{st}"


def _export(fmt: str) -> Response:
    """The report as XLSX or CSV (every row) or PDF (the first rows), with the reader's words in the page frame."""
    report = reconcile(db.session, **_report_args())
    common = {"title": _title(report), "captions": _captions(), "words": _words(), "labels": report_labels(),
              "printed_by": current_user.username}
    if fmt == "pdf":
        data = export.to_pdf(report, **common,
                             more_rows=_("The first {shown} of {total} rows are printed; filter, or export XLSX."))
        disposition = "inline"
    else:
        data = export.to_xlsx(report, **common) if fmt == "xlsx" else export.to_csv(report, **common)
        disposition = "attachment"
    return Response(data, mimetype=MIME_TYPES[fmt],
                    headers={"Content-Disposition": f"{disposition}; filename=reconciliation.{fmt}"})


@bp.route("/reconciliation.xlsx")
@permission_required("reconciliation.read")
def reconciliation_xlsx():
    return _export("xlsx")


@bp.route("/reconciliation.csv")
@permission_required("reconciliation.read")
def reconciliation_csv():
    return _export("csv")


@bp.route("/reconciliation.pdf")
@permission_required("reconciliation.read")
def reconciliation_pdf():
    return _export("pdf")


@bp.route("/reconciliation/export-job", methods=["POST"])
@permission_required("reconciliation.read")
def reconciliation_job():
    """Export (background): the worker builds the file, this request only queues it and lands on the job page."""
    fmt = request.form.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        abort(400)
    args = _report_args()
    store = args["store"] or queries.get_stocktake(db.session, args["stocktake"]).store
    params = {**args, "format": fmt, "title": _title({"store": store, "stocktake": args["stocktake"]}),
              "captions": _captions(), "words": _words(),
              "more_rows": _("The first {shown} of {total} rows are printed; filter, or export XLSX.")}
    return post(lambda: jobs.enqueue(db.session, kind="reconciliation_export", params=params,
                                     actor=current_user.username),
                lambda job: redirect(url_for("jobs.page", job_id=job.id))) or redirect(
        url_for("stocktake.reconciliation", **request.args))


@bp.route("/cards", methods=["POST"])
@permission_required("card.confirm")
def start_card():
    """Printing a card starts it: its opening balance is the account now (restarting a disagreeing card needs a
    manager)."""
    form = CardForm()
    if form.validate_on_submit():
        started = post(lambda: cards.start_card(db.session, location=form.location.data,
                                                part_number=form.part_number.data, actor=current_user.username,
                                                role=current_user.role))
        if started is not None:
            return redirect(url_for("stocktake.card_pdf", location=started["location"],
                                    part_number=started["part_number"]))
    return redirect(request.referrer or url_for("stocktake.stocktakes"))


@bp.route("/cards/<location>/<path:part_number>.pdf")
@permission_required("stock.read")
def card_pdf(location, part_number):
    data = cards.card_pdf(db.session, location=location, part_number=part_number)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=card-{location}.pdf"})
