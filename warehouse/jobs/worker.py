"""The job worker: claims due jobs, runs their handlers, records the outcome once. Several may run on one database.

- A job is claimed in its own short transaction (PostgreSQL `FOR UPDATE SKIP LOCKED`; everywhere a conditional
  UPDATE that repeats the "due" test, so two workers cannot both win), setting `running`, a random lease token and
  `lease_until`. No lock is held while the handler runs.
- A heartbeat thread extends the lease every third of its length. A worker that dies stops extending it; once it
  has expired the job is due again (its attempt counted), so it is never lost.
- The handler reads through `ctx.session` (on SQLite a DEFERRED transaction, so it never holds the write lock; it is
  rolled back afterwards: writes through it are discarded). Its result, and the business writes it returns as
  `Result.apply`, are committed in ONE transaction whose last statement is
  `UPDATE job SET state='done' … WHERE id = :id AND lease_token = <ours>`; no row means the lease was lost
  (expired and taken over, or the job cancelled) and everything rolls back. So a result is stored once and a
  handler's writes happen once, however many workers died on the way.
- A handler that raises a DomainError fails at once (its code and parameters are the error a person reads); any
  other exception is retried with back-off until `max_attempts` runs, then fails with the error kept.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker as SessionMaker

from warehouse.db import sqlite_begin_mode, utcnow
from warehouse.errors import DomainError
from warehouse.jobs import registry
from warehouse.jobs.models import Job
from warehouse.jobs.services import RETENTION, purge_expired

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BACKOFF_FIRST, BACKOFF_MAX = timedelta(seconds=10), timedelta(minutes=10)
PROGRESS_EVERY = 0.5  # seconds between progress writes (a handler may report every row; the latest one counts)
MAX_RESULT_BYTES = 64 * 1024 * 1024
MAX_ROW_ERRORS = 10_000  # stored; `row_error_count` keeps the full count


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … capped at 10 minutes."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(attempts - 1, 0))


class JobLost(Exception):
    """Raised into a handler when its job was cancelled or its lease taken over: stop, nothing will be recorded."""


@dataclass
class WorkStats:
    claimed: int = 0
    done: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0

    def __iadd__(self, other: WorkStats) -> WorkStats:
        for name in ("claimed", "done", "retried", "failed", "lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass(frozen=True)
class Claim:
    job_id: int
    token: str
    kind: str
    params: dict
    attempts: int
    max_attempts: int
    checkpoint: dict | list | None


def _clock(now: datetime | None):
    """Wall-clock time, shifted to start at `now` when given (tests move time forward to expire leases)."""
    offset = (now - utcnow()) if now is not None else timedelta(0)
    return lambda: utcnow() + offset


def _mine(claim: Claim):
    return and_(Job.id == claim.job_id, Job.lease_token == claim.token, Job.state == "running")


def claim_due(sessionmaker: SessionMaker, *, now: datetime, lease: timedelta = LEASE) -> Claim | None:
    """Take the next due job (queued past its back-off, or running under an expired lease) or None."""
    due = or_(and_(Job.state == "queued", Job.next_attempt_at <= now),
              and_(Job.state == "running", Job.lease_until < now))
    with sessionmaker.begin() as session:
        for _ in range(20):
            row = session.execute(select(Job.id, Job.state, Job.attempts, Job.max_attempts).where(due)
                                  .order_by(Job.next_attempt_at, Job.id).limit(1)
                                  .with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            if row.state == "running" and row.attempts >= row.max_attempts:
                # Its worker died on the last allowed run (killed, out of memory): do not run it yet again.
                session.execute(update(Job).where(Job.id == row.id, due).values(
                    state="failed", error_code="job_worker_lost", error_params={"attempts": row.attempts},
                    last_error="the worker stopped while running this job", lease_token=None, lease_until=None,
                    finished_at=now, expires_at=now + RETENTION))
                continue
            token = uuid.uuid4().hex
            won = session.execute(update(Job).where(Job.id == row.id, due).values(
                state="running", lease_token=token, lease_until=now + lease, attempts=Job.attempts + 1,
                started_at=func.coalesce(Job.started_at, now)))
            if not won.rowcount:  # another worker took it between our look and our update
                continue
            job = session.execute(select(Job.kind, Job.params, Job.attempts, Job.max_attempts, Job.checkpoint)
                                  .where(Job.id == row.id)).one()
            return Claim(row.id, token, job.kind, job.params, job.attempts, job.max_attempts, job.checkpoint)
    return None


class JobContext:
    """What a handler gets: its parameters, a read session, progress reports, checkpoints.

    Rules for handler authors (pick one per job):
    1. One transaction: read through `ctx.session`, compute, and return `Result(apply=fn)`; `fn(session)` makes
       every business write and is committed together with the job's `done` (or not at all).
    2. Checkpoints, for work too big for one transaction: `ctx.checkpoint(state, apply=fn)` commits `fn`'s writes
       together with `state`; a retry after a crash finds the last committed `state` in `ctx.resume` and carries on
       from there. Each step therefore happens once.
    3. Anything else a handler writes in its own transactions must be idempotent (a unique key, an upsert), since
       a handler may run again after its worker died.
    Writes through `ctx.session` itself are rolled back. `progress()` and `checkpoint()` raise `JobLost` when the
    job was cancelled or taken over: let it propagate.
    """

    def __init__(self, sessionmaker: SessionMaker, claim: Claim, session: Session, clock):
        self._sessionmaker, self._claim, self._clock = sessionmaker, claim, clock
        self.session = session
        self.job_id, self.kind, self.params = claim.job_id, claim.kind, claim.params
        self.attempt = claim.attempts
        self.resume = claim.checkpoint
        self.lost = threading.Event()  # set by the heartbeat when the lease is gone
        self._lock = threading.Lock()
        self._pending: dict | None = None  # the latest progress report, not yet written

    def progress(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        """Report `done` of `total` and a short stage code ("reading", "writing", …: the shell translates it).
        Never waits for the database: the heartbeat thread writes the latest report every half second."""
        if self.lost.is_set():
            raise JobLost(self.job_id)
        values = {"progress_done": max(0, int(done)), "stage": stage[:64] if stage else None}
        if total is not None:
            values["progress_total"] = max(0, int(total))
        with self._lock:
            self._pending = values

    def take_progress(self) -> dict | None:
        with self._lock:
            values, self._pending = self._pending, None
        return values

    def checkpoint(self, state, *, apply=None) -> None:
        """Commit `apply(session)`'s writes together with `state` (JSON), under our lease."""
        if self.lost.is_set():
            raise JobLost(self.job_id)
        self.session.rollback()  # end the read snapshot: later reads see what this step committed
        self._guarded({"checkpoint": state}, apply=apply)
        self.resume = state

    def _guarded(self, values: dict, apply=None) -> None:
        write_mode = sqlite_begin_mode.set("IMMEDIATE")  # a write transaction, though the handler reads DEFERRED
        try:
            with self._sessionmaker.begin() as session:
                if apply is not None:
                    apply(session)
                if not session.execute(update(Job).where(_mine(self._claim)).values(**values)).rowcount:
                    self.lost.set()
                    raise JobLost(self.job_id)  # rolls back `apply`'s writes too
        finally:
            sqlite_begin_mode.reset(write_mode)


