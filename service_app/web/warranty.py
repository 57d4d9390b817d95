"""Warranty pages: the technician's tablet page (scan or type a serial: in or out of warranty at one glance),
the batch-quality alerts for managers, the customer supervisor and the quality department, and the imports of sold
units and the part–model compatibility list (a dry run lists the bad rows; the import runs as a background job whose
page shows its progress)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from scanners.codes import classify
from service_app.error_messages import render
from service_app.extensions import csrf, db
from service_app.uploads import accepts_upload, read_upload
from service_app.web.common import permission_required, post
from service_app.web.menu import may
from warehouse import limits, scanning
from warehouse.errors import DomainError
from warehouse.db import utcnow
from warehouse.warranty import jobs as imports, queries, quality

bp = Blueprint("warranty", __name__)


def _resolve(code: str, serial: str | None) -> tuple[str | None, str | None, object]:
    """What a scan on the tablet page means: (serial, part_number, redirect). A claim tag opens the claim (its
    assessment for a technician); a part scanned while a unit is shown shows that part category's terms."""
    c = classify(code)
    if c.kind == "claim":
        target = "claims.assess_queue" if may("claims.assess_queue") else "claims.detail"
        if target == "claims.detail" and not may("claims.detail"):
            return code, None, None
        args = {"code": c.value} if target == "claims.assess_queue" else {"claim_no": c.value}
        return None, None, redirect(url_for(target, **args))
    if serial:
        try:
            found = scanning.lookup(db.session, code)
        except DomainError:
            found = None
        if found is not None and found.data["kind"] == "part":
            return serial, found.data["part_number"], None
    return code, None, None


@bp.route("/warranty")
@permission_required("warranty.read")
def lookup():
    """`?q=` a scanned or typed code, `?serial=` the unit, `?part_number=` a part category's terms."""
    q = (request.args.get("q") or "").strip()[:limits.SCAN_CODE_LEN]
    serial = (request.args.get("serial") or "").strip()[:40] or None
    part_number = (request.args.get("part_number") or "").strip()[:limits.PART_NUMBER_LEN] or None
    if q:
        serial, part_number, go = _resolve(q, serial)
        if go is not None:
            return go
    view, error, status = None, None, 200
    if serial:
        try:
            view = queries.tablet_view(db.session, serial, part_number=part_number,
                                       with_customer=current_user.can("customers.read"))
        except DomainError as exc:
            status, error = render(exc)
            if part_number and exc.code == "unknown_part":  # the unit is fine: show it without the part
                view = queries.tablet_view(db.session, serial, with_customer=current_user.can("customers.read"))
                status = 200
        db.session.rollback()
    return render_template("warranty/lookup.html", v=view, error=error, asked=serial,
                           camera=current_user.can("stock.read")), (status if status < 500 else 200)


@bp.route("/quality/alerts")
@permission_required("incidents.write")
def alerts():
    """Parts failing faster than usual (the rule in docs/warranty.md)."""
    return render_template("warranty/alerts.html", alerts=quality.alerts(db.session),
                           rule={"min": quality.ALERT_MIN, "factor": quality.ALERT_FACTOR, "days": quality.WINDOW,
                                 "baseline": quality.BASELINE})


def _reason_words() -> dict[str, str]:
    return {"bad_serial": _("not a serial number"), "bad_model": _("not a model code"),
            "bad_date": _("not a date"), "out_of_range": _("out of range"), "unknown_dealer": _("unknown dealer"),
            "not_integer": _("not a whole number"), "exists_with_other_data": _("already registered with other data"),
            "required": _("missing"), "unknown_part": _("unknown part"),
            "duplicate_in_file": _("twice in the file")}


def _column_words() -> dict[str, str]:
    return {"serial": _("Serial / VIN"), "model": _("Model"), "sold_on": _("Sale date"), "dealer": _("Dealer"),
            "usage": _("Usage"), "part_number": _("Part number")}


@bp.route("/warranty/import", methods=["GET", "POST"])
@accepts_upload
@permission_required("warranty.write")
def import_file():
    """Upload sold units or the compatibility list (CSV or XLSX): check only, or import in the background."""
    result, status = None, 200
    what = request.form.get("what") if request.form.get("what") in ("units", "fits") else "units"
    if request.method == "POST":
        storage = request.files.get("file")
        if not FlaskForm().validate_on_submit():  # the CSRF token
            flash(_("The form expired: load the page again."), "error")
            status = 400
        elif storage is None or not storage.filename:
            flash(_("Choose a CSV or XLSX file."), "error")
            status = 400
        else:
            data, today = read_upload(storage), utcnow().date()
            if request.form.get("dry_run"):
                try:
                    result = imports.dry_run(db.session, what=what, data=data, filename=storage.filename, today=today)
                except DomainError as exc:
                    flash(render(exc)[1], "error")
                    status = 400
                db.session.rollback()
            else:
                job = post(lambda: imports.queue_import(db.session, what=what, data=data, filename=storage.filename,
                                                        today=today, actor=current_user.username,
                                                        role=current_user.role).id)
                if job is not None:
                    flash(_("The import runs in the background: this page shows its progress."), "ok")
                    return redirect(url_for("jobs.page", job_id=job))
                status = 400
    return render_template("warranty/import.html", result=result, what=what, reasons=_reason_words(),
                           columns=_column_words()), status


csrf.exempt(import_file)  # the form's token is checked above, after @accepts_upload raised the body limit
