"""Returned-parts store pages (旧件库): what the store holds, classified and filtered by supplier, part, failure cause
and bin; the disputes over abnormal intakes (shortfall, wrong part, part missing) with the manager's close. Thin
views over warehouse.warranty.queries and warehouse.warranty.disputes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from service_app.extensions import db
from service_app.web.common import permission_required, post
from warehouse import limits
from warehouse.warranty import disputes, queries, rules

bp = Blueprint("returned", __name__)


def _kind_words() -> dict[str, str]:
    return {"shortfall": _("Fewer parts than claimed"), "wrong_part": _("Wrong part"),
            "part_missing": _("Part missing")}


@bp.app_template_global()
def dispute_kind(kind: str) -> str:
    return _kind_words().get(kind, kind)


@bp.route("/returned/store")
@permission_required("returned.read")
def store():
    args = {k: (request.args.get(k) or "").strip()[:40] or None for k in ("supplier", "part_number", "location")}
    cause = request.args.get("cause")
    args["cause"] = cause if cause in rules.CAUSES else None
    return render_template("returned/store.html", rows=queries.returned_store(db.session, limit=500, **args),
                           args=args, causes=rules.CAUSES)


@bp.route("/returned/disputes")
@permission_required("returned.read")
def disputes_list():
    status = request.args.get("status")
    status = status if status in disputes.STATUSES else None
    return render_template("returned/disputes.html", rows=disputes.list_disputes(db.session, status=status),
                           status=status, statuses=disputes.STATUSES)


@bp.route("/returned/disputes/<dispute_no>/close", methods=["POST"])
@permission_required("disputes.close")
def close_dispute(dispute_no):
    resolution = (request.form.get("resolution") or "")[:2000]
    done = post(lambda: disputes.close_dispute(db.session, dispute_no=dispute_no, resolution=resolution,
                                               actor=current_user.username).dispute_no)
    if done is not None:
        flash(_("Dispute %(no)s closed.", no=done), "ok")
    return redirect(url_for("returned.disputes_list", _anchor=f"d-{dispute_no[:limits.DOCUMENT_LEN]}"))
