"""Job handlers for the tests, registered on import (the worker script imports this module too)."""
from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import func, select

from warehouse.catalog.models import Supplier
from warehouse.errors import DomainError
from warehouse.jobs.registry import Result, handler

# In-process tests hold a running job at a step until they release it.
gates: dict[str, threading.Event] = {}


def business_rows(session, marker: str) -> int:
    """How many times a job's business write happened (a supplier row named `marker`; `code` is unique per write,
    so a second write would show as a second row rather than fail)."""
    return session.scalar(select(func.count()).select_from(Supplier).where(Supplier.name == marker))


def _write(marker: str):
    return lambda session: session.add(Supplier(code=f"J-{uuid.uuid4().hex[:20]}", name=marker))


@handler("test_steps")
def steps(ctx) -> Result:
    """`steps` steps of `delay` seconds, each reported; then a file and one business write (`marker`)."""
    n, delay = ctx.params["steps"], ctx.params.get("delay", 0)
    for i in range(n):
        gate = gates.get(ctx.params.get("gate", ""))
        if gate is not None and i == ctx.params.get("hold_at", 1):
            gate.wait(30)
        time.sleep(delay)
        ctx.progress(i + 1, n, "writing")
    body = f"job {ctx.job_id} ran {n} steps\n".encode()
    return Result(file=body, filename=f"steps-{ctx.job_id}.txt", content_type="text/plain",
                  row_errors=[{"row": 2, "code": "unknown_part", "part_number": "X-1"}],
                  apply=_write(ctx.params["marker"]))


class Refused(DomainError):
    code = "not_found"


@handler("test_flaky", max_attempts=3)
def flaky(ctx) -> Result:
    """Fails its first `fail_times` runs with a RuntimeError, then succeeds."""
    if ctx.attempt <= ctx.params.get("fail_times", 99):
        raise RuntimeError(f"boom on run {ctx.attempt}")
    return Result(file=b"ok", filename="ok.txt", content_type="text/plain")


@handler("test_refused")
def refused(ctx):
    raise Refused(thing=ctx.params.get("thing"))


@handler("test_checkpoints")
def checkpoints(ctx) -> Result:
    """Writes one business row per step, each committed with its checkpoint; dies (once) after `die_after` steps."""
    done = (ctx.resume or {}).get("done", 0)
    n, marker = ctx.params["steps"], ctx.params["marker"]
    for i in range(done, n):
        ctx.checkpoint({"done": i + 1}, apply=_write(f"{marker}-{i}"))
        ctx.progress(i + 1, n, "saving")
        if ctx.attempt == 1 and i + 1 == ctx.params.get("die_after"):
            raise RuntimeError("worker trouble")
    return Result()
