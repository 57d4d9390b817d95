"""Print-queue use cases: queue labels, reprint, cancel, name printers, and the queue as the web page shows it.

Every label is validated (and the whole job rendered) before a row is written, so bad data queues nothing. These
functions flush but never commit: the caller frames the transaction. Delivery is the worker's (worker.py).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

import labels
from labels.printers import Printer, PrinterStatus, PrinterUrlError, from_url
from warehouse.db import insert_for, utcnow
from warehouse.errors import Conflict, DomainError, NotFound, ValidationError
from warehouse.printing.models import LabelPrinter, PrintJob
from warehouse.printing.policy import PrinterPolicy

MAX_COPIES = 500
MAX_LABELS = 2000  # per job; a bigger batch is several jobs, so that one failure does not hold up the rest


class InvalidLabel(DomainError):
    """Label data that cannot make a scannable label; `code` is the label error's (missing_field, too_long, …),
    `label` which label of the job (from 1), `detail` the labels package's technical reason (English, for logs and
    API details: the translated message names the label and the field)."""

    def __init__(self, err: labels.LabelError, *, template: str | None = None):
        self.code = err.code
        super().__init__(template=template, field=err.field, label=(err.index or 0) + 1, detail=err.reason)


class BadPrinterUrl(DomainError):
    code = "bad_printer_url"


def printer_for(url: str) -> Printer:
    try:
        return from_url(url)
    except PrinterUrlError as err:
        raise BadPrinterUrl(url=url, detail=str(err)) from None


def _render(template: str, items: list[dict], copies: int, printer: Printer) -> bytes:
    """The job's bytes, each label repeated `copies` times in a row (part, part, next part, next part).
    render_batch lays out every label before rendering any, so bad data fails before work is wasted."""
    expanded = [item for item in items for _ in range(copies)]
    try:
        return labels.render_batch(template, expanded, fmt=printer.lang, dpi=printer.dpi, size_mm=printer.size_mm)
    except labels.LabelError as err:
        if err.index is not None:  # name the caller's item, not the expanded copy
            err = labels.LabelError(err.code, err.reason, field=err.field).at(err.index // copies)
        raise InvalidLabel(err, template=template) from None


def enqueue(session: Session, *, template: str, items: list[dict], printer_url: str, copies: int = 1,
            actor: str) -> PrintJob:
    """Store one job of `items` × `copies` labels for `printer_url`, rendered for that printer, state `queued`."""
    if not isinstance(items, list) or not items:
        raise ValidationError(field="items", reason="empty_job")
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError(field="copies", reason="out_of_range", min=1, max=MAX_COPIES)
    if len(items) * copies > MAX_LABELS:
        raise ValidationError(field="items", reason="too_many_labels", labels=len(items) * copies, max=MAX_LABELS)
    printer = printer_for(printer_url)
    rendered = _render(template, items, copies, printer)
    job = PrintJob(template=template, payload=json.loads(json.dumps(items, default=str)), lang=printer.lang,
                   dpi=printer.dpi, printer_url=printer_url, copies=copies, labels_count=len(items) * copies,
                   labels_done=0, state="queued", attempts=0, next_attempt_at=utcnow(), created_by=actor,
                   rendered=rendered)
    session.add(job)
    session.flush()
    return job


def _get(session: Session, job_id: int) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(reason="print_job", job_id=job_id)
    return job


# What a job's output is called when it is downloaded: the file type of each printer language.
OUTPUT_TYPES = {"pdf": ("application/pdf", "pdf"), "zpl": ("application/octet-stream", "zpl"),
                "tspl": ("application/octet-stream", "tspl")}


def job_preview(session: Session, *, job_id: int) -> bytes:
    """The job's first label as a PNG, drawn from the job's template and data at the job's resolution: what a clerk
    checks before (or instead of) walking to the printer."""
    job = _get(session, job_id)
    try:
        return labels.render(job.template, job.payload[0], fmt="png", dpi=job.dpi)
    except labels.LabelError as err:
        raise InvalidLabel(err, template=job.template) from None


def job_output(session: Session, *, job_id: int) -> tuple[bytes, str, str]:
    """(the exact bytes the printer gets, content type, file name): a PDF, or the ZPL/TSPL printer file."""
    job = _get(session, job_id)
    mime, ext = OUTPUT_TYPES.get(job.lang, ("application/octet-stream", job.lang))
    return job.rendered, mime, f"job{job.id}-{job.template}.{ext}"


def delivered_file(session: Session, *, job_id: int) -> str | None:
    """For a job delivered to a folder printer (`file://`), the path of the file it became; else None."""
    job = _get(session, job_id)
    if job.state != "done" or not job.printer_url.startswith("file:"):
        return None
    try:
        printer = printer_for(job.printer_url)
    except DomainError:
        return None
    find = getattr(printer, "find", None)
    return find(f"job{job.id}-{job.template}") if find else None


def reprint(session: Session, *, job_id: int, actor: str, printer_url: str | None = None) -> PrintJob:
    """A person's decision to print a finished job's labels again: a new queued job (the same bytes, or rendered
    anew for another printer). Jobs still queued or being sent are refused: they will print anyway."""
    original = _get(session, job_id)
    if original.state in ("queued", "sending"):
        raise Conflict(reason="job_not_finished", job_id=job_id, state=original.state)
    if printer_url is None or printer_url == original.printer_url:
        printer_url, lang, dpi, rendered = original.printer_url, original.lang, original.dpi, original.rendered
    else:
        printer = printer_for(printer_url)
        lang, dpi = printer.lang, printer.dpi
        rendered = _render(original.template, original.payload, original.copies, printer)
    job = PrintJob(template=original.template, payload=original.payload, lang=lang, dpi=dpi,
                   printer_url=printer_url, copies=original.copies, labels_count=original.labels_count,
                   labels_done=0, state="queued", attempts=0, next_attempt_at=utcnow(), created_by=actor,
                   reprint_of_id=original.id, rendered=rendered)
    session.add(job)
    session.flush()
    return job


def cancel(session: Session, *, job_id: int, actor: str) -> PrintJob:
    """Stop a job that has not printed: queued, failed, or stuck in `sending` under an expired lease. The UPDATE
    is conditional, so it cannot overtake a worker that has just claimed the job. Cancelling twice is a no-op."""
    now = utcnow()
    cancellable = or_(PrintJob.state.in_(("queued", "failed")),
                      (PrintJob.state == "sending") & (PrintJob.lease_until < now))
    result = session.execute(
        update(PrintJob).where(PrintJob.id == job_id, cancellable)
        .values(state="cancelled", cancelled_by=actor, lease_token=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    job = _get(session, job_id)
    session.refresh(job)  # the UPDATE went around the session
    if result.rowcount:
        return job
    if job.state == "done":
        raise Conflict(reason="job_printed", job_id=job_id)
    elif job.state == "sending":
        raise Conflict(reason="job_sending", job_id=job_id)
    return job


def job_dict(job: PrintJob) -> dict:
    return {"job_id": job.id, "template": job.template, "state": job.state, "printer": job.printer_url,
            "labels": job.labels_count, "labels_done": job.labels_done, "copies": job.copies,
            "attempts": job.attempts, "last_error": job.last_error, "created_by": job.created_by,
            "created_at": job.created_at.isoformat(), "sent_at": job.sent_at.isoformat() if job.sent_at else None,
            "reprint_of": job.reprint_of_id}


def printer_dict(p: LabelPrinter) -> dict:
    return {"name": p.name, "url": p.url, "reachable": p.reachable, "ready": p.ready, "paper_out": p.paper_out,
            "head_open": p.head_open, "paused": p.paused, "detail": p.detail,
            "checked_at": p.checked_at.isoformat() if p.checked_at else None}


@dataclass(frozen=True)
class QueueView:
    jobs: list[PrintJob]  # newest first
    counts: dict[str, int]  # jobs per state, over the whole queue
    printers: list[LabelPrinter]


def queue_view(session: Session, *, states: Iterable[str] | None = None, printer_url: str | None = None,
               limit: int = 100, offset: int = 0) -> QueueView:
    query = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit).offset(offset)
    if states:
        query = query.where(PrintJob.state.in_(list(states)))
    if printer_url:
        query = query.where(PrintJob.printer_url == printer_url)
    counts = dict(session.execute(select(PrintJob.state, func.count()).group_by(PrintJob.state)).all())
    printers = session.scalars(select(LabelPrinter).order_by(LabelPrinter.name, LabelPrinter.url)).all()
    return QueueView(list(session.scalars(query)), counts, list(printers))


def allowed_printer(session: Session, url: str | None, *, default: str) -> str:
    """The printer a request may use: the site default or a named (registered) one. A browser must not be able to
    make the server open connections to any host it names."""
    if not url or url == default:
        return default
    if session.scalar(select(LabelPrinter.id).where(LabelPrinter.url == url)) is None:
        raise BadPrinterUrl(reason="not_registered", url=url)
    return url


def register_printer(session: Session, *, name: str, url: str, policy: PrinterPolicy) -> LabelPrinter:
    """Name a printer URL (creating or renaming its row), if the site's printer rules allow it (policy.py)."""
    policy.check(url)
    printer_for(url)
    row = session.scalar(select(LabelPrinter).where(LabelPrinter.url == url))
    if row is None:
        row = LabelPrinter(url=url)
        session.add(row)
    row.name = name
    session.flush()
    return row


