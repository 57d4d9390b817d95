"""Jobs as users reach them: "Export (background)" on the reconciliation page → `flask job-worker --once` → the job
page and the API → the file; who may see a job; cancelling; a failure's error in the reader's language. On SQLite
and PostgreSQL."""
from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pypdfium2
import pytest
from sqlalchemy.orm import sessionmaker

from tests.factories import make_bin, make_part
from tests.jobs.conftest import enqueue
from warehouse.db import make_engine, utcnow
from warehouse.jobs import worker
from warehouse.ledger.services import receive
from warehouse.stocktake import cards, services


@pytest.fixture
def db_url(any_db_url):
    return any_db_url


@pytest.fixture
def jobs_db(db_url):
    engine = make_engine(db_url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def take(app, session):
    make_part(session, part_number="AC-100", name="压缩机", name_en="Compressor")
    make_bin(session, "N-A01-01")
    receive(session, part_number="AC-100", location="N-A01-01", qty=10, actor="setup")
    cards.start_card(session, location="N-A01-01", part_number="AC-100", actor="setup")
    st = services.open_stocktake(session, store="NEW", actor="setup")
    services.record_count(session, stocktake_id=st.id, part_number="AC-100", location="N-A01-01", physical=7,
                          actor="ann")
    session.commit()
    return st.id


def test_reconciliation_export_in_the_background(client, auth, runner, take):
    auth.login("manager")
    assert 'id="export-job"' in client.get(f"/reconciliation?stocktake={take}").get_data(as_text=True)
    r = client.post(f"/reconciliation/export-job?stocktake={take}", data={"format": "xlsx"})
    assert r.status_code == 302 and "/jobs/" in r.headers["Location"]
    job_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'data-state="queued"' in page and "js/jobs.js" in page and 'id="job-result" hidden' in page
    shown = client.get(f"/api/v1/jobs/{job_id}").json
    assert (shown["state"], shown["kind"], shown["result"]) == ("queued", "reconciliation_export", None)
    assert client.get(f"/api/v1/jobs/{job_id}/result").json["error"]["code"] == "job_no_result"

    out = runner.invoke(args=["job-worker", "--once"])
    assert out.exit_code == 0 and "1 done" in out.output, out.output

    shown = client.get(f"/api/v1/jobs/{job_id}", headers=auth.headers("manager")).json
    assert shown["state"] == "done" and shown["progress"] == {"done": 2, "total": 2, "stage": None}
    assert shown["result"]["filename"] == "reconciliation-new.xlsx"
    download = client.get(shown["result"]["url"])
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    assert "reconciliation-new.xlsx" in download.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["N-A01-01", "AC-100", "压缩机", 10, 10, 7] == values[2][:6]
    assert values[0][0] == f"账、物、卡核对 · 新件库 · ST-{take}"  # the title, in the reader's language
    assert 'data-state="done"' in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert [j["job_id"] for j in client.get("/api/v1/jobs").json["jobs"]] == [job_id]

    client.get("/lang/en")  # the words are the reader's when the job is queued
    r = client.post(f"/reconciliation/export-job?stocktake={take}", data={"format": "pdf"})
    pdf_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert runner.invoke(args=["job-worker", "--once"]).exit_code == 0
    pdf = client.get(f"/api/v1/jobs/{pdf_id}/result")
    assert pdf.mimetype == "application/pdf"
    text = pypdfium2.PdfDocument(pdf.data)[0].get_textpage().get_text_range()
    assert "Account" in text and "N-A01-01" in text
    assert client.post(f"/reconciliation/export-job?stocktake={take}", data={"format": "exe"}).status_code == 400


def test_only_the_owner_and_managers_see_a_job(app, client, auth, jobs_db):
    ann, bob = auth.headers("new_store_clerk", "ann"), auth.headers("new_store_clerk", "bob")
    job_id = enqueue(jobs_db, "test_steps", actor="ann", steps=1, marker="own")
    worker.work_due(jobs_db)
    assert client.get(f"/api/v1/jobs/{job_id}", headers=ann).json["state"] == "done"
    assert client.get(f"/api/v1/jobs/{job_id}/result", headers=ann).data == f"job {job_id} ran 1 steps\n".encode()
    assert client.get(f"/api/v1/jobs/{job_id}/row-errors", headers=ann).json["errors"][0]["row"] == 2
    for path in ("", "/result", "/row-errors"):
        r = client.get(f"/api/v1/jobs/{job_id}{path}", headers={**bob, "Accept-Language": "en"})
        assert r.status_code == 404 and (r.json["error"]["code"], r.json["error"]["message"]) == (
            "unknown_job", f"No background job {job_id}")
    r = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bob)
    assert r.status_code == 404 and r.json["error"]["message"] == f"没有后台任务 {job_id}"
    assert client.get("/api/v1/jobs", headers=bob).json == {"jobs": []}
    assert [j["job_id"] for j in client.get("/api/v1/jobs", headers=ann).json["jobs"]] == [job_id]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=auth.headers("manager")).status_code == 200
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401
    assert client.get("/api/v1/jobs/99999999999", headers=ann).json["error"]["code"] == "unknown_job"

    auth.login("new_store_clerk", "bob")
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert "own" not in client.get("/jobs").get_data(as_text=True)
    auth.login("new_store_clerk", "ann")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"/api/v1/jobs/{job_id}/result" in page and 'id="job-result" hidden' not in page


def test_cancel_and_a_failure_in_the_readers_language(client, auth, jobs_db):
    h = auth.headers("finance", "fay")
    queued = enqueue(jobs_db, "test_steps", actor="fay", steps=1, marker="x")
    r = client.post(f"/api/v1/jobs/{queued}/cancel", headers=h)
    assert r.status_code == 200 and r.json["state"] == "cancelled"
    r = client.post(f"/api/v1/jobs/{queued}/cancel", headers={**h, "Accept-Language": "en"})
    assert r.status_code == 409 and (r.json["error"]["code"], r.json["error"]["message"]) == (
        "job_not_cancellable", f"Job {queued} is cancelled and can no longer be cancelled")

    flaky = enqueue(jobs_db, "test_flaky", actor="fay")
    start = utcnow()
    for minutes in (0, 1, 5):
        worker.work_due(jobs_db, now=start + timedelta(minutes=minutes))
    shown = client.get(f"/api/v1/jobs/{flaky}", headers={**h, "Accept-Language": "en"}).json
    assert (shown["state"], shown["attempts"], shown["max_attempts"]) == ("failed", 3, 3)
    assert shown["error"] == {"code": "job_error", "message": "The job failed: RuntimeError: boom on run 3"}
    zh = client.get(f"/api/v1/jobs/{flaky}", headers=h).json
    assert zh["error"]["message"] == "任务失败：RuntimeError: boom on run 3"

    auth.login("finance", "fay")
    page = client.get(f"/jobs/{flaky}").get_data(as_text=True)
    assert "任务失败：RuntimeError: boom on run 3" in page and "失败" in page
    other = enqueue(jobs_db, "test_steps", actor="fay", steps=1, marker="y")
    r = client.post(f"/jobs/{other}/cancel", follow_redirects=True)
    assert "任务已取消" in r.get_data(as_text=True)
    r = client.post(f"/jobs/{other}/cancel", follow_redirects=True)
    assert "已结束，不能再取消" in r.get_data(as_text=True)
