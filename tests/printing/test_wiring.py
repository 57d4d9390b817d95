"""The print queue as users reach it: CLI (print-label, print-worker), API, the receipt note's labels button, the
scan page's per-station auto-print, and the in-app worker thread — delivering to a test printer on 127.0.0.1."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from labels.testprinter import TestPrinter
from tests.factories import make_bin, make_part, make_user
from warehouse.printing.models import PrintJob

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def zebra():
    with TestPrinter("zpl") as p:
        yield p


def jobs(session) -> list[PrintJob]:
    out = list(session.scalars(select(PrintJob).order_by(PrintJob.id)))
    session.expunge_all()  # detached, they keep their values: no lazy refresh reopens a transaction (SQLite lock)
    session.rollback()
    return out


def test_cli_print_label_then_worker_delivers_once(tmp_path, zebra):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "t",
           "PRINTER_TCP_ALLOW": "127.0.0.1/32", "PRINTER_TCP_PORTS": "1024-65535"}  # the test printer
    flask = [sys.executable, "-m", "flask", "--app", "service_app"]
    run = lambda *a, **kw: subprocess.run(flask + list(a), cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: E731
                                          timeout=120, **kw)
    assert run("init-db").returncode == 0
    out = run("print-label", "bin", "--data", '[{"code": "N-A01-01"}, {"code": "N-A01-02"}]',
              "--printer", zebra.url(), "--copies", "2")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().isdigit()
    bad = run("print-label", "part", "--data", '{"name": "no part number"}', "--printer", zebra.url())
    assert bad.returncode != 0 and "part_number" in bad.stderr
    bad_json = run("print-label", "bin", "--data", "{nope", "--printer", zebra.url())
    assert bad_json.returncode != 0 and "JSON" in bad_json.stderr
    done = run("print-worker", "--once")
    assert done.returncode == 0 and "delivered 1 job(s), 4 label(s)" in done.stdout
    assert len(zebra.labels) == 4
    again = run("print-worker", "--once")
    assert "delivered 0 job(s)" in again.stdout and len(zebra.labels) == 4  # nothing prints twice


def test_api_print_queue(app, client, auth, session, zebra):
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/labels/print", json={"template": "part", "data": {"part_number": "X-1", "name": "零件"},
                                                   "printer": zebra.url()}, headers=h)
    assert r.status_code == 400 and r.json["error"]["code"] == "bad_printer_url"  # not registered
    mgr = auth.headers("manager")
    assert client.post("/api/v1/printers", json={"name": "收货台", "url": zebra.url()}, headers=mgr).status_code == 201
    assert client.post("/api/v1/printers", json={"name": "x", "url": "gopher://x"}, headers=mgr).status_code == 400
    assert client.post("/api/v1/printers", json={"name": "x", "url": "file:///tmp"}, headers=h).status_code == 403
    r = client.post("/api/v1/labels/print", json={"template": "part", "data": {"part_number": "X-1", "name": "零件"},
                                                   "printer": zebra.url(), "copies": 3}, headers=h)
    assert r.status_code == 201 and r.json["labels"] == 3 and r.json["state"] == "queued"
    for bad in ({"template": "nope", "data": {"code": "N-A01-01"}},
                {"template": "part", "data": {"part_number": "X" * 80, "name": "n"}},
                {"template": "part", "data": {"part_number": "中文", "name": "n"}},
                {"template": "bin"},
                {"template": "bin", "data": {"code": "N-A01-01"}, "items": [{"code": "N-A01-02"}]}):
        r = client.post("/api/v1/labels/print", json={**bad, "printer": zebra.url()}, headers=h)
        assert r.status_code == 400, (bad, r.json)
    assert len(jobs(session)) == 1
    job_id = jobs(session)[0].id
    assert client.post(f"/api/v1/print-jobs/{job_id}/reprint", headers=h).status_code == 409  # still queued
    assert client.post(f"/api/v1/print-jobs/{job_id}/cancel", headers=h).json["state"] == "cancelled"
    assert client.post(f"/api/v1/print-jobs/{job_id}/reprint", headers=h).status_code == 201
    listing = client.get("/api/v1/print-jobs?state=queued", headers=h).json
    assert [j["reprint_of"] for j in listing["jobs"]] == [job_id]
    assert listing["printers"][0]["name"] == "收货台"
    assert client.get("/api/v1/print-jobs", headers=auth.headers("technician")).status_code == 403


def test_receipt_note_prints_one_job_with_a_label_per_unit(app, client, session):
    make_user(session, username="clerk", role="new_store_clerk")
    make_part(session, part_number="P-7", name="压缩机")
    make_bin(session, "N-A01-01")
    session.commit()
    client.post("/login", data={"username": "clerk", "password": "password-123"})
    r = client.post("/stock/receive", data={"part_number": "P-7", "location": "N-A01-01", "qty": "5"})
    doc_no = r.headers["Location"].rsplit("/", 1)[1]
    assert "print-part-labels" in client.get(f"/receipts/{doc_no}").get_data(as_text=True)
    client.post(f"/receipts/{doc_no}/labels", data={"printer": app.config["PRINTER_URL"]})
    (job,) = jobs(session)
    assert (job.template, job.labels_count) == ("part", 5)
    page = client.get("/print-queue").get_data(as_text=True)
    assert f'data-job="{job.id}"' in page


def test_scan_receive_with_station_autoprint(client, auth, session):
    make_part(session, part_number="P-8", name="风扇")
    make_bin(session, "N-A01-01")
    session.commit()
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/scan", json={"code": "P-8", "mode": "receive", "location": "N-A01-01", "qty": 2,
                                          "print_labels": True}, headers=h)
    assert r.status_code == 200 and r.json["qty_on_hand"] == 2 and r.json["print_job"]
    r = client.post("/api/v1/scan", json={"code": "P-8", "mode": "receive", "location": "N-A01-01",
                                          "print_labels": True, "printer": "tcp://10.9.9.9:9100?lang=zpl"}, headers=h)
    assert r.status_code == 400  # a station cannot aim the server at an arbitrary host
    (job,) = jobs(session)
    assert job.labels_count == 2 and job.payload[0]["location"] == "N-A01-01"
    assert session.scalar(select(func.count()).select_from(PrintJob)) == 1
    session.rollback()


def test_inline_worker_thread_delivers(app, client, auth, session, zebra):
    app.config["PRINT_WORKER_INLINE"] = True
    from service_app.print_thread import init_print_thread

    init_print_thread(app)
    from warehouse.printing.policy import PrinterPolicy
    from warehouse.printing.services import register_printer

    register_printer(session, name="z", url=zebra.url(), policy=PrinterPolicy.from_config(app.config))
    session.commit()
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/labels/print", json={"template": "bin", "items": [{"code": "N-A01-01"}],
                                                   "printer": zebra.url()}, headers=h)
    assert r.status_code == 201
    assert zebra.wait_for(1, timeout=15)
    deadline = time.time() + 10
    while time.time() < deadline and jobs(session)[0].state != "done":
        time.sleep(0.1)
    assert jobs(session)[0].state == "done" and len(zebra.labels) == 1
