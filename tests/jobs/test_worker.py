"""The job worker: progress while running, retries then failure with the error kept, cancellation, leases taken
over, checkpoints, expiry. Real commits, real threads; leases shortened and clocks moved forward where it helps."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from tests.jobs.conftest import enqueue, job
from tests.jobs.handlers import business_rows, gates
from warehouse.db import utcnow
from warehouse.errors import DomainError
from warehouse.jobs import services, worker
from warehouse.jobs.registry import UnknownJobKind


def later(seconds: float):
    return utcnow() + timedelta(seconds=seconds)


def test_a_job_runs_once_and_keeps_its_result(any_jdb):
    db = any_jdb
    job_id = enqueue(db, "test_steps", steps=3, marker="m1")
    assert job(db, job_id).state == "queued"
    stats = worker.work_due(db)
    assert (stats.claimed, stats.done) == (1, 1)
    j = job(db, job_id)
    assert (j.state, j.attempts, j.progress_done, j.progress_total) == ("done", 1, 3, 3)
    assert j.result_data == f"job {job_id} ran 3 steps\n".encode() and j.result_size == len(j.result_data)
    assert (j.result_filename, j.result_content_type, j.row_error_count) == (f"steps-{job_id}.txt", "text/plain", 1)
    assert j.row_errors == [{"row": 2, "code": "unknown_part", "part_number": "X-1"}]
    assert j.lease_token is None and j.expires_at == j.finished_at + services.RETENTION
    assert worker.work_due(db, now=later(365 * 86400 - 60)).claimed == 0  # done is never run again
    with db() as s:
        assert business_rows(s, "m1") == 1


def test_progress_is_visible_while_the_job_runs(jdb):
    gates["mid"] = threading.Event()
    job_id = enqueue(jdb, "test_steps", steps=4, marker="m", gate="mid", hold_at=2)
    thread = threading.Thread(target=worker.work_due, args=(jdb,))
    thread.start()
    try:
        deadline = time.time() + 10
        while time.time() < deadline and job(jdb, job_id).progress_done < 2:
            time.sleep(0.05)
        j = job(jdb, job_id)  # read by another connection while the handler is held mid-way
        assert (j.state, j.progress_done, j.progress_total, j.stage) == ("running", 2, 4, "writing")
        assert j.result_data is None
    finally:
        gates["mid"].set()
        thread.join(timeout=20)
    assert job(jdb, job_id).state == "done"


def test_a_failing_handler_is_retried_with_back_off_then_fails_with_its_error(jdb):
    job_id = enqueue(jdb, "test_flaky", fail_times=99)
    start = utcnow()
    assert worker.work_due(jdb, now=start).retried == 1
    j = job(jdb, job_id)
    assert (j.state, j.attempts, j.error_code) == ("queued", 1, "job_error")
    assert j.error_params == {"error": "RuntimeError: boom on run 1"}
    assert j.next_attempt_at >= start + worker.backoff(1) - timedelta(seconds=1)
    assert worker.work_due(jdb, now=start + timedelta(seconds=1)).claimed == 0, "waiting out its back-off"
    assert worker.work_due(jdb, now=start + timedelta(minutes=1)).retried == 1
    stats = worker.work_due(jdb, now=start + timedelta(minutes=5))
    assert (stats.claimed, stats.failed) == (1, 1)
    j = job(jdb, job_id)
    assert (j.state, j.attempts, j.error_params["error"]) == ("failed", 3, "RuntimeError: boom on run 3")
    assert "boom on run 3" in j.last_error and j.finished_at is not None and j.result_data is None
    assert worker.work_due(jdb, now=start + timedelta(days=1)).claimed == 0


def test_a_retry_that_succeeds_clears_the_error(jdb):
    job_id = enqueue(jdb, "test_flaky", fail_times=1)
    worker.work_due(jdb)
    assert worker.work_due(jdb, now=later(60)).done == 1
    j = job(jdb, job_id)
    assert (j.state, j.attempts, j.error_code, j.result_data) == ("done", 2, None, b"ok")


def test_back_off_doubles_up_to_a_cap():
    assert [worker.backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    assert worker.backoff(30) == worker.BACKOFF_MAX


def test_a_domain_error_fails_at_once_with_its_code_and_parameters(jdb):
    job_id = enqueue(jdb, "test_refused", thing="P-1")
    assert worker.work_due(jdb).failed == 1
    j = job(jdb, job_id)
    assert (j.state, j.attempts, j.error_code, j.error_params) == ("failed", 1, "not_found", {"thing": "P-1"})


def test_enqueue_refuses_unknown_kinds_and_bad_parameters(jdb):
    with jdb.begin() as s, pytest.raises(UnknownJobKind):
        services.enqueue(s, kind="no_such_kind", params={}, actor="ann")
    for bad in ({"x": float("nan")}, {"x": object()}, {"x": "y" * 70_000}, ["not", "a", "dict"]):
        with jdb.begin() as s, pytest.raises(services.BadJobParams):
            services.enqueue(s, kind="test_steps", params=bad, actor="ann")
    assert worker.work_due(jdb).claimed == 0


def test_cancel_a_queued_job(jdb):
    job_id = enqueue(jdb, "test_steps", steps=1, marker="c")
    with jdb.begin() as s:
        with pytest.raises(services.UnknownJob):  # not Bob's to cancel, nor to know about
            services.cancel(s, job_id=job_id, actor="bob")
        assert services.cancel(s, job_id=job_id, actor="bob", see_all=True).state == "cancelled"
    assert worker.work_due(jdb).claimed == 0
    with jdb.begin() as s, pytest.raises(services.JobNotCancellable) as caught:
        services.cancel(s, job_id=job_id, actor="ann")
    assert caught.value.params == {"job": job_id, "state": "cancelled"}
    j = job(jdb, job_id)
    assert (j.state, j.cancelled_by, j.attempts) == ("cancelled", "bob", 0)


def test_cancelling_a_running_job_stops_it_and_records_nothing(jdb):
    gates["cancel"] = threading.Event()
    job_id = enqueue(jdb, "test_steps", steps=3, marker="cr", gate="cancel", hold_at=1)
    stats = []
    thread = threading.Thread(target=lambda: stats.append(worker.work_due(jdb)))
    thread.start()
    try:
        deadline = time.time() + 10
        while time.time() < deadline and job(jdb, job_id).progress_done < 1:
            time.sleep(0.05)
        with jdb.begin() as s:
            services.cancel(s, job_id=job_id, actor="ann")
    finally:
        gates["cancel"].set()
        thread.join(timeout=20)
    assert stats[0].lost == 1
    j = job(jdb, job_id)
    assert (j.state, j.result_data) == ("cancelled", None)
    with jdb() as s:
        assert business_rows(s, "cr") == 0
    with jdb.begin() as s, pytest.raises(services.JobNotCancellable):
        services.cancel(s, job_id=job_id, actor="ann")


def test_a_worker_whose_lease_was_taken_over_records_nothing(any_jdb):
    """Worker A claims and stalls; its lease expires; B takes the job over and finishes; A's late finish (result and
    business write) is rolled back: both exist once."""
    db = any_jdb
    job_id = enqueue(db, "test_steps", steps=1, marker="to")
    now = utcnow()
    stale = worker.claim_due(db, now=now, lease=timedelta(seconds=5))
    assert worker.claim_due(db, now=now + timedelta(seconds=1)) is None, "its lease still holds"
    assert worker.work_due(db, now=now + timedelta(seconds=6)).done == 1
    outcome = worker.run_claimed(db, stale, clock=lambda: now)  # A wakes up and finishes too
    assert outcome == "lost"
    j = job(db, job_id)
    assert (j.state, j.attempts) == ("done", 2)
    with db() as s:
        assert business_rows(s, "to") == 1


def test_the_heartbeat_keeps_a_slow_job_from_being_taken_over(jdb):
    job_id = enqueue(jdb, "test_steps", steps=5, delay=0.3, marker="hb")
    seen = []

    def rival():
        for _ in range(6):
            time.sleep(0.25)
            seen.append(worker.claim_due(jdb, now=utcnow()))

    thread = threading.Thread(target=rival)
    thread.start()
    assert worker.work_due(jdb, lease=timedelta(seconds=0.6)).done == 1  # runs 1.5 s, 2.5 leases
    thread.join()
    assert seen == [None] * 6 and job(jdb, job_id).attempts == 1


def test_a_job_that_keeps_killing_its_worker_fails_instead_of_running_for_ever(jdb):
    job_id = enqueue(jdb, "test_steps", steps=1, marker="k")
    now = utcnow()
    for n in range(3):  # three workers claim it and die
        now += timedelta(seconds=61)
        assert worker.claim_due(jdb, now=now) is not None
    assert worker.work_due(jdb, now=now + timedelta(seconds=61)).claimed == 0
    j = job(jdb, job_id)
    assert (j.state, j.error_code, j.error_params) == ("failed", "job_worker_lost", {"attempts": 3})


def test_checkpoints_commit_each_step_once_across_a_crash(any_jdb):
    db = any_jdb
    job_id = enqueue(db, "test_checkpoints", steps=5, marker="cp", die_after=2)
    assert worker.work_due(db).retried == 1
    j = job(db, job_id)
    assert (j.checkpoint, j.progress_done) == ({"done": 2}, 2)
    assert worker.work_due(db, now=later(60)).done == 1
    with db() as s:
        assert [business_rows(s, f"cp-{i}") for i in range(5)] == [1] * 5


def test_finished_jobs_and_their_results_expire(jdb):
    old = enqueue(jdb, "test_steps", steps=1, marker="e1")
    worker.work_due(jdb)
    fresh = enqueue(jdb, "test_steps", steps=1, marker="e2")
    with jdb.begin() as s:
        assert services.purge_expired(s, now=later(services.RETENTION.total_seconds() + 60)) == 1
    with jdb.begin() as s:
        with pytest.raises(services.UnknownJob):
            services.result_file(s, job_id=old, actor="ann")
        assert services.get_job(s, job_id=fresh, actor="ann").state == "queued"  # unfinished jobs never expire


def test_run_worker_once_and_in_a_thread(jdb):
    for n in range(2):
        enqueue(jdb, "test_steps", steps=1, marker=f"r{n}")
    assert worker.run_worker(jdb, once=True).done == 2
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_worker, args=(jdb,), kwargs={"poll": 0.05, "stop_event": stop})
    thread.start()
    try:
        job_id = enqueue(jdb, "test_steps", steps=1, marker="r3")
        deadline = time.time() + 10
        while time.time() < deadline and job(jdb, job_id).state != "done":
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert job(jdb, job_id).state == "done" and not thread.is_alive()


def test_concurrent_workers_run_every_job_once(any_jdb):
    db = any_jdb
    ids = [enqueue(db, "test_steps", steps=2, marker=f"cc{n}") for n in range(12)]

    def work():
        while worker.work_due(db, limit=2).claimed:
            pass

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert {(job(db, i).state, job(db, i).attempts) for i in ids} == {("done", 1)}
    with db() as s:
        assert [business_rows(s, f"cc{n}") for n in range(12)] == [1] * 12


def test_errors_are_domain_errors_with_codes():
    assert issubclass(services.UnknownJob, DomainError) and services.UnknownJob.code == "unknown_job"
