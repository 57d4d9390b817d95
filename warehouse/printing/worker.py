"""The print worker: claims due jobs, sends them, records the outcome. Several may run against one database.

Exactly once, as far as a printer lets us know:
- a job is claimed in its own short transaction (PostgreSQL `FOR UPDATE SKIP LOCKED`; on SQLite `BEGIN IMMEDIATE`
  serialises claims), which sets `sending`, a random lease token and `lease_until`; no lock is held while sending;
- while it sends, the worker keeps extending the lease; a worker that dies stops extending it, and once it has
  expired the job is due again, so it is never lost;
- the outcome is written with `WHERE lease_token = <ours>`: a worker whose lease was taken over records nothing;
- `done` only after the printer confirmed every label (see labels.printers.tcp); a confirmed label is never sent
  again: a failed attempt records how many leading labels were confirmed and the retry sends only the rest;
- retryable errors go back to `queued` with exponential back-off; permanent ones to `failed`, for a person to
  reprint or cancel.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import sessionmaker as SessionMaker
from sqlalchemy.orm import undefer

from labels.printers import PrinterError, PrinterStatus, PrinterUrlError, from_url
from labels.streams import split_labels
from warehouse.db import utcnow
from warehouse.printing.models import PrintJob
from warehouse.printing.policy import PrinterPolicy
from warehouse.printing.services import record_status, refresh_printers

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BACKOFF_FIRST, BACKOFF_MAX = timedelta(seconds=2), timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … capped at 5 minutes: a printer off for the weekend is tried every 5 minutes, for ever."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(attempts - 1, 0))


@dataclass
class DeliveryStats:
    claimed: int = 0
    done: int = 0
    retried: int = 0
    failed: int = 0
    labels: int = 0  # labels the printers confirmed

    def __iadd__(self, other: DeliveryStats) -> DeliveryStats:
        for name in ("claimed", "done", "retried", "failed", "labels"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass(frozen=True)
class Claim:
    job_id: int
    token: str
    attempts: int
    printer_url: str
    name: str
    labels_left: int
    data: bytes  # what to send now: the labels not yet confirmed


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None
    retryable: bool = False
    delivered: int = 0  # leading labels confirmed by a failed attempt
    status: PrinterStatus | None = field(default=None)


def _clock(now: datetime | None):
    """Wall-clock time, shifted to start at `now` when given (tests move time forward to expire back-offs)."""
    offset = (now - utcnow()) if now is not None else timedelta(0)
    return lambda: utcnow() + offset


def _remaining(job: PrintJob) -> bytes:
    if job.lang == "pdf":  # a PDF goes whole: the folder and CUPS drivers take all of it or none
        return job.rendered
    return b"".join(split_labels(job.rendered, job.lang)[job.labels_done:])


def claim_due(sessionmaker: SessionMaker, *, now: datetime, lease: timedelta = LEASE,
              skip_urls: frozenset[str] = frozenset()) -> Claim | None:
    """Take the next due job (queued and past its back-off, or `sending` under an expired lease) in one short
    transaction, or None."""
    with sessionmaker.begin() as session:
        due = or_(and_(PrintJob.state == "queued", PrintJob.next_attempt_at <= now),
                  and_(PrintJob.state == "sending", PrintJob.lease_until < now))
        query = select(PrintJob).options(undefer(PrintJob.rendered)).where(due)
        if skip_urls:
            query = query.where(PrintJob.printer_url.not_in(skip_urls))
        query = query.order_by(PrintJob.next_attempt_at, PrintJob.id).limit(1).with_for_update(skip_locked=True)
        job = session.scalars(query).first()
        if job is None:
            return None
        job.state, job.lease_token, job.lease_until = "sending", uuid.uuid4().hex, now + lease
        job.attempts += 1
        return Claim(job.id, job.lease_token, job.attempts, job.printer_url, f"job{job.id}-{job.template}",
                     job.labels_count - job.labels_done, _remaining(job))


class _LeaseKeeper:
    """Extends a claim's lease every third of its length while the job is being sent."""

    def __init__(self, sessionmaker: SessionMaker, claim: Claim, lease: timedelta, clock):
        self.sessionmaker, self.claim, self.lease, self.clock = sessionmaker, claim, lease, clock
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"lease-{claim.job_id}", daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.lease.total_seconds() / 3):
            try:
                with self.sessionmaker.begin() as session:
                    session.execute(update(PrintJob)
                                    .where(PrintJob.id == self.claim.job_id, PrintJob.lease_token == self.claim.token)
                                    .values(lease_until=self.clock() + self.lease))
            except Exception:  # a database hiccup must not kill the send; the next beat tries again
                log.exception("could not extend the lease of print job %s", self.claim.job_id)

    def __enter__(self) -> _LeaseKeeper:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _deliver(claim: Claim, resolver) -> Outcome:
    try:
        resolver(claim.printer_url).send(claim.data, name=claim.name)
    except PrinterError as err:
        return Outcome(False, err.message, err.retryable, min(err.delivered, claim.labels_left), err.status)
    except PrinterUrlError as err:
        return Outcome(False, str(err), retryable=False)
    except Exception as err:  # a driver bug must not lose the job: it is recorded as failed, for a person
        log.exception("print job %s: unexpected error", claim.job_id)
        return Outcome(False, f"{type(err).__name__}: {err}", retryable=False)
    return Outcome(True, status=PrinterStatus(reachable=True, ready=True, detail="took the last job"))


