"""Command line (CONTRACT §3): init-db, seed-demo, create-user, check-ledger, labels. Each command that writes runs
its use case in the write frame (service_app.transactions)."""
from __future__ import annotations

import click
from flask import Flask
from flask_babel import force_locale
from flask_migrate import upgrade

from service_app.error_messages import render
from service_app.extensions import db
from service_app.i18n import cli_locale
from service_app.transactions import run_write
from warehouse.errors import DomainError


def _write(action):
    """Run one use case in the write frame; a refusal exits non-zero with its code, its message (Chinese under a zh
    locale, else English) and its parameters (an operator's script wants the keys)."""
    import getpass

    from warehouse.audit.context import Client, reset_client, set_client

    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container)
        login = "?"
    token = set_client(Client(actor=f"cli:{login}"[:64], role="cli"))  # who, for the audit trail
    try:
        return run_write(db.session, lambda _key: action())
    except DomainError as exc:
        with force_locale(cli_locale()):
            message = render(exc)[1]
        params = ", ".join(f"{k}={v}" for k, v in exc.params.items() if v is not None)
        raise click.ClickException(f"{exc.code}: {message}" + (f" ({params})" if params else "")) from None
    finally:
        reset_client(token)


class BadInput(click.ClickException):
    """Bad input to a command: exit code 2, like click's own usage errors."""
    exit_code = 2


def _refuse(exc: DomainError):
    with force_locale(cli_locale()):
        message = render(exc)[1]
    params = ", ".join(f"{k}={v}" for k, v in exc.params.items() if v is not None)
    return BadInput(f"{exc.code}: {message}" + (f" ({params})" if params else ""))


