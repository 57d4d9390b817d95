"""Command line (CONTRACT §3): init-db, seed-demo, create-user, check-ledger. Each command frames one transaction."""
from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from service_app.extensions import db
from warehouse.errors import DomainError


def _fail(exc: DomainError):
    db.session.rollback()
    raise click.ClickException(f"{exc.code}: {exc.message}")


def register_cli(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the schema (Alembic migrations) on DATABASE_URL."""
        upgrade()
        from warehouse.locations.services import ensure_virtual_locations

        ensure_virtual_locations(db.session)
        db.session.commit()
        click.echo(f"schema up to date on {db.engine.url.render_as_string(hide_password=True)}")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo data set (idempotent: a second run adds nothing)."""
        from warehouse.demo import seed

        created = seed(db.session)
        db.session.commit()
        click.echo("demo data loaded" if created else "demo data already present")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True)
    @click.option("--password", required=True)
    @click.option("--name", "display_name", default=None)
    def create_user(username, role, password, display_name):
        """Create a user with one of the roles (admin, manager, new_store_clerk, ...)."""
        from warehouse.accounts.services import create_user as create

        try:
            create(db.session, username=username, password=password, role=role, display_name=display_name)
            db.session.commit()
        except DomainError as exc:
            _fail(exc)
        click.echo(f"user {username} ({role}) created")

    @app.cli.command("check-ledger")
    def check_ledger():
        """Rebuild every cached balance from the moves and report any difference (exit 1 if there is one)."""
        from warehouse.ledger.queries import check_ledger as check

        bad = check(db.session)
        for row in bad:
            click.echo(f"part {row['part_id']} location {row['location_id']}: cached {row['cached']}, "
                       f"moves say {row['moves']}")
        if bad:
            raise click.ClickException(f"{len(bad)} balance(s) disagree with the ledger")
        click.echo("ledger sound: every balance equals the sum of its moves")
