"""A worker process killed with SIGKILL in the middle of a job: after its lease expires another worker runs the job
again and it finishes once — one result, one business write — on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.jobs.conftest import enqueue, job
from tests.jobs.handlers import business_rows
from warehouse.db import utcnow
from warehouse.jobs import worker

ROOT = Path(__file__).resolve().parents[2]
LEASE = 2.0


def test_a_job_survives_a_worker_killed_mid_run_and_finishes_once(any_db_url, any_jdb):
    db = any_jdb
    job_id = enqueue(db, "test_steps", steps=16, delay=0.25, marker="durable")
    proc = subprocess.Popen([sys.executable, "-m", "tests.jobs.worker_process", any_db_url, str(LEASE)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and job(db, job_id).progress_done < 4:
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        killed_at = utcnow()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    mid = job(db, job_id)
    assert (mid.state, mid.attempts, mid.result_data) == ("running", 1, None)
    assert 4 <= mid.progress_done < 16, "killed mid-run"
    with db() as s:
        assert business_rows(s, "durable") == 0
    assert worker.claim_due(db, now=killed_at) is None, "the dead worker's lease still holds"

    while job(db, job_id).lease_until >= utcnow():  # the lease runs out: nobody extends it any more
        time.sleep(0.1)
    stats = worker.work_due(db)  # a second worker
    assert (stats.claimed, stats.done) == (1, 1)
    done = job(db, job_id)
    assert (done.state, done.attempts, done.progress_done) == ("done", 2, 16)
    assert done.result_data == f"job {job_id} ran 16 steps\n".encode()
    with db() as s:
        assert business_rows(s, "durable") == 1
    assert worker.work_due(db).claimed == 0