def register_cli(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the schema (Alembic migrations) on DATABASE_URL."""
        upgrade()
        from warehouse.locations.services import ensure_virtual_locations

        _write(lambda: ensure_virtual_locations(db.session))
        click.echo(f"schema up to date on {db.engine.url.render_as_string(hide_password=True)}")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo data set (idempotent: a second run adds nothing)."""
        from warehouse.demo import seed

        created = _write(lambda: seed(db.session))
        click.echo("demo data loaded" if created else "demo data already present")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True)
    @click.option("--password", required=True)
    @click.option("--name", "display_name", default=None)
    def create_user(username, role, password, display_name):
        """Create a user with one of the roles (admin, manager, new_store_clerk, ...)."""
        from warehouse.accounts.services import create_user as create

        _write(lambda: create(db.session, username=username, password=password, role=role,
                              display_name=display_name))
        click.echo(f"user {username} ({role}) created")

    @app.cli.command("set-password")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def set_password(username, password):
        """Set a user's password (the password policy applies); their sessions and tokens end."""
        from warehouse.accounts.services import change_password

        _write(lambda: change_password(db.session, username=username, new_password=password, check_current=False))
        click.echo(f"password of {username} changed; their sessions and tokens have ended")

    @app.cli.command("set-role")
    @click.argument("username")
    @click.argument("role")
    def set_role(username, role):
        """Change a user's role; their sessions and tokens end."""
        from warehouse.accounts.services import set_role as change

        _write(lambda: change(db.session, username=username, role=role))
        click.echo(f"{username} is now {role}")

    @app.cli.command("set-active")
    @click.argument("username")
    @click.argument("active", type=click.Choice(["yes", "no"]))
    def set_active(username, active):
        """Deactivate (no) or reactivate (yes) a user; deactivating ends their sessions and tokens."""
        from warehouse.accounts.services import set_active as change

        _write(lambda: change(db.session, username=username, active=active == "yes"))
        click.echo(f"{username} {'active' if active == 'yes' else 'deactivated'}")

    @app.cli.command("unlock-login")
    @click.option("--user", "username", default=None, help="the user name that was locked")
    @click.option("--ip", "client_ip", default=None, help="the client address that was locked")
    def unlock_login(username, client_ip):
        """Lift a sign-in lock after too many failed attempts (a user name, a client address or both)."""
        from warehouse.accounts.signin import unlock

        if not username and not client_ip:
            raise click.UsageError("give --user and/or --ip")
        n = _write(lambda: unlock(db.session, username=username, client_ip=client_ip))
        click.echo(f"{n} lock(s) lifted")

    @app.cli.command("print-label")
    @click.argument("template")
    @click.option("--data", required=True, help="JSON object (one label) or list of objects (a batch)")
    @click.option("--printer", default=None, help="printer URL (default: PRINTER_URL)")
    @click.option("--copies", default=1, type=click.IntRange(1, 500))
    def print_label(template, data, printer, copies):
        """Queue a label job (validated and rendered now, delivered by print-worker); prints the job id."""
        import json

        from warehouse.printing.services import enqueue

        try:
            items = json.loads(data)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"--data is not valid JSON: {exc}") from None
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items) or not items:
            raise click.ClickException("--data must be a JSON object or a non-empty list of objects")
        from warehouse.printing.policy import PrinterPolicy

        policy = PrinterPolicy.from_config(app.config)  # the worker would refuse the job anyway; say so now
        job = _write(lambda: (policy.check(printer) if printer else None,
                              enqueue(db.session, template=template, items=items, copies=copies, actor="cli",
                                      printer_url=printer or app.config["PRINTER_URL"]))[1])
        click.echo(job.id)

    @app.cli.command("print-worker")
    @click.option("--once", is_flag=True, help="deliver until nothing is deliverable, then exit")
    @click.option("--poll", default=1.0, type=float, help="seconds between looks at an empty queue")
    def print_worker(once, poll):
        """Deliver queued label jobs to their printers, retrying with back-off; stops cleanly on SIGTERM."""
        import signal
        import threading

        from sqlalchemy.orm import sessionmaker

        from warehouse.printing.policy import PrinterPolicy
        from warehouse.printing.worker import run_worker

        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        stats = run_worker(sessionmaker(bind=db.engine, expire_on_commit=False), once=once, poll=poll,
                           stop_event=stop, policy=PrinterPolicy.from_config(app.config))
        click.echo(f"delivered {stats.done} job(s), {stats.labels} label(s); {stats.retried} to retry, "
                   f"{stats.failed} failed")

    @app.cli.command("job-worker")
    @click.option("--once", is_flag=True, help="run until no job is due, then exit")
    @click.option("--poll", default=1.0, type=float, help="seconds between looks at an empty queue")
    def job_worker(once, poll):
        """Run background jobs (exports, imports), retrying failures with back-off; stops cleanly on SIGTERM."""
        import signal
        import threading

        from sqlalchemy.orm import sessionmaker

        from warehouse.jobs.worker import run_worker

        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        stats = run_worker(sessionmaker(bind=db.engine, expire_on_commit=False), once=once, poll=poll,
                           stop_event=stop)
        click.echo(f"ran {stats.claimed} job(s): {stats.done} done, {stats.retried} to retry, {stats.failed} failed")

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

    @app.cli.command("report")
    @click.argument("name")
    @click.option("--month", help="YYYY-MM")
    @click.option("--week", help="YYYY-Www (ISO week)")
    @click.option("--day", help="YYYY-MM-DD")
    @click.option("--format", "fmt", default=None, help="pdf, csv or xlsx (default: from the file name, else pdf)")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
    @click.option("--stocktake", default=None, help="stocktake id (stocktake-variance)")
    @click.option("--dealer", default=None, help="dealer code (dealer statements)")
    def report(name, month, week, day, fmt, output, stocktake, dealer):
        """Write a back-office statement (CONTRACT §7). Bad input exits with code 2 and says why."""
        import getpass
        import os
        import tempfile
        from pathlib import Path

        from service_app.report_labels import statement_words
        from warehouse.db import utcnow
        from warehouse.reports import statements

        fmt = fmt or (Path(output).suffix.lstrip(".").lower() if Path(output).suffix.lstrip(".").lower()
                      in ("pdf", "csv", "xlsx") else "pdf")
        today = utcnow().date()
        options = {k: v for k, v in {"stocktake": stocktake, "dealer": dealer}.items() if v is not None}
        try:
            order = statements.prepare(name=name, fmt=fmt, period={"month": month, "week": week, "day": day},
                                       options=options, today=today)
            statements.check(db.session, order, today=today)
            with force_locale(cli_locale()):
                words = statement_words()
            target = Path(output)
            fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    statements.produce(db.session, order, out, words=words, printed_by=getpass.getuser(),
                                       today=today)
                os.replace(tmp, target)  # a failed run leaves no half-written file behind
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except DomainError as exc:
            raise _refuse(exc) from None
        finally:
            db.session.rollback()
        click.echo(f"{order.name} {order.period_value or ''} -> {output}".replace("  ", " "))

