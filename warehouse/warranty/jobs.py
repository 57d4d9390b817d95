"""Imports as background jobs (kinds `unit_import`, `fits_import`), so 100,000 rows never hold a web worker.

Parameters: `attachment_id` (the file, kept as an `import` attachment by the shell after its content check) and for
units `today` (the date rows are checked against, fixed when the job is queued). Rule 1 of docs/jobs.md: the rows
are checked through the read session with progress ("checking"), the report of bad rows is the job's row errors,
and the good rows are written by `Result.apply`, in the one transaction that marks the job done — so a retry after
a crash writes nothing twice, and importing the same file again changes nothing (imports.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from warehouse.attachments import content
from warehouse.attachments.content import SPREADSHEETS
from warehouse.attachments.models import Attachment
from warehouse.jobs import services as jobs
from warehouse.jobs.models import Job
from warehouse.jobs.registry import Result, handler
from warehouse.jobs.services import BadJobParams
from warehouse.warranty.imports import import_fits, import_units, read_fit_rows, read_rows


def _file(ctx) -> tuple[bytes, str]:
    att_id = ctx.params.get("attachment_id")
    row = ctx.session.execute(select(Attachment.data, Attachment.filename).where(
        Attachment.id == att_id, Attachment.owner_kind == "import")).first() if isinstance(att_id, int) else None
    if row is None or row.data is None:
        raise BadJobParams(kind=ctx.kind)
    return row.data, row.filename


@handler("unit_import")
def unit_import(ctx) -> Result:
    data, filename = _file(ctx)
    try:
        today = date.fromisoformat(ctx.params["today"])
    except (KeyError, TypeError, ValueError):
        raise BadJobParams(kind=ctx.kind) from None
    ctx.progress(0, None, "checking")
    checked = import_units(ctx.session, read_rows(data, filename), today=today, dry_run=True,
                           progress=lambda n: ctx.progress(n, None, "checking"))
    ctx.progress(checked.rows, checked.rows, "writing")

    def apply(session):
        import_units(session, read_rows(data, filename), today=today)

    return Result(row_errors=checked.errors, apply=apply, file=_summary_file(checked), filename="unit-import.json",
                  content_type="application/json")


@handler("fits_import")
def fits_import(ctx) -> Result:
    data, filename = _file(ctx)
    ctx.progress(0, None, "checking")
    checked = import_fits(ctx.session, read_fit_rows(data, filename), dry_run=True,
                          progress=lambda n: ctx.progress(n, None, "checking"))
    ctx.progress(checked.rows, checked.rows, "writing")

    def apply(session):
        import_fits(session, read_fit_rows(data, filename))

    return Result(row_errors=checked.errors, apply=apply, file=_summary_file(checked), filename="fits-import.json",
                  content_type="application/json")


def _summary_file(result) -> bytes:
    """The counts as a small JSON file (the job's result): rows read, unchanged, bad (the rest were written)."""
    import json

    return json.dumps({"rows": result.rows, "unchanged": result.unchanged, "bad_rows": len(result.errors)}).encode()


# --- what the shell calls ---------------------------------------------------------------------------------------------

KINDS = {"units": "unit_import", "fits": "fits_import"}


def dry_run(session, *, what: str, data: bytes, filename: str | None, today: date) -> dict:
    """Check a file without keeping it: every bad row with its reason, and the counts (nothing is written)."""
    checked = content.check(data, filename=filename, accepts=SPREADSHEETS)
    if what == "units":
        result = import_units(session, read_rows(checked.data, checked.filename), today=today, dry_run=True)
    else:
        result = import_fits(session, read_fit_rows(checked.data, checked.filename), dry_run=True)
    return {**result.as_dict(), "written": 0, "dry_run": True}


def queue_import(session, *, what: str, data: bytes, filename: str | None, today: date, actor: str,
                 role: str) -> Job:
    """Keep the file as an `import` attachment (checked by its content) and queue its import job."""
    from warehouse.attachments import services as attachments

    att = attachments.attach(session, owner_kind="import", owner_key=what, filename=filename, data=data,
                             actor=actor, role=role)
    return jobs.enqueue(session, kind=KINDS[what], params={"attachment_id": att["id"], "today": today.isoformat()},
                        actor=actor)
