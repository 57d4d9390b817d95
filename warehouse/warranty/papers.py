"""The warranty area's papers on the report base: the supplier return note (旧件退货单) and the monthly quality
information feedback form (质量信息反馈表).

Both are Chinese documents by their nature — the return note goes to the supplier with the parts, the feedback form
to the other departments — so their captions are fixed here in Chinese; the base's own words (page n of m, totals)
come in from the shell, rendered in zh_CN."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part, Supplier
from warehouse.db import utcnow
from warehouse.reports import Column, Labels, Report, render
from warehouse.warranty import quality
from warehouse.warranty.returns import get_batch

DEPARTMENT = "售后服务部"
SIGNATURES = ("制表", "审核", "负责人")
BATCH_WORDS = {"open": "待发运", "shipped": "已发运", "closed": "已结清"}
CAUSE_WORDS = {"quality": "质量", "human": "人为", "wear": "磨损", "installation": "安装", None: "未鉴定", "": "未鉴定"}


def return_note(session: Session, *, batch_no: str, printed_by: str, labels: Labels) -> bytes:
    """The return note of a supplier batch, one line per claim, as PDF."""
    batch = get_batch(session, batch_no)
    sup = session.get(Supplier, batch.supplier_id)
    parts = {p.id: p for p in session.scalars(select(Part).where(Part.id.in_([ln.part_id for ln in batch.lines])))}
    rows = [{"claim_no": ln.claim_no, "part_number": parts[ln.part_id].part_number,
             "name": parts[ln.part_id].name, "location": ln.location, "qty": ln.qty, "claimed": ln.claimed,
             "accepted_qty": ln.accepted_qty, "recovered": ln.recovered} for ln in batch.lines]
    report = Report(
        title="旧件退货单", period=batch.batch_no, department=DEPARTMENT, printed_by=printed_by,
        notes=[f"供应商：{sup.code} {sup.name}", f"状态：{BATCH_WORDS.get(batch.status, batch.status)}"],
        columns=[Column("claim_no", "索赔单号"), Column("part_number", "配件号"), Column("name", "名称", width=24),
                 Column("location", "货位"), Column("qty", "数量", "qty"), Column("claimed", "索赔金额", "money"),
                 Column("accepted_qty", "接受数量", "qty"), Column("recovered", "返还金额", "money")],
        rows=rows, totals=True, signatures=("发货人", "供应商签收", "负责人"), labels=labels)
    return render(report, "pdf")


def feedback_report(session: Session, *, month: str, printed_by: str, labels: Labels) -> Report:
    """质量信息反馈表 for a month (YYYY-MM): failures per part with the rate per 1,000 units sold, the main cause,
    the parts in alert and the incidents of the month."""
    start = date.fromisoformat(month + "-01")
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    rows = quality.failures(session, start=start, end=end, by="part")
    info = {p.part_number: (p.name, sup) for p, sup in session.execute(
        select(Part, Supplier.code).outerjoin(Supplier, Supplier.id == Part.supplier_id)
        .where(Part.part_number.in_([r["key"] for r in rows])))} if rows else {}
    causes = quality.main_causes(session, start=start, end=end)
    out = [{"part_number": r["key"], "name": info.get(r["key"], ("", None))[0],
            "supplier": info.get(r["key"], ("", None))[1] or "", "claims": r["claims"], "qty": r["qty"],
            "units": r["units"], "units_sold": r.get("units_sold") or 0,
            "per_1000": "" if r.get("per_1000") is None else f"{r['per_1000']:.2f}",
            "cause": CAUSE_WORDS.get(causes.get(r["key"]), causes.get(r["key"]) or "")} for r in rows]
    today = min(end - timedelta(days=1), utcnow().date())
    notes = [f"批量质量预警：{a['part_number']} {a['name']} 近30天 {a['recent']} 次（通常每30天 {a['usual']} 次）"
             for a in quality.alerts(session, today=today)]
    notes += [f"质量事件 {i['incident_no']}：{i['title']}（{i['status']}）" for i in quality.list_incidents(session)
              if i["opened_at"][:7] == month]
    return Report(
        title="质量信息反馈表", period=month, department=DEPARTMENT, printed_by=printed_by,
        notes=notes or ["本月无批量质量预警。"],
        columns=[Column("part_number", "配件号"), Column("name", "名称", width=22), Column("supplier", "供应商"),
                 Column("claims", "索赔次数", "qty"), Column("qty", "故障件数", "qty"),
                 Column("units", "故障台数", "qty"), Column("units_sold", "销售台数", "qty", total=False),
                 Column("per_1000", "千台故障率"), Column("cause", "主要原因")],
        rows=out, totals=True, signatures=SIGNATURES, labels=labels, sheet_name="质量信息反馈表")
