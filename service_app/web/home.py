"""The home page."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from service_app.web.common import bp


@bp.route("/")
@login_required
def home():
    return render_template("web/home.html")
