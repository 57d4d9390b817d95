from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from service_app.auth.identity import Actor, forget_session, remember_session
from service_app.error_messages import render
from service_app.extensions import db
from service_app.transactions import run_write
from warehouse import limits
from warehouse.accounts.errors import LoginLocked
from warehouse.accounts.sessions import end_session, start_session
from warehouse.accounts.signin import sign_in

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=limits.USERNAME_LEN)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=limits.PASSWORD_LEN)])
    submit = SubmitField(_l("Sign in"))


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths: an open redirect after login is a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        def attempt():
            result = sign_in(db.session, username=form.username.data, password=form.password.data,
                             client_ip=request.remote_addr)
            sid = start_session(db.session, user_id=result.user.id, client_ip=request.remote_addr) \
                if result.user is not None else None
            return result, sid

        # Committed whether or not the password was right: the failure count is what holds a guesser back.
        result, sid = run_write(db.session, lambda _key: attempt())
        if result.locked_for:
            flash(render(LoginLocked(retry_after=result.locked_for))[1], "error")
            return render_template("login.html", form=form), 429
        if result.user is None:
            flash(_("Wrong username or password."), "error")
        else:
            login_user(Actor(result.user))
            remember_session(sid, result.user.token_generation)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends this session on the server too: the cookie, or any copy of it, signs no one in any more."""
    sid = session.pop("sid", None)
    if isinstance(sid, str):
        run_write(db.session, lambda _key: end_session(db.session, sid=sid))
        forget_session(sid)
    session.pop("gen", None)
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST", "GET"])
def set_language(code: str):
    if code in ("zh_CN", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next") or request.referrer and urlsplit(request.referrer).path))