def _record(sessionmaker: SessionMaker, claim: Claim, outcome: Outcome, now: datetime, *,
            printer_changed: bool = True) -> None:
    if outcome.ok:
        values = dict(state="done", labels_done=PrintJob.labels_count, sent_at=now, last_error=None)
    else:
        values = dict(state="queued" if outcome.retryable else "failed", last_error=outcome.error[:2000],
                      labels_done=PrintJob.labels_done + outcome.delivered,
                      next_attempt_at=now + backoff(claim.attempts))
    with sessionmaker.begin() as session:
        result = session.execute(update(PrintJob)
                                 .where(PrintJob.id == claim.job_id, PrintJob.lease_token == claim.token)
                                 .values(lease_token=None, lease_until=None, **values))
        if not result.rowcount:
            log.warning("print job %s: lease lost (cancelled or taken over); outcome not recorded: %s",
                        claim.job_id, outcome.error or "printed")
        if outcome.status is not None and printer_changed:
            record_status(session, url=claim.printer_url, status=outcome.status, at=now)


LANES = 4  # printers served at once


def _send(sessionmaker: SessionMaker, claim: Claim, resolver, lease: timedelta, clock) -> Outcome:
    with _LeaseKeeper(sessionmaker, claim, lease, clock):
        return _deliver(claim, resolver)


def deliver_due(sessionmaker: SessionMaker, *, now: datetime | None = None, resolver=from_url, limit: int = 50,
                lease: timedelta = LEASE, lanes: int = LANES) -> DeliveryStats:
    """Deliver up to `limit` due jobs. Each printer gets a lane of its own (up to `lanes` printers at once, one job
    at a time per printer), so a printer that hangs until its timeout holds up its own jobs only. A printer that
    fails is not tried again in the same pass, so one printer that is off costs one connection timeout, not one per
    waiting job. Outcomes are recorded here, in short transactions; no transaction is open while a lane sends."""
    clock = _clock(now)
    stats, skip = DeliveryStats(), set()
    seen: dict[str, PrinterStatus | None] = {}  # printer states already recorded in this pass
    busy: dict = {}  # future → claim
    with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="print-lane") as pool:
        while True:
            while len(busy) < lanes and stats.claimed < limit:
                in_use = frozenset(skip | {c.printer_url for c in busy.values()})
                claim = claim_due(sessionmaker, now=clock(), lease=lease, skip_urls=in_use)
                if claim is None:
                    break
                stats.claimed += 1
                busy[pool.submit(_send, sessionmaker, claim, resolver, lease, clock)] = claim
            if not busy:
                break
            finished, _ = wait(busy, return_when=FIRST_COMPLETED)
            for future in finished:
                claim = busy.pop(future)
                outcome = future.result()
                _record(sessionmaker, claim, outcome, clock(),
                        printer_changed=seen.get(claim.printer_url) != outcome.status)
                seen[claim.printer_url] = outcome.status
                if outcome.ok:
                    stats.done += 1
                    stats.labels += claim.labels_left
                else:
                    stats.labels += outcome.delivered
                    if outcome.retryable:
                        stats.retried += 1
                    else:
                        stats.failed += 1
                    skip.add(claim.printer_url)
    return stats


def run_worker(sessionmaker: SessionMaker, *, once: bool = False, poll: float = 1.0,
               stop_event: threading.Event | None = None, resolver=from_url, limit: int = 50,
               status_every: float = 60.0, policy: PrinterPolicy | None = None) -> DeliveryStats:
    """Deliver until `stop_event` is set (a thread inside the web app, or the `print-worker` command). With
    `once`, return as soon as nothing is deliverable (jobs waiting out a back-off are left for later). Idle,
    it refreshes the printers' states every `status_every` seconds for the queue page."""
    if policy is not None:  # every connection checked against the site's printer rules first
        resolver = policy.guard(resolver)
    stop = stop_event or threading.Event()
    total, last_check = DeliveryStats(), float("-inf")
    while not stop.is_set():
        stats = deliver_due(sessionmaker, resolver=resolver, limit=limit)
        total += stats
        if stats.claimed:
            continue
        if once:
            break
        if time.monotonic() - last_check >= status_every:
            last_check = time.monotonic()
            try:
                refresh_printers(sessionmaker, resolver=resolver)
            except Exception:
                log.exception("printer status refresh failed")
        stop.wait(poll)
    return total
