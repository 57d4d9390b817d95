"""The job page in a real browser: it polls the job every second, shows the progress as the worker reports it, and
offers the file when the job is done — in Chinese. Real server thread, the in-app job worker, Debian chromium."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_user
from tests.jobs.handlers import gates
from warehouse.db import make_engine
from warehouse.jobs import services

pytestmark = pytest.mark.browser


def test_the_job_page_follows_a_job_to_its_download(app, sqlite_url, live_server, page):
    gates["browser"] = threading.Event()
    eng = make_engine(sqlite_url)
    with Session(eng) as s:
        make_user(s, username="ann", role="new_store_clerk")
        job_id = services.enqueue(s, kind="test_steps", actor="ann",
                                  params={"steps": 4, "marker": "b", "gate": "browser", "hold_at": 2}).id
        s.commit()
    eng.dispose()
    app.config["JOB_WORKER_INLINE"] = True  # started by the first request, like `JOB_WORKER=inline`
    from service_app.inline_workers import init_job_thread

    init_job_thread(app)
    try:
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", "ann")
        page.fill("input[name=password]", "password-123")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(f"{live_server}/")
        page.goto(f"{live_server}/jobs/{job_id}")
        page.wait_for_function("document.getElementById('job-count').textContent.trim() === '2 / 4'")
        assert page.text_content("#job-state") == "执行中" and page.text_content("#job-stage") == "生成文件"
        assert page.is_hidden("#job-result")
        gates["browser"].set()
        page.wait_for_selector("#job-download", state="visible")
        assert page.text_content("#job-state") == "完成"
        assert page.is_hidden("#job-cancel") and page.is_hidden("#job-error")
        with page.expect_download() as download:
            page.click("#job-download")
        assert download.value.suggested_filename == f"steps-{job_id}.txt"
        assert open(download.value.path(), "rb").read() == f"job {job_id} ran 4 steps\n".encode()
    finally:
        gates["browser"].set()
        app.extensions.get("inline_workers", {}).get("job-worker", threading.Event()).set()
