"""Sign-ins resist guessing: failures counted per name and per address in the database (so every process sees
them), a growing lock with a clear message and Retry-After, audit entries, an administrator's unlock; the password
policy on every password set."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from tests.factories import make_user
from warehouse.accounts import rules
from warehouse.audit.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/api/v1/auth/token"


def _user(app, username="wang", role="new_store_clerk"):
    from service_app.extensions import db

    with app.app_context():
        make_user(db.session, username=username, role=role)
        db.session.commit()


def test_forty_wrong_passwords_lock_the_name_and_the_right_one_then_waits(app, client, session):
    _user(app)
    answers = [client.post(TOKEN, json={"username": "wang", "password": f"guess-{i:04d}"}) for i in range(40)]
    assert [r.status_code for r in answers[:rules.USER_FREE_FAILURES - 1]] == [401] * (rules.USER_FREE_FAILURES - 1)
    assert {r.status_code for r in answers[rules.USER_FREE_FAILURES:]} == {429}
    locked = client.post(TOKEN, json={"username": "wang", "password": "password-123"},
                         headers={"Accept-Language": "en"})
    assert locked.status_code == 429 and locked.json["error"]["code"] == "login_locked"
    assert "Try again in" in locked.json["error"]["message"] and int(locked.headers["Retry-After"]) > 0
    zh = client.post(TOKEN, json={"username": "wang", "password": "password-123"})
    assert "登录失败次数过多" in zh.json["error"]["message"]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "login")).all()
    assert actions.count("login_failed") == rules.USER_FREE_FAILURES and "login_locked" in actions


def test_the_lock_grows_with_each_further_failure():
    locks = [rules.lock_after(n, free=5) for n in range(1, 30)]
    assert locks[:4] == [None] * 4
    seconds = [lock.total_seconds() for lock in locks[4:]]
    assert seconds == sorted(seconds) and seconds[0] == 30 and seconds[1] == 60 and max(seconds) == 15 * 60


def test_an_address_guessing_many_names_is_locked_too(app, client):
    for i in range(rules.IP_FREE_FAILURES):
        client.post(TOKEN, json={"username": f"nobody{i}", "password": "whatever-1"})
    _user(app)
    r = client.post(TOKEN, json={"username": "wang", "password": "password-123"})
    assert r.status_code == 429  # the address is locked, whatever name it tries next


def test_the_count_holds_across_processes(app, client, db_url):
    """A second application (another gunicorn worker or host) on the same database sees the lock."""
    from service_app import create_app

    _user(app)
    for _ in range(rules.USER_FREE_FAILURES):
        client.post(TOKEN, json={"username": "wang", "password": "not-it-at-all"})
    other = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "TESTING": True, "SECRET_KEY": "test-secret",
                        "WTF_CSRF_ENABLED": False}).test_client()
    r = other.post(TOKEN, json={"username": "wang", "password": "password-123"},
                   environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert r.status_code == 429


def test_the_login_page_is_limited_too_and_an_admin_unlocks(app, client, auth):
    _user(app)
    for _ in range(rules.USER_FREE_FAILURES):
        client.post("/login", data={"username": "wang", "password": "not-it-at-all"})
    r = client.post("/login", data={"username": "wang", "password": "password-123"})
    assert r.status_code == 429 and "登录失败次数过多" in r.get_data(as_text=True)
    admin = auth.headers("admin")
    assert client.post("/api/v1/auth/unlock", json={"username": "wang"}, headers=auth.headers("manager")
                       ).status_code == 403
    assert client.post("/api/v1/auth/unlock", json={"username": "wang"}, headers=admin).json == {"unlocked": 1}
    r = client.post("/login", data={"username": "wang", "password": "password-123"})
    assert r.status_code == 302


def test_unlock_from_the_command_line(app, client, runner):
    _user(app)
    for _ in range(rules.USER_FREE_FAILURES):
        client.post(TOKEN, json={"username": "wang", "password": "not-it-at-all"})
    out = runner.invoke(args=["unlock-login", "--user", "wang"])
    assert out.exit_code == 0 and "1 lock(s) lifted" in out.output
    assert client.post(TOKEN, json={"username": "wang", "password": "password-123"}).status_code == 200


def test_password_policy_on_create_user(sqlite_url):
    env = {"DATABASE_URL": sqlite_url, "SECRET_KEY": "t", "LANG": "C", "PATH": "/usr/bin:/bin"}
    flask = [sys.executable, "-m", "flask", "--app", "service_app", "create-user"]
    for password, reason in (("short-1", "10"), ("1234567890", "too common"), ("Zhang-1-zhangwei", "username"),
                             ("qwertyuiop", "too common"), ("aaaaaaaaaaaa", "too common")):
        out = subprocess.run(flask + ["zhangwei", "--role", "shipper", "--password", password], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode != 0 and reason in out.stderr, (password, out.stderr)
    ok = subprocess.run(flask + ["zhangwei", "--role", "shipper", "--password", "parts-and-service-7"], cwd=ROOT,
                        env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr


def test_password_policy_on_password_change(app, client, auth):
    h = auth.headers("technician")
    r = client.post("/api/v1/auth/password", json={"current_password": "password-123", "new_password": "password1234"},
                    headers={**h, "Accept-Language": "en"})
    assert r.status_code == 400 and "too common" in r.json["error"]["message"]
    r = client.post("/api/v1/auth/password", json={"current_password": "wrong-one-1", "new_password": "long-and-rare-9"},
                    headers=h)
    assert r.status_code == 400 and r.json["error"]["details"]["reason"] == "wrong_current_password"
    r = client.post("/api/v1/auth/password", json={"current_password": "password-123",
                                                   "new_password": "long-and-rare-9"}, headers=h)
    assert r.status_code == 200
    assert client.post(TOKEN, json={"username": "u_technician", "password": "long-and-rare-9"}).status_code == 200
