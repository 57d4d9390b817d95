"""The home page: the user's tiles, and for the roles that handle batch-quality problems (managers, the customer
supervisor, quality) the parts failing faster than usual."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from service_app.extensions import db
from service_app.web.common import bp
from service_app.web.menu import may
from warehouse.warranty import quality


@bp.route("/")
@login_required
def home():
    alerts = quality.alerts(db.session) if may("warranty.alerts") else []
    return render_template("web/home.html", alerts=alerts)