class _Heartbeat:
    """While the job runs: writes its latest progress report every half second and extends the lease every third of
    its length, each as one UPDATE guarded by the lease token; no row means the lease is gone (`ctx.lost`)."""

    def __init__(self, sessionmaker: SessionMaker, claim: Claim, lease: timedelta, clock, ctx: JobContext):
        self.sessionmaker, self.claim, self.lease, self.clock, self.ctx = sessionmaker, claim, lease, clock, ctx
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-heartbeat-{claim.job_id}", daemon=True)

    def _beat(self, *, extend: bool) -> None:
        values = self.ctx.take_progress() or {}
        if extend:
            values["lease_until"] = self.clock() + self.lease
        if not values or self.ctx.lost.is_set():
            return
        try:
            with self.sessionmaker.begin() as session:
                if not session.execute(update(Job).where(_mine(self.claim)).values(**values)).rowcount:
                    self.ctx.lost.set()
        except Exception:  # a database hiccup must not kill the job; the next beat tries again
            log.exception("job %s: could not write progress or extend the lease", self.claim.job_id)

    def _run(self) -> None:
        extend_every = self.lease.total_seconds() / 3
        last_extend = time.monotonic()
        while not self.stop.wait(min(PROGRESS_EVERY, extend_every)):
            due = time.monotonic() - last_extend >= extend_every
            if due:
                last_extend = time.monotonic()
            self._beat(extend=due)
        self._beat(extend=False)  # the last report, before the outcome is written

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _error_values(exc: BaseException) -> dict:
    if isinstance(exc, DomainError):
        params = {k: v for k, v in exc.params.items() if isinstance(v, (str, int, float, bool)) or v is None}
        return dict(error_code=exc.code, error_params=params, last_error=f"{exc.code}: {params}"[:4000])
    text = f"{type(exc).__name__}: {exc}"
    return dict(error_code="job_error", error_params={"error": text[:500]}, last_error=text[:4000])


class ResultTooLarge(DomainError):
    code = "job_result_too_large"


