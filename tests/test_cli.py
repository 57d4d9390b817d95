"""Command line (CONTRACT §3): init-db, seed-demo (idempotent), create-user, check-ledger."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from warehouse.accounts.models import User
from warehouse.catalog.models import Part
from warehouse.ledger.models import Move

ROOT = Path(__file__).resolve().parent.parent


def flask(args, db_url, check=True):
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "cli-test"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "service_app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=check, timeout=120)


def test_init_db_seed_demo_and_check_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert "schema up to date" in flask(["init-db"], url).stdout
    assert "demo data loaded" in flask(["seed-demo"], url).stdout
    assert "already present" in flask(["seed-demo"], url).stdout  # idempotent
    assert "ledger sound" in flask(["check-ledger"], url).stdout
    flask(["init-db"], url)  # upgrading an up-to-date schema is harmless

    from sqlalchemy.orm import Session

    from warehouse.db import make_engine

    eng = make_engine(url)
    with Session(eng) as s:
        assert s.scalar(select(func.count(Part.id))) >= 300
        assert s.scalar(select(func.count(Part.id)).where(Part.name_en.is_not(None))) >= 300
        assert s.scalar(select(func.count(Move.id))) > 100
        assert {u.role for u in s.scalars(select(User))} >= {"admin", "manager", "new_store_clerk", "technician"}
    eng.dispose()


def test_create_user_and_refusals(tmp_path):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    flask(["init-db"], url)
    out = flask(["create-user", "wang", "--role", "technician", "--password", "tech-pass-1"], url)
    assert "created" in out.stdout
    dup = flask(["create-user", "wang", "--role", "technician", "--password", "tech-pass-1"], url, check=False)
    assert dup.returncode != 0 and "already_exists" in dup.stderr
    bad = flask(["create-user", "li", "--role", "boss", "--password", "long-enough"], url, check=False)
    assert bad.returncode != 0 and "role must be one of" in bad.stderr.lower()
    short = flask(["create-user", "li", "--role", "shipper", "--password", "short"], url, check=False)
    assert short.returncode != 0 and "10 characters" in short.stderr


def test_check_ledger_finds_a_tampered_balance(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    flask(["init-db"], url)
    flask(["seed-demo"], url)
    from sqlalchemy import text

    from warehouse.db import make_engine

    eng = make_engine(url)
    with eng.begin() as c:
        c.execute(text("UPDATE balance SET qty = qty + 1 WHERE rowid = (SELECT min(rowid) FROM balance)"))
    eng.dispose()
    out = flask(["check-ledger"], url, check=False)
    assert out.returncode != 0 and "disagree" in out.stderr


def test_migrations_match_the_models(tmp_path):
    """`flask db check`: the Alembic migrations produce exactly the tables the models declare."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    flask(["init-db"], url)
    out = flask(["db", "check"], url, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_init_db_on_postgresql(pg_url):
    """The real migrations on PostgreSQL (a scratch schema): upgrade, then nothing left to generate."""
    from sqlalchemy import create_engine, text

    schema = "m" + os.urandom(4).hex()
    base = os.environ["TEST_DATABASE_URL"]
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        assert "schema up to date" in flask(["init-db"], url).stdout
        out = flask(["db", "check"], url, check=False)
        assert out.returncode == 0, out.stdout + out.stderr
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
