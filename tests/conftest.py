"""Shared fixtures (Flask tutorial style): `app`, `client`, `runner`, `auth`, and database URLs.

SQLite: the schema is built once per test session by the real Alembic migrations, then each test gets its own copy
of that file (real commits, no shared state). PostgreSQL (`TEST_DATABASE_URL`): each test gets a fresh schema.
"""
from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import make_user

PG_URL = os.environ.get("TEST_DATABASE_URL")
NO_PG_REASON = "TEST_DATABASE_URL is not set: PostgreSQL tests need a server (see README)"


def _migrate(url: str) -> None:
    from service_app import create_app
    from service_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from warehouse.locations.services import ensure_virtual_locations

        ensure_virtual_locations(db.session)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _pg_reachable() -> bool:
    try:
        eng = create_engine(PG_URL)
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema with the full table set, dropped afterwards."""
    with fresh_pg_schema() as url:
        yield url


@contextmanager
def fresh_pg_schema():
    if not PG_URL:
        pytest.skip(NO_PG_REASON)
    if not _pg_reachable():
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    from warehouse.db import Base, make_engine
    import warehouse.models  # noqa: F401
    from warehouse.locations.services import ensure_virtual_locations

    eng = make_engine(url)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        ensure_virtual_locations(s)
        s.commit()
    eng.dispose()
    yield url
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request):
    """Runs a test on SQLite and again on PostgreSQL (skipped with a reason when there is none)."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def app(db_url):
    from service_app import create_app
    from service_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "WTF_CSRF_ENABLED": False,
                      # the test printers (labels.testprinter) listen on 127.0.0.1 at a free port
                      "PRINTER_TCP_ALLOW": ["127.0.0.1/32"], "PRINTER_TCP_PORTS": ["1024-65535"]})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A plain session on the app's engine, for arranging data and asserting on what requests committed."""
    from service_app.extensions import db

    # No app context stays pushed during the test: requests must each get their own (and their own `g`).
    with app.app_context():
        engine = db.engine
    s = sessionmaker(bind=engine, expire_on_commit=False)()
    yield s
    s.close()


@pytest.fixture
def engine_session(db_url):
    """A session on a fresh engine for domain tests that need no Flask app."""
    from warehouse.db import make_engine

    eng = make_engine(db_url)
    s = Session(eng, expire_on_commit=False)
    yield s
    s.close()
    eng.dispose()


class AuthActions:
    """`auth.headers("manager")` creates a user with that role (once) and returns bearer headers for it."""

    def __init__(self, app, client):
        self.app, self.client, self._tokens = app, client, {}

    def headers(self, role: str = "admin", username: str | None = None) -> dict:
        username = username or f"u_{role}"
        if username not in self._tokens:
            from service_app.extensions import db

            with self.app.app_context():
                make_user(db.session, username=username, role=role)
                db.session.commit()
            r = self.client.post("/api/v1/auth/token", json={"username": username, "password": "password-123"})
            assert r.status_code == 200, r.json
            self._tokens[username] = r.json["token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def login(self, role: str = "admin", username: str | None = None):
        username = username or f"u_{role}"
        self.headers(role, username)
        return self.client.post("/login", data={"username": username, "password": "password-123"})


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


# --- real browser against a real server -----------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app):
    """The app served by a real HTTP server on 127.0.0.1 (a thread), for the browser."""
    import threading

    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through the real CSRF protection
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def _playwright_browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_CHROMIUM"):
            pytest.fail(f"{CHROMIUM} is missing (REQUIRE_CHROMIUM is set)")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser):
    """A fresh browser context (cookies, storage) per test, sized like a 10-inch tablet."""
    # bypass_csp: Playwright evaluates string predicates (wait_for_function) with eval, which the app's CSP refuses;
    # the pages themselves are checked under the enforced CSP in tests/security/test_browser.py.
    context = _playwright_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN",
                                              bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