def _result_values(result: registry.Result | None) -> dict:
    result = result or registry.Result()
    values = {"row_error_count": 0, "row_errors": None}
    if result.file is not None:
        if len(result.file) > MAX_RESULT_BYTES:
            raise ResultTooLarge(size=len(result.file), limit=MAX_RESULT_BYTES)
        values.update(result_data=result.file, result_size=len(result.file),
                      result_filename=(result.filename or "result")[:200],
                      result_content_type=result.content_type[:100])
    if result.row_errors is not None:
        values.update(row_errors=list(result.row_errors[:MAX_ROW_ERRORS]), row_error_count=len(result.row_errors))
    return values


def _finish(sessionmaker: SessionMaker, claim: Claim, result: registry.Result | None, now: datetime) -> bool:
    """Commit the handler's writes, its result and `done` in one transaction; False if the lease was lost."""
    try:
        with sessionmaker.begin() as session:
            values = _result_values(result)
            if result is not None and result.apply is not None:
                result.apply(session)
            done = session.execute(update(Job).where(_mine(claim)).values(
                state="done", lease_token=None, lease_until=None, finished_at=now, expires_at=now + RETENTION,
                stage=None, error_code=None, error_params=None, last_error=None, **values))
            if not done.rowcount:
                raise JobLost(claim.job_id)
    except JobLost:
        return False
    return True


def _fail(sessionmaker: SessionMaker, claim: Claim, exc: BaseException, now: datetime) -> str:
    """Record a failed run: back to `queued` after a back-off while runs remain (not for a DomainError, which
    another run would only repeat), else `failed`. Returns the new state, or "lost"."""
    retry = not isinstance(exc, DomainError) and claim.attempts < claim.max_attempts
    values = _error_values(exc)
    if retry:
        values.update(state="queued", next_attempt_at=now + backoff(claim.attempts))
    else:
        values.update(state="failed", finished_at=now, expires_at=now + RETENTION)
    with sessionmaker.begin() as session:
        if not session.execute(update(Job).where(_mine(claim))
                               .values(lease_token=None, lease_until=None, **values)).rowcount:
            return "lost"
    return values["state"]


def run_claimed(sessionmaker: SessionMaker, claim: Claim, *, clock=utcnow, lease: timedelta = LEASE) -> str:
    """Run one claimed job to its outcome: "done", "queued" (to retry), "failed" or "lost"."""
    read_mode = sqlite_begin_mode.set("DEFERRED")  # the handler's reads never take SQLite's write lock
    session = sessionmaker()
    ctx = JobContext(sessionmaker, claim, session, clock)
    try:
        with _Heartbeat(sessionmaker, claim, lease, clock, ctx):
            try:
                result = registry.get(claim.kind).fn(ctx)
            finally:
                session.rollback()
                sqlite_begin_mode.reset(read_mode)
        if ctx.lost.is_set():
            raise JobLost(claim.job_id)
        if _finish(sessionmaker, claim, result, clock()):
            return "done"
        return "lost"
    except JobLost:
        log.info("job %s: cancelled or taken over; nothing recorded", claim.job_id)
        return "lost"
    except Exception as exc:  # noqa: BLE001  (a handler's failure is the job's, not the worker's)
        if not isinstance(exc, DomainError):
            log.exception("job %s (%s) failed on run %s", claim.job_id, claim.kind, claim.attempts)
        return _fail(sessionmaker, claim, exc, clock())
    finally:
        session.close()


def work_due(sessionmaker: SessionMaker, *, now: datetime | None = None, limit: int = 10,
             lease: timedelta = LEASE) -> WorkStats:
    """Run up to `limit` due jobs, one after another."""
    clock = _clock(now)
    stats = WorkStats()
    while stats.claimed < limit:
        claim = claim_due(sessionmaker, now=clock(), lease=lease)
        if claim is None:
            break
        stats.claimed += 1
        outcome = run_claimed(sessionmaker, claim, clock=clock, lease=lease)
        if outcome == "done":
            stats.done += 1
        elif outcome == "queued":
            stats.retried += 1
        elif outcome == "failed":
            stats.failed += 1
        else:
            stats.lost += 1
    return stats


def run_worker(sessionmaker: SessionMaker, *, once: bool = False, poll: float = 1.0,
               stop_event: threading.Event | None = None, lease: timedelta = LEASE,
               purge_every: float = 3600.0) -> WorkStats:
    """Run jobs until `stop_event` is set (a thread in the web app, or `flask job-worker`). With `once`, return as
    soon as nothing is due (jobs waiting out a back-off are left for later). Idle, it deletes expired jobs every
    `purge_every` seconds."""
    stop = stop_event or threading.Event()
    total, last_purge = WorkStats(), float("-inf")
    while not stop.is_set():
        if time.monotonic() - last_purge >= purge_every:
            last_purge = time.monotonic()
            try:
                with sessionmaker.begin() as session:
                    purge_expired(session)
            except Exception:
                log.exception("purging expired jobs failed")
        stats = work_due(sessionmaker, limit=1, lease=lease)
        total += stats
        if stats.claimed:
            continue
        if once:
            break
        stop.wait(poll)
    return total