def record_status(session: Session, *, url: str, status: PrinterStatus, at: datetime | None = None) -> None:
    """Upsert a printer's last known state (an INSERT … ON CONFLICT, so two workers cannot collide)."""
    values = dict(reachable=status.reachable, ready=status.ready, paper_out=status.paper_out,
                  head_open=status.head_open, paused=status.paused, detail=status.detail[:500],
                  checked_at=at or utcnow())
    session.execute(insert_for(session)(LabelPrinter).values(url=url, **values)
                    .on_conflict_do_update(index_elements=[LabelPrinter.url], set_=values))


# Checking printers is three steps so that no database transaction stays open while a printer is asked (a stalled
# printer once held a row lock for 84 s): read the URLs and end the transaction, ask every printer at once (no
# database), record the answers in one short transaction.

def printers_to_check(session: Session) -> list[str]:
    """Every named printer and every printer with jobs waiting."""
    urls = set(session.scalars(select(LabelPrinter.url)))
    urls |= set(session.scalars(select(PrintJob.printer_url).where(PrintJob.state.in_(("queued", "sending")))))
    return sorted(urls)


PROBE_THREADS = 8


def probe(urls: list[str], *, resolver=from_url) -> dict[str, PrinterStatus]:
    """Ask each printer for its status, in parallel: the whole check takes as long as the slowest printer's bounded
    timeout, not the sum of them. Opens connections; touches no database."""
    def ask(url: str) -> PrinterStatus:
        try:
            return resolver(url).status()
        except PrinterUrlError as err:
            return PrinterStatus.unreachable(str(err))
        except Exception as err:  # noqa: BLE001 - one driver's bug must not hide the other printers' states
            return PrinterStatus.unreachable(f"{type(err).__name__}: {err}")

    if not urls:
        return {}
    with ThreadPoolExecutor(max_workers=min(PROBE_THREADS, len(urls)), thread_name_prefix="printer-probe") as pool:
        return dict(zip(urls, pool.map(ask, urls)))


def record_statuses(session: Session, *, statuses: dict[str, PrinterStatus]) -> int:
    at = utcnow()
    for url, status in statuses.items():
        record_status(session, url=url, status=status, at=at)
    return len(statuses)


def refresh_printers(sessionmaker, *, resolver=from_url) -> int:
    """The three steps, each database step in its own short transaction (for the worker)."""
    with sessionmaker() as session:
        urls = printers_to_check(session)
    statuses = probe(urls, resolver=resolver)
    with sessionmaker.begin() as session:
        return record_statuses(session, statuses=statuses)
