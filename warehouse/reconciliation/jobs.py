"""The reconciliation export as a background job (kind `reconciliation_export`): a whole store's XLSX or PDF is
built by the job worker instead of inside a web request. Read-only, so a retry simply builds it again.

Parameters: the report's filters (`store`, `stocktake`, `status`, `zone`), `format` (xlsx | pdf) and the words in the
reader's language, fixed by the shell when the job is queued (`title`, `captions`, `words`, and for PDF `more_rows`):
the worker has no request and so no language of its own.
"""
from __future__ import annotations

from warehouse.jobs.registry import Result, handler
from warehouse.jobs.services import BadJobParams
from warehouse.reconciliation import export
from warehouse.reconciliation.queries import reconcile

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


@handler("reconciliation_export")
def export_reconciliation(ctx) -> Result:
    p = ctx.params
    fmt = p.get("format", "xlsx")
    if fmt not in FORMATS:
        raise BadJobParams(kind=ctx.kind)  # no retry: another run would fail alike
    ctx.progress(0, 2, "reading")
    report = reconcile(ctx.session, store=p.get("store"), stocktake=p.get("stocktake"), status=p.get("status"),
                       zone=p.get("zone"))
    ctx.progress(1, 2, "writing")
    words = {"title": p["title"], "captions": p["captions"], "words": p["words"]}
    if fmt == "pdf":
        data = export.to_pdf(report, **words, more_rows=p["more_rows"])
    else:
        data = export.to_xlsx(report, **words)
    ctx.progress(2, 2, "writing")
    return Result(file=data, filename=f"reconciliation-{report['store'].lower()}.{fmt}", content_type=FORMATS[fmt])
