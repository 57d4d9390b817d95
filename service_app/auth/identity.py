from __future__ import annotations

import time
from functools import wraps

from flask import Flask, current_app, request, session
from flask_login import UserMixin, current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from service_app.extensions import csrf, db, login
from warehouse.accounts.queries import active_user
from warehouse.accounts.sessions import session_alive
from warehouse.accounts.roles import can
from warehouse.errors import DomainError, Forbidden


class Unauthorized(DomainError):
    code = "unauthorized"


class Actor(UserMixin):
    """The signed-in user as the web and API layers see it (a detached snapshot, not a live ORM row)."""

    def __init__(self, user):  # a warehouse.accounts User row
        self.id = user.id
        self.username = user.username
        self.role = user.role
        self.display_name = user.display_name or user.username
        self.locale = user.locale
        self.generation = user.token_generation

    def can(self, permission: str) -> bool:
        return can(self.role, permission)


_serializers: dict[str, URLSafeTimedSerializer] = {}


def _serializer() -> URLSafeTimedSerializer:
    """One per secret key, reused by every request (it derives its signing key once, not per bearer call)."""
    secret = current_app.config["SECRET_KEY"]
    ser = _serializers.get(secret)
    if ser is None:
        ser = _serializers[secret] = URLSafeTimedSerializer(secret, salt="api-token")
    return ser


def issue_token(user) -> str:
    return _serializer().dumps({"u": user.id, "g": user.token_generation})


def _load_active(user_id: int):
    return active_user(db.session, user_id)


# Bearer calls come every second or two per scanner; re-reading the user row each time costs a round trip. A user
# is re-read at most every ACTOR_TTL seconds per process, so deactivating a user or revoking tokens takes effect
# within that time.
ACTOR_TTL = 5.0
_actors: dict[tuple[str, int], tuple[float, Actor | None]] = {}


def _cached_actor(user_id: int) -> Actor | None:
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], user_id)
    hit = _actors.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < ACTOR_TTL:
        return hit[1]
    user = _load_active(user_id)
    actor = Actor(user) if user is not None else None
    _actors[key] = (now, actor)
    return actor


# Browser sessions are checked the same way: whether the session row is still open is re-read at most every
# ACTOR_TTL seconds per process; the process that ends a session forgets it at once (`forget_session`).
_sessions: dict[tuple[str, str], tuple[float, bool]] = {}


def _session_open(sid: str, user_id: int) -> bool:
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], sid)
    hit = _sessions.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < ACTOR_TTL:
        return hit[1]
    alive = session_alive(db.session, sid=sid, user_id=user_id)
    if len(_sessions) > 10_000:  # idle sessions of a long-running process: start over rather than grow
        _sessions.clear()
    _sessions[key] = (now, alive)
    return alive


def forget_session(sid: str) -> None:
    _sessions[(current_app.config["SQLALCHEMY_DATABASE_URI"], sid)] = (time.monotonic(), False)


def forget_actor() -> None:
    """After a change to a user: this process re-reads users at their next request (others within ACTOR_TTL)."""
    _actors.clear()


def remember_session(sid: str, generation: int) -> None:
    """After login_user(): the cookie carries the server-side session id and the user's generation."""
    session["sid"], session["gen"] = sid, generation


# A scanner sends the same token with every scan: its signature is verified once per process and secret, and the
# signing time kept, so that expiry is still checked on every call. Revocation is the generation check below.
_tokens: dict[tuple[str, str], tuple[float, object]] = {}


def _token_data(token: str):
    secret, max_age = current_app.config["SECRET_KEY"], current_app.config["API_TOKEN_MAX_AGE"]
    hit = _tokens.get((secret, token))
    if hit is None:
        try:
            data, signed = _serializer().loads(token, max_age=max_age, return_timestamp=True)
        except SignatureExpired:
            raise Unauthorized(reason="token_expired") from None
        except BadSignature:
            raise Unauthorized(reason="token_invalid") from None
        if len(_tokens) > 10_000:
            _tokens.clear()
        hit = _tokens[(secret, token)] = (signed.timestamp(), data)
    elif not 0 <= int(time.time()) - hit[0] <= max_age:  # itsdangerous's own rule: whole seconds
        raise Unauthorized(reason="token_expired")
    return hit[1]


def actor_from_token(token: str) -> Actor:
    data = _token_data(token)
    actor = _cached_actor(data["u"]) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if actor is None or data.get("g") != actor.generation:
        raise Unauthorized(reason="token_invalid")
    return actor


def api_actor() -> Actor:
    """Bearer token if given; else the web session (then the CSRF token is required for writes)."""
    # Cached on the request, not on `g`: an app context (and its `g`) can outlive one request.
    req = request._get_current_object()  # one context look-up, not one per attribute
    cached = req.environ.get("service_app.actor")
    if cached is not None:
        return cached
    header = req.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(reason="bad_scheme")
        actor = actor_from_token(token.strip())
    elif current_user.is_authenticated:
        if req.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        actor = current_user._get_current_object()
    else:
        raise Unauthorized()
    req.environ["service_app.actor"] = actor
    return actor


def require(permission: str):
    """Decorator for API views: authenticated and allowed, else 401/403 before any work is done."""

    def deco(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            actor = api_actor()
            if not actor.can(permission):
                raise Forbidden(role=actor.role, permission=permission)
            return fn(*args, **kwargs)

        wrapper.permission = permission
        return wrapper

    return deco


def init_identity(app: Flask) -> None:
    login.login_view = "auth.login"
    login.session_protection = "basic"

    @login.user_loader
    def _load(user_id: str):
        """A session cookie counts while its server-side session is open and the user's generation has not moved
        on (a password, role or active change) since it was made: a copied or stale cookie is no one."""
        actor = _cached_actor(int(user_id)) if user_id.isdigit() and len(user_id) < 19 else None
        sid = session.get("sid")
        if actor is None or not isinstance(sid, str) or session.get("gen") != actor.generation:
            return None
        return actor if _session_open(sid, actor.id) else None
