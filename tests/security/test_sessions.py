"""Sessions end: logging out kills that session on the server (a copied cookie is dead), and a password, role or
active change ends every session and token of the user within ACTOR_TTL."""
from __future__ import annotations

import time

import pytest

from service_app.auth import identity


@pytest.fixture(autouse=True)
def no_actor_cache(monkeypatch):
    """Each request re-reads users and sessions, as another process does after ACTOR_TTL."""
    monkeypatch.setattr(identity, "ACTOR_TTL", 0.0)


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_is_dead_after_it(app, client, auth):
    assert auth.login("new_store_clerk").status_code == 302
    stolen = _cookie(client)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 200 and thief.get("/api/v1/parts").status_code == 200
    client.post("/logout")
    assert thief.get("/").status_code == 302  # to the login page
    assert thief.get("/api/v1/parts").status_code == 401


def test_logout_ends_only_that_session(app, client, auth):
    auth.login("new_store_clerk")
    tablet = app.test_client()
    tablet.post("/login", data={"username": "u_new_store_clerk", "password": "password-123"})
    client.post("/logout")
    assert tablet.get("/").status_code == 200


@pytest.mark.parametrize("change", [
    ("/api/v1/users/u_shipper", {"role": "technician"}),
    ("/api/v1/users/u_shipper", {"active": False}),
    ("/api/v1/users/u_shipper/password", {"new_password": "brand-new-secret-4"}),
])
def test_role_active_and_password_changes_end_every_session_and_token(app, client, auth, change):
    token = auth.headers("shipper")
    browser = app.test_client()
    browser.post("/login", data={"username": "u_shipper", "password": "password-123"})
    assert browser.get("/").status_code == 200 and client.get("/api/v1/parts", headers=token).status_code == 200
    path, body = change
    assert client.post(path, json=body, headers=auth.headers("admin")).status_code == 200
    assert browser.get("/").status_code == 302
    assert client.get("/api/v1/parts", headers=token).status_code == 401


def test_own_password_change_ends_own_sessions(app, client, auth):
    token = auth.headers("technician")
    browser = app.test_client()
    browser.post("/login", data={"username": "u_technician", "password": "password-123"})
    r = client.post("/api/v1/auth/password", json={"current_password": "password-123",
                                                   "new_password": "long-and-rare-9"}, headers=token)
    assert r.status_code == 200
    assert browser.get("/").status_code == 302 and client.get("/api/v1/parts", headers=token).status_code == 401


def test_within_the_cache_time_other_processes_follow(app, client, auth, monkeypatch):
    """With the cache on, a change made elsewhere reaches this process within ACTOR_TTL seconds."""
    monkeypatch.setattr(identity, "ACTOR_TTL", 0.5)
    token = auth.headers("shipper")
    assert client.get("/api/v1/parts", headers=token).status_code == 200
    from service_app.extensions import db
    from warehouse.accounts.services import set_active

    with app.app_context():  # "another process": this one's cache is not told
        set_active(db.session, username="u_shipper", active=False)
        db.session.commit()
    time.sleep(0.6)
    assert client.get("/api/v1/parts", headers=token).status_code == 401


def test_a_token_verified_once_still_expires_and_a_forged_one_is_refused(app, client, auth, monkeypatch):
    """A bearer token's signature is verified once per process (identity._tokens); its age is still checked on
    every call, and a token changed by one character is verified afresh and refused."""
    token = auth.headers("shipper")
    assert client.get("/api/v1/parts", headers=token).status_code == 200
    assert client.get("/api/v1/parts", headers=token).status_code == 200  # from the cache
    raw = token["Authorization"].split()[1]
    # A character inside the signature (the last one carries padding bits that base64 ignores).
    forged = raw[:-5] + ("A" if raw[-5] != "A" else "B") + raw[-4:]
    r = client.get("/api/v1/parts", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"
    later = time.time() + app.config["API_TOKEN_MAX_AGE"] + 2
    monkeypatch.setattr(identity.time, "time", lambda: later)
    r = client.get("/api/v1/parts", headers=token)
    assert r.status_code == 401 and r.json["error"]["details"]["reason"] == "token_expired"


def test_a_token_of_another_secret_is_not_taken_from_the_cache(app, client, auth):
    from service_app import create_app

    token = auth.headers("shipper")
    assert client.get("/api/v1/parts", headers=token).status_code == 200
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": True,
                        "SECRET_KEY": "another-secret", "WTF_CSRF_ENABLED": False})
    assert other.test_client().get("/api/v1/parts", headers=token).status_code == 401
