"""A statement as a background job (kind `statement`): the reports page queues it and the job worker writes the
file, so a long statement never holds a web worker. Read-only: a retry simply builds it again.

Parameters: the checked order (`name`, `format`, `period_kind`, `period_value`, `options`), `printed_by`, and
`words` — every word the statements print, translated by the shell when the job was queued (the worker has no
request and so no language).
"""
from __future__ import annotations

import io

from warehouse.db import utcnow
from warehouse.jobs.registry import Result, handler
from warehouse.jobs.services import BadJobParams
from warehouse.reports import MIME_TYPES
from warehouse.reports import statements


@handler("statement")
def write_statement(ctx) -> Result:
    p = ctx.params
    try:
        period = {p["period_kind"]: p["period_value"]} if p.get("period_kind") else {}
        order = statements.prepare(name=p["name"], fmt=p["format"], period=period, options=p.get("options") or {},
                                   today=utcnow().date())
    except (KeyError, TypeError):
        raise BadJobParams(kind=ctx.kind) from None  # no retry: another run would fail alike
    ctx.progress(0, 2, "reading")
    report = statements.build(ctx.session, order, words=p.get("words"), printed_by=p.get("printed_by", ""),
                              today=utcnow().date())
    ctx.progress(1, 2, "writing")
    out = io.BytesIO()
    from warehouse.reports import write
    write(report, order.fmt, out)
    ctx.progress(2, 2, "writing")
    return Result(file=out.getvalue(), filename=statements.filename(order),
                  content_type=MIME_TYPES[order.fmt].split(";")[0])
