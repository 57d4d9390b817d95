"""The scan page: a bin, then parts; the page itself talks to the JSON API (`/api/v1/scan`) from the browser."""
from __future__ import annotations

from flask import render_template

from service_app.web.common import bp, permission_required


@bp.route("/scan")
@permission_required("stock.read")
def scan():
    return render_template("web/scan.html")


@bp.route("/scan/intake")
@permission_required("returned.intake")
def intake_scan():
    """The scan page opened in intake mode: the returned-parts clerk scans a claim tag, then a RETURNED bin."""
    return render_template("web/scan.html", start_mode="intake")
