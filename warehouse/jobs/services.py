"""Job use cases for people: queue a job, look at it, cancel it, fetch its result; and the clean-up rule.

A job is seen only by the user who queued it, or by a caller the shell allows to see every job (`see_all`, the
`jobs.all` permission); anyone else gets `unknown_job`, as if it did not exist. These functions flush but never
commit. Running jobs is the worker's (worker.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, undefer

from warehouse.db import utcnow
from warehouse.errors import DomainError
from warehouse.jobs import registry
from warehouse.jobs.models import FINISHED, Job

# A finished job (done, failed or cancelled) and its result are deleted this long after it finished. The worker
# purges them when idle; a download after that answers `unknown_job`.
RETENTION = timedelta(days=7)
MAX_PARAMS_BYTES = 64 * 1024  # parameters say what to do; data to import travels as an attachment, not here
MAX_ID = 2**31 - 1


class UnknownJob(DomainError):
    code = "unknown_job"


class JobNotCancellable(DomainError):
    code = "job_not_cancellable"


class JobHasNoResult(DomainError):
    code = "job_no_result"


class BadJobParams(DomainError):
    code = "bad_job_params"


def enqueue(session: Session, *, kind: str, params: dict, actor: str) -> Job:
    """Queue a job of a registered `kind`; its worker runs it after the caller commits."""
    handler = registry.get(kind)
    try:
        encoded = json.dumps(params, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise BadJobParams(kind=kind) from None
    if not isinstance(params, dict) or len(encoded.encode()) > MAX_PARAMS_BYTES:
        raise BadJobParams(kind=kind)
    job = Job(kind=kind, params=json.loads(encoded), created_by=actor, state="queued", attempts=0,
              max_attempts=handler.max_attempts, next_attempt_at=utcnow(), progress_done=0, row_error_count=0)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, *, job_id: int, actor: str, see_all: bool = False, with_result: bool = False) -> Job:
    if not isinstance(job_id, int) or not 1 <= job_id <= MAX_ID:
        raise UnknownJob(job=job_id)
    options = [undefer(Job.result_data), undefer(Job.row_errors)] if with_result else []
    job = session.get(Job, job_id, options=options, populate_existing=with_result)
    if job is None or (not see_all and job.created_by != actor):
        raise UnknownJob(job=job_id)
    return job


def list_jobs(session: Session, *, actor: str, limit: int = 20) -> list[Job]:
    """The user's own jobs, newest first."""
    limit = max(1, min(limit, 200))
    return list(session.scalars(select(Job).where(Job.created_by == actor).order_by(Job.id.desc()).limit(limit)))


def cancel(session: Session, *, job_id: int, actor: str, see_all: bool = False) -> Job:
    """Stop a queued job, or a running one: its worker notices at its next heartbeat or progress report and
    records nothing (writes a handler made in its final transaction roll back; committed checkpoints stay)."""
    job = get_job(session, job_id=job_id, actor=actor, see_all=see_all)
    now = utcnow()
    # One conditional UPDATE: it cannot overtake a worker that has just marked the job done.
    result = session.execute(
        update(Job).where(Job.id == job.id, Job.state.in_(("queued", "running")))
        .values(state="cancelled", cancelled_by=actor, lease_token=None, lease_until=None, finished_at=now,
                expires_at=now + RETENTION)
        .execution_options(synchronize_session=False))
    session.refresh(job)
    if not result.rowcount:
        raise JobNotCancellable(job=job.id, state=job.state)
    return job


@dataclass(frozen=True)
class ResultFile:
    data: bytes
    filename: str
    content_type: str


def result_file(session: Session, *, job_id: int, actor: str, see_all: bool = False) -> ResultFile:
    job = get_job(session, job_id=job_id, actor=actor, see_all=see_all, with_result=True)
    if job.state != "done" or job.result_data is None:
        raise JobHasNoResult(job=job.id)
    return ResultFile(job.result_data, job.result_filename or f"job-{job.id}", job.result_content_type
                      or "application/octet-stream")


def row_errors(session: Session, *, job_id: int, actor: str, see_all: bool = False) -> list[dict]:
    job = get_job(session, job_id=job_id, actor=actor, see_all=see_all, with_result=True)
    return list(job.row_errors or [])


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete finished jobs past their `expires_at`, results and all; returns how many."""
    result = session.execute(delete(Job).where(Job.state.in_(FINISHED), Job.expires_at < (now or utcnow()))
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def job_view(job: Job) -> dict:
    """What a page or API client sees of a job (no result bytes)."""
    return {
        "job_id": job.id, "kind": job.kind, "state": job.state, "created_by": job.created_by,
        "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at,
        "expires_at": job.expires_at, "attempts": job.attempts, "max_attempts": job.max_attempts,
        "progress": {"done": job.progress_done, "total": job.progress_total, "stage": job.stage},
        "error": {"code": job.error_code, "params": job.error_params or {}} if job.error_code else None,
        "result": ({"filename": job.result_filename, "content_type": job.result_content_type,
                    "size": job.result_size} if job.state == "done" and job.result_size is not None else None),
        "row_errors": job.row_error_count,
    }
