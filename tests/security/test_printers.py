"""Printers cannot be aimed anywhere: registration within the site's rules (refused with a clear 400, never
clamped), the worker and the status check re-check every URL, no transaction stays open across network I/O, and a
printer that hangs holds up only its own jobs."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from labels.testprinter import TestPrinter
from warehouse.printing import services, worker
from warehouse.printing.models import LabelPrinter, PrintJob
from warehouse.printing.policy import PrinterPolicy


@pytest.fixture
def mgr(auth):
    return {**auth.headers("manager"), "Accept-Language": "en"}


@pytest.mark.parametrize("url, reason", [
    ("tcp://127.0.0.1:22?lang=zpl", "printer_port"),
    ("tcp://127.0.0.1:9100?lang=zpl", "printer_host"),
    ("tcp://169.254.169.254:9100?lang=zpl", "printer_host"),
    ("tcp://10.0.0.5:9100?lang=zpl&timeout=1e9", "printer_timeout"),
    ("tcp://10.0.0.5:9100?lang=zpl&timeout=nan", "printer_timeout"),
    ("tcp://10.0.0.5:9100?lang=zpl&timeout=inf", "printer_timeout"),
    ("tcp://10.0.0.5:9100?lang=zpl&timeout=0.1", "printer_timeout"),
    ("file:///etc", "printer_folder"),
    ("file://../../etc", "printer_folder"),
    ("cups://evil.example.com/queue", "printer_queue"),
    ("cups://bad;queue", "printer_queue"),
])
def test_registration_refuses_printers_outside_the_rules(db_url, session, url, reason):
    from service_app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "TESTING": True, "SECRET_KEY": "s",
                      "WTF_CSRF_ENABLED": False})  # the site's defaults: private networks, port 9100
    from tests.conftest import AuthActions

    client = app.test_client()
    h = {**AuthActions(app, client).headers("manager"), "Accept-Language": "en"}
    r = client.post("/api/v1/printers", json={"name": "x", "url": url}, headers=h)
    assert r.status_code == 400 and r.json["error"]["details"]["reason"] == reason, r.json
    assert session.scalar(select(func.count()).select_from(LabelPrinter)) == 0
    session.rollback()
    ok = client.post("/api/v1/printers", json={"name": "收货台", "url": "tcp://10.0.0.5:9100?lang=zpl&timeout=5"},
                     headers=h)
    assert ok.status_code == 201


def test_folder_printers_only_under_the_root_and_no_symlink_out(tmp_path):
    root = tmp_path / "labels"
    (root / "station-1").mkdir(parents=True)
    os.symlink("/etc", root / "escape")
    policy = PrinterPolicy(folder_root=str(root))
    policy.check(f"file://{root}/station-1")
    policy.check(f"file://{root}/new-station")  # created on the first job
    for bad in (f"file://{root}/escape", f"file://{root}/../outside", f"file://{tmp_path}"):
        with pytest.raises(Exception) as err:
            policy.check(bad)
        assert err.value.params["reason"] == "printer_folder"


def test_the_worker_refuses_a_row_registered_before_the_rules(app, session, tmp_path):
    """An old row aimed at a local port: the guarded worker fails the job without connecting."""
    connections = []
    listener = __import__("socket").create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    threading.Thread(target=lambda: connections.append(listener.accept()), daemon=True).start()
    url = f"tcp://127.0.0.1:{port}?lang=zpl&timeout=1"
    session.add(LabelPrinter(url=url, name="old"))
    session.commit()
    job = services.enqueue(session, template="bin", items=[{"code": "N-A01-01"}], printer_url=url, actor="x")
    session.commit()
    from service_app.extensions import db

    with app.app_context():
        factory = sessionmaker(bind=db.engine, expire_on_commit=False)
    stats = worker.deliver_due(factory, resolver=PrinterPolicy().guard())  # the site's default rules
    listener.close()
    assert stats.failed == 1 and connections == []
    session.refresh(job)
    assert job.state == "failed" and "refused by the site's printer rules" in job.last_error


def _hang_printer():
    p = TestPrinter("zpl").start()
    p.mute = True  # accepts the connection, never answers
    return p


def test_a_hanging_printer_does_not_stall_the_others(app, session, tmp_path):
    from service_app.extensions import db

    hanging, healthy = _hang_printer(), TestPrinter("zpl").start()
    try:
        slow = services.enqueue(session, template="bin", items=[{"code": "N-A01-01"}], actor="x",
                                printer_url=hanging.url(timeout=3))
        fast = services.enqueue(session, template="bin", items=[{"code": "N-A01-02"}], actor="x",
                                printer_url=healthy.url(timeout=3))
        session.commit()
        with app.app_context():
            factory = sessionmaker(bind=db.engine, expire_on_commit=False)
        started = time.monotonic()
        done = threading.Thread(target=worker.deliver_due, args=(factory,), daemon=True)
        done.start()
        assert healthy.wait_for(1, timeout=2.5), "the healthy printer waited for the hanging one"
        took = time.monotonic() - started
        done.join(timeout=30)
        assert took < 2.5
        session.expire_all()
        assert session.get(PrintJob, fast.id).state == "done" and session.get(PrintJob, slow.id).state == "queued"
    finally:
        hanging.stop()
        healthy.stop()


def test_checking_printers_holds_no_transaction_while_a_printer_hangs(app, client, auth, session, db_url):
    hanging = _hang_printer()
    try:
        session.add(LabelPrinter(url=hanging.url(timeout=3), name="stuck"))
        session.commit()
        auth.login("new_store_clerk")
        t = threading.Thread(target=lambda: client.post("/print-queue/check-printers"), daemon=True)
        t.start()
        deadline = time.monotonic() + 2
        while hanging.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert hanging.connections, "the check never reached the printer"
        # While the printer is being asked, another writer gets the database at once.
        other = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=0.5)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE label_printer SET name = 'renamed'")
        other.commit()
        other.close()
        t.join(timeout=30)
        session.expire_all()
        row = session.scalar(select(LabelPrinter))
        assert row.checked_at is not None and row.reachable is True and row.ready is False
    finally:
        hanging.stop()
