"""Protections every response and request gets, wired once by create_app():

- headers: a Content-Security-Policy without inline scripts (every script is a file under static/js), framing
  refused, no MIME sniffing, the referrer kept on this site;
- the session cookie: HttpOnly and SameSite=Lax always, Secure when the site is served over TLS (SESSION_COOKIE_SECURE,
  on by default when PREFERRED_URL_SCHEME=https, and per request when the request came over https, which behind a
  proxy needs TRUST_PROXY so that X-Forwarded-Proto is believed);
- JSON write endpoints take `Content-Type: application/json` bodies only (415 otherwise): a cross-site form can
  send text/plain or a urlencoded body without a preflight, never JSON. Endpoints that document other media types
  (multipart uploads, camera frames) take those;
- who is acting and from which address, for the audit trail (warehouse.audit.context).
"""
from __future__ import annotations

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from service_app.edge import FORM_MEDIA, BadInput
from warehouse.audit.context import Client, reset_client, set_client

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
_HEADERS_LOWER = tuple((name.lower(), name, value) for name, value in HEADERS.items())
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_MEDIA_OF_LOCATION = {"json": {"application/json"}, "files": {"multipart/form-data"},
                      "form": FORM_MEDIA}


class SessionInterface(SecureCookieSessionInterface):
    """Secure cookies when configured, and for any request that arrived over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request):
        """A request without a session cookie (a scanner's bearer call) gets an empty session without building the
        cookie's signing serializer first, nor parsing a Cookie header it does not have."""
        if app.secret_key and (not request.environ.get("HTTP_COOKIE")
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        """An empty session left as it was (a bearer call's) sets and deletes nothing: answer it without working out
        the cookie's name, domain, path and flags first, as Flask does; the rest is Flask's."""
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


_MEDIA: dict = {}  # view function → its accepted media types (decorators are fixed once the app is built)


def accepted_media(view) -> set[str]:
    """The body media types a view documents (flask-smorest @arguments and @doc(requestBody)); JSON by default."""
    types = _MEDIA.get(view)
    if types is None:
        types = _MEDIA[view] = _accepted_media(view)
    return types


def _accepted_media(view) -> set[str]:
    doc = getattr(view, "_apidoc", None) or {}
    types = set()
    for param in doc.get("arguments", {}).get("parameters", []):
        types |= _MEDIA_OF_LOCATION.get(param.get("in") or param.get("location"), set())
    body = doc.get("manual_doc", {}).get("requestBody", {})
    types |= set(body.get("content", {}))
    return types or {"application/json"}


def _check_media_type(app: Flask) -> None:
    req = request._get_current_object()  # one context look-up, not one per attribute: every call pays for them
    if req.method not in _WRITE_METHODS or not req.path.startswith("/api/"):
        return
    if not (req.content_length or req.headers.get("Transfer-Encoding")):
        return  # no body: actions such as approve and cancel
    view = app.view_functions.get(req.endpoint) if req.endpoint else None
    if view is not None and req.mimetype not in accepted_media(view):
        raise BadInput("unsupported_media_type", accepted=", ".join(sorted(accepted_media(view))))


def _with_security_headers(wsgi_app):
    """The headers above on every answer that does not set its own, added to the list the answer hands to the
    server. Added to the `Response` in an after-request hook instead, werkzeug checked each value again on every
    answer (the CSP's 250 characters through a regular expression): 0.6 % of an issue's instructions."""
    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            return start_response(status, headers + [(name, value) for lower, name, value in _HEADERS_LOWER
                                                     if lower not in present], exc_info)

        return wsgi_app(environ, start)

    return app


def _client() -> Client:
    actor = request.environ.get("service_app.actor") or g.get("_login_user")  # never loads a user mid-flush
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return Client(actor=actor.username if signed_in else None, role=actor.role if signed_in else None,
                  ip=request.remote_addr, user_agent=request.user_agent.string or None)


def init_security(app: Flask) -> None:
    if app.config.get("TRUST_PROXY"):
        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.session_interface = SessionInterface()
    app.wsgi_app = _with_security_headers(app.wsgi_app)

    @app.before_request
    def _security_before():
        g.audit_token = set_client(_client)
        _check_media_type(app)

    @app.teardown_request
    def _security_teardown(_exc):
        token = g.pop("audit_token", None)
        if token is not None:
            reset_client(token)

