"""The audit trail page (administrators): every recorded change and sign-in event, newest first, filtered by what
was changed, by whom and when; and lifting a sign-in lock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from service_app.extensions import db
from service_app.web.common import permission_required, post
from warehouse.accounts.signin import unlock
from warehouse.audit import queries as audit

bp = Blueprint("audit", __name__)

ACTIONS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted"), "read": _l("read"),
           "login_failed": _l("sign-in failed"), "login_locked": _l("sign-in locked"),
           "login_unlocked": _l("sign-in unlocked")}
PAGE = 100


def _day(name: str):
    text = (request.args.get(name) or "").strip()
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc) if text else None
    except ValueError:
        return None


@bp.route("/audit")
@permission_required("audit.read")
def trail():
    filters = {k: (request.args.get(k) or "").strip()[:100] or None for k in ("entity", "key", "actor", "action")}
    since, until = _day("since"), _day("until")
    entries = audit.entries(db.session, **filters, since=since, until=until + timedelta(days=1) if until else None,
                            before_id=request.args.get("before_id", type=int), limit=PAGE)
    more = dict(request.args, before_id=entries[-1].id) if len(entries) == PAGE else None
    return render_template("audit/trail.html", entries=entries, filters=filters, actions=ACTIONS, more=more,
                           since=request.args.get("since", ""), until=request.args.get("until", ""))


@bp.route("/audit/unlock", methods=["POST"])
@permission_required("users.manage")
def unlock_sign_in():
    username = (request.form.get("username") or "").strip()[:64] or None
    client_ip = (request.form.get("client_ip") or "").strip()[:64] or None
    if username or client_ip:
        post(lambda: unlock(db.session, username=username, client_ip=client_ip),
             lambda n: flash(_("%(n)s sign-in lock(s) lifted.", n=n), "ok"))
    return redirect(url_for("audit.trail", action="login_locked"))
