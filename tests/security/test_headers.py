"""Headers and cookies on every answer; JSON write endpoints take JSON bodies only; no inline script in templates."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "service_app" / "templates"


def test_security_headers_on_pages_and_the_api(client, auth):
    for path, status in (("/login", 200), ("/api/v1/openapi.json", 200), ("/api/v1/parts/NONE", 401),
                         ("/no-such-page", 404), ("/static/js/scan.js", 200)):
        r = client.get(path)
        assert r.status_code == status
        assert all(len(r.headers.getlist(h)) == 1 for h in ("Content-Security-Policy", "X-Frame-Options"))
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Referrer-Policy"] == "same-origin"


def _set_cookie(response) -> str:
    return next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))


def test_session_cookie_flags_over_http(client, auth):
    cookie = _set_cookie(auth.login("shipper"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_the_request_came_over_tls(client, auth):
    auth.headers("shipper")
    r = client.post("/login", data={"username": "u_shipper", "password": "password-123"}, base_url="https://x")
    assert "Secure" in _set_cookie(r)


def test_secure_cookie_behind_a_trusted_proxy(db_url):
    from service_app import create_app
    from service_app.extensions import db
    from tests.factories import make_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "TESTING": True, "SECRET_KEY": "s",
                      "WTF_CSRF_ENABLED": False, "TRUST_PROXY": 1})
    with app.app_context():
        make_user(db.session, username="li", role="shipper")
        db.session.commit()
    r = app.test_client().post("/login", data={"username": "li", "password": "password-123"},
                               headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _set_cookie(r)


def test_secure_cookie_setting_follows_the_url_scheme(monkeypatch, tmp_path):
    from service_app.config import from_env

    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    monkeypatch.setenv("SECRET_KEY", "x")
    assert from_env(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert from_env(str(tmp_path))["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_json_writes_refuse_other_bodies(client, auth, session, content_type):
    from sqlalchemy import func, select

    from warehouse.catalog.models import Part

    body = '{"part_number": "CT-1", "name": "x"}'
    r = client.post("/api/v1/parts", data=body, headers={**auth.headers("manager"), "Content-Type": content_type})
    assert r.status_code == 415 and r.json["error"]["code"] == "unsupported_media_type"
    assert session.scalar(select(func.count()).select_from(Part)) == 0
    session.rollback()
    ok = client.post("/api/v1/parts", data=body, headers={**auth.headers("manager"),
                                                           "Content-Type": "application/json"})
    assert ok.status_code == 201


def test_bodiless_actions_and_uploads_still_work(client, auth):
    h = auth.headers("manager")
    assert client.post("/api/v1/print-jobs/999/cancel", headers=h).status_code == 404  # no body: not refused
    r = client.post("/api/v1/scan/decode", data=b"\xff\xd8\xff", headers={**h, "Content-Type": "image/jpeg"})
    assert r.status_code != 415  # camera frames are documented as images


def test_no_inline_script_or_handler_in_any_template():
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in m.group():
                problems.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{path.name}: inline event handler")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            problems.append(f"{path.name}: inline style")
        if "javascript:" in text:
            problems.append(f"{path.name}: javascript: URL")
    assert problems == []


def test_a_bearer_call_sets_no_cookie_and_logout_deletes_it(client, auth):
    headers = auth.headers("new_store_clerk")
    client.delete_cookie("session")
    r = client.get("/api/v1/moves", headers=headers)
    assert r.status_code == 200
    assert "Set-Cookie" not in r.headers
    assert "session=" in _set_cookie(auth.login("shipper"))
    r = client.post("/logout")
    gone = _set_cookie(r)
    assert gone.startswith("session=;") and "Expires=Thu, 01 Jan 1970" in gone


def test_a_bearer_call_does_not_vary_on_a_cookie_and_a_signed_in_page_does(client, auth):
    headers = auth.headers("new_store_clerk")
    client.delete_cookie("session")
    for r in (client.get("/api/v1/moves", headers=headers),
              client.post("/api/v1/stock/issue", json={"part_number": "NONE", "location": "N-A01-01", "qty": 1},
                          headers=headers)):
        assert r.status_code in (200, 404) and "Cookie" not in r.headers.get("Vary", "")
    auth.login("shipper")
    r = client.get("/")
    assert r.status_code in (200, 302) and "Cookie" in r.headers.get("Vary", "")


def test_remember_me_marks_in_the_session_are_still_acted_on(app):
    """flask-login's after-request hook is skipped only for an empty session: a session that asks for the
    remember-me cookie to be set or cleared still gets it."""
    import flask

    from service_app.extensions import login

    for mark, expect in (("set", "remember_token=ab"), ("clear", "remember_token=;")):
        with app.test_request_context("/"):
            flask.session.update({"_remember": mark, "_user_id": "ab"})
            response = login._update_remember_cookie(app.response_class())
            assert response.headers.get("Set-Cookie", "").startswith(expect)
            assert "_remember" not in flask.session
    with app.test_request_context("/") as ctx:
        response = login._update_remember_cookie(app.response_class())
        assert "Set-Cookie" not in response.headers and not ctx._session.accessed  # (the proxy would mark it)
