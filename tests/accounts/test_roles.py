"""The one role table (warehouse/accounts/roles.py): the roles of CONTRACT §3, trade judgements kept out of the
catch-all, create-user and seed-demo taking every role, and the menu registry agreeing with the views it links."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from warehouse.accounts.models import User
from warehouse.accounts.roles import OWN_TRADE, PERMISSIONS, ROLES, can

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_ROLES = {"admin", "manager", "new_store_clerk", "returned_store_clerk", "shipper", "technician",
                  "order_clerk", "finance", "service_agent", "customer_supervisor", "quality"}


def test_the_table_has_the_contract_roles_and_nothing_else():
    assert set(ROLES) == CONTRACT_ROLES == set(PERMISSIONS)


def test_claims_are_assessed_by_technicians_and_confirmed_by_quality_only():
    assert [r for r in ROLES if can(r, "claims.assess")] == ["technician"]
    assert [r for r in ROLES if can(r, "claims.confirm")] == ["quality"]
    assert {p for p in OWN_TRADE if can("manager", p) or can("admin", p)} == set()


def test_the_new_roles_read_what_their_work_needs():
    assert {"claims.read", "claims.confirm", "warranty.read", "reports.read"} <= PERMISSIONS["quality"]
    assert {"customers.read", "warranty.read", "reports.read", "complaints.write",
            "inspections.write"} <= PERMISSIONS["customer_supervisor"]
    # Neither touches stock or money.
    for role in ("quality", "customer_supervisor"):
        assert not {p for p in PERMISSIONS[role] if p.startswith(("stock.", "dealers.", "orders.")) and
                    p != "stock.read"}, role
        assert not can(role, "export")


def test_the_manager_still_reads_and_approves_everything_else():
    others = set().union(*(PERMISSIONS[r] for r in ROLES if r not in ("manager", "admin"))) - OWN_TRADE
    assert others <= PERMISSIONS["manager"] and PERMISSIONS["manager"] | {"users.manage", "audit.read"} == PERMISSIONS["admin"]


def _flask(args, db_url):
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "cli-test"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "service_app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("role", ["quality", "customer_supervisor"])
def test_create_user_accepts_the_new_roles(sqlite_url, role):
    out = _flask(["create-user", f"li_{role}", "--role", role, "--password", "long-enough-1"], sqlite_url)
    assert out.returncode == 0 and "created" in out.stdout, out.stderr


def test_seed_demo_makes_one_user_per_role(app, session):
    from service_app.extensions import db
    from warehouse.demo import DEMO_PASSWORD, seed

    # A demo database from before the new roles: its other users are there, the new ones get added on a re-run.
    with app.app_context():
        assert seed(db.session) is True
        db.session.commit()
        db.session.execute(User.__table__.delete().where(User.username.in_(["quality", "customer_supervisor"])))
        db.session.commit()
        assert seed(db.session) is False
        db.session.commit()
    users = {u.username: u.role for u in session.scalars(select(User))}
    assert {r: users.get(r) for r in CONTRACT_ROLES} == {r: r for r in CONTRACT_ROLES}
    assert DEMO_PASSWORD == "demo-pass-1"


def test_every_menu_entry_names_a_view_and_shows_to_exactly_its_permission(app):
    """The registry never states a permission: it reads the one the view's decorator recorded, so it cannot
    disagree with the view. Checked against the decorator's real refusal: an entry shows to a role if and only if
    its page lets that role in."""
    from flask import url_for

    from service_app.extensions import db
    from service_app.web.menu import ENTRIES, view_permission
    from tests.factories import make_user

    with app.app_context():
        for role in ROLES:
            make_user(db.session, username=f"m_{role}", role=role)
        db.session.commit()
    with app.test_request_context():
        urls = [(entry, url_for(entry.endpoint, **dict(entry.args))) for entry in ENTRIES]
    client = app.test_client()
    for role in ROLES:
        client.post("/login", data={"username": f"m_{role}", "password": "password-123"})
        for entry, url in urls:
            permission = view_permission(app, entry.endpoint)
            status = client.get(url).status_code
            assert (status != 403) == can(role, permission), (role, entry.endpoint, permission, status)
        client.post("/logout")
