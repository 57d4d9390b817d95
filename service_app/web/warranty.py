"""Warranty pages: the technician's tablet page (scan or type a serial: in or out of warranty at one glance) and
the batch-quality alerts for managers, the customer supervisor and the quality department."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from scanners.codes import classify
from service_app.error_messages import render
from service_app.extensions import db
from service_app.web.common import permission_required
from service_app.web.menu import may
from warehouse import limits, scanning
from warehouse.errors import DomainError
from warehouse.warranty import queries, quality

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
