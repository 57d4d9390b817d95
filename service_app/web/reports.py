"""The reports page: choose a statement, its period and format; the file is written by a background job (the page
lands on the job's progress page, which offers the download), so no web worker waits on a long statement. The
12-month trends of issues and failures are drawn on the server as SVG. Also the stock plan page: suggestions
turned into purchase requests, and the requests still expected."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from service_app.error_messages import render
from service_app.extensions import db
from service_app.report_labels import statement_words
from service_app.web.common import permission_required, post
from warehouse.db import utcnow
from warehouse.errors import DomainError, Forbidden, ValidationError
from warehouse.jobs import services as jobs
from warehouse.purchasing import queries as purchasing, services as purchase
from warehouse.reports import statements
from warehouse.reports.charts import svg

bp = Blueprint("reports", __name__)


def _choices() -> list[dict]:
    words = statement_words()
    return [{"name": st.name, "title": words.get(st.title, st.title), "periods": st.periods, "options": st.options}
            for st in statements.all_statements() if current_user.can(st.permission)]


def _page(status: int = 200, form: dict | None = None):
    today = utcnow().date()
    charts = [k for k, (_m, _f, perm) in statements.CHARTS.items() if current_user.can(perm)]
    return render_template("reports/index.html", choices=_choices(), form=form or {}, charts=charts,
                           this_month=f"{today:%Y-%m}"), status


@bp.route("/reports")
@permission_required("reports.read")
def index():
    return _page()


@bp.route("/reports", methods=["POST"])
@permission_required("reports.read")
def queue():
    """Check the request at once (a bad month or format is a 400 here, not a failed job), then queue it."""
    f = request.form
    today = utcnow().date()
    try:
        st = statements.get(f.get("name", ""))
        if not current_user.can(st.permission):
            raise Forbidden(role=current_user.role, permission=st.permission)
        kind = f.get("period_kind") or (st.periods[0] if st.periods else "")
        period = {kind: f.get(kind)} if kind else {}
        order = statements.prepare(name=st.name, fmt=f.get("format", ""), period=period,
                                   options={k: f.get(k) for k in st.options}, today=today)
        statements.check(db.session, order, today=today)  # e.g. an unknown dealer: refused here, not in the worker
    except DomainError as exc:
        db.session.rollback()
        status, message = render(exc)
        flash(message, "error")
        return _page(status if 400 <= status < 500 else 400, f)
    params = {**order.as_params(), "words": statement_words(), "printed_by": current_user.username}
    return post(lambda: jobs.enqueue(db.session, kind="statement", params=params, actor=current_user.username),
                lambda job: redirect(url_for("jobs.page", job_id=job.id))) or _page(400, f)


@bp.route("/reports/charts/<kind>.svg")
@permission_required("reports.read")
def chart(kind):
    if kind not in statements.CHARTS:
        abort(404)
    if not current_user.can(statements.CHARTS[kind][2]):
        abort(403)
    today = utcnow().date()
    try:
        drawn = statements.chart(db.session, kind, month=request.args.get("month") or f"{today:%Y-%m}",
                                 words=statement_words(), today=today)
    except ValidationError as exc:
        abort(400, render(exc)[1])
    return Response(svg(drawn), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})


@bp.route("/stock-plan")
@permission_required("purchasing.read")
def stock_plan():
    now = utcnow()
    rows = purchasing.stock_plan(db.session, until=now, only_suggested=request.args.get("all") != "1")
    return render_template("reports/stock_plan.html", rows=rows, show_all=request.args.get("all") == "1",
                           requests=purchasing.list_requests(db.session, limit=100),
                           statuses=request_statuses())


def request_statuses() -> dict:
    return {"open": _("Open"), "partial": _("Partly received"), "received": _("Received"),
            "cancelled": _("Cancelled")}


@bp.route("/stock-plan/requests", methods=["POST"])
@permission_required("purchasing.write")
def create_requests():
    """Turn the ticked suggestions into purchase requests (one per part, with the quantity typed on its row)."""
    lines = []
    for pn in request.form.getlist("part"):
        raw = request.form.get(f"qty-{pn}", "")
        if not raw.isdigit():
            flash(render(ValidationError(field="qty", reason="not_integer"))[1] + f" ({pn})", "error")
            return redirect(url_for("reports.stock_plan"))
        lines.append({"part_number": pn, "qty": int(raw)})
    done = post(lambda: purchase.create_requests(db.session, lines=lines, actor=current_user.username))
    if done:
        flash(_("Purchase requests created: %(numbers)s", numbers=", ".join(done)), "ok")
    return redirect(url_for("reports.stock_plan"))


@bp.route("/stock-plan/requests/<request_no>/cancel", methods=["POST"])
@permission_required("purchasing.write")
def cancel_request(request_no):
    if post(lambda: purchase.cancel_request(db.session, request_no=request_no, actor=current_user.username)):
        flash(_("Purchase request %(no)s cancelled.", no=request_no), "ok")
    return redirect(url_for("reports.stock_plan"))
