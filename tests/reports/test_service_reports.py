"""`service-weekly` and `service-monthly` (CONTRACT §7) on the report base: from the CLI (PDF text extracted and a
page rendered, XLSX reopened, CSV with its BOM), bad input exits 2 and writes nothing, the reports page queues them
for the customer supervisor; the complaint, callback and service-quality sections are filled from the KPI registry
(every KPI wired), checked against values worked out by hand from the data below."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
import pypdfium2
import pytest
from sqlalchemy import func, select

from warehouse.db import utcnow
from warehouse.jobs.models import Job
from warehouse.care.models import Checklist, Inspection, ServiceCheck
from warehouse.service import clock
from warehouse.service.models import Callback, Complaint, Handoff, KpiTarget, Ticket
from warehouse.warranty.models import Customer



def week_of(at) -> str:
    return f"{at.isocalendar().year}-W{at.isocalendar().week:02d}"


@pytest.fixture
def data(session):
    """This week (t0 = Monday, or the 1st when the month began later in the week):
    - 2 repairs for customer 甲 (one reached in time and completed, one late), a maintenance job completed for 乙,
      1 inquiry answered, 2 complaints by 甲 (one answered in 2 hours, given a result and closed; one not answered),
      a hand-off; a target for repair timeliness;
    - calls: the repair called back twice (satisfied, 5; not satisfied, 2), the maintenance job not reached;
    - service checks of agent1: one compliant, one not; one station inspection scoring 80 of 100.
    The care clock is set 30 hours after t0: the unanswered complaint's 24 hours are over."""
    now = utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = max(monday, now.replace(day=1, hour=0, minute=0, second=0, microsecond=0))  # in this week and month
    month, thursday = f"{now:%Y-%m}", f"{monday + timedelta(days=3):%Y-%m}"
    clock.set_now(t0 + timedelta(hours=30))
    jia, yi = Customer(name="甲"), Customer(name="乙")
    session.add_all([jia, yi])
    session.flush()
    t = [Ticket(ticket_no=f"TK-R-{i}", kind=kind, category="device", description="x", created_by="agent1",
                created_at=t0, status="open", **clocks)
         for i, (kind, clocks) in enumerate([
             ("repair", {"assignee": "tech1", "assignee_kind": "technician", "due_at": t0 + timedelta(minutes=50),
                         "arrived_at": t0 + timedelta(minutes=30), "completed_at": t0 + timedelta(minutes=40),
                         "customer_id": jia.id}),
             ("repair", {"assignee": "tech2", "assignee_kind": "technician", "due_at": t0 + timedelta(minutes=1),
                         "arrived_at": t0 + timedelta(minutes=31), "customer_id": jia.id}),
             ("inquiry", {"answered_at": t0 + timedelta(minutes=20)}),
             ("complaint", {"customer_id": jia.id}),
             ("complaint", {"customer_id": jia.id, "answered_at": t0 + timedelta(hours=2)}),
             ("maintenance", {"assignee": "tech1", "assignee_kind": "technician",
                              "completed_at": t0 + timedelta(minutes=10), "customer_id": yi.id})])]
    session.add_all(t)
    session.flush()
    sheet = Checklist(code="CALL-1", name="回访规范", target="call", pass_score=80, created_by="m")
    station_sheet = Checklist(code="ST-1", name="站点巡查", target="station", created_by="m")
    session.add_all([sheet, station_sheet])
    session.flush()
    day = lambda h: t0 + timedelta(hours=h)  # noqa: E731
    session.add_all([
        Callback(ticket_id=t[0].id, satisfied=True, score=5, actor="agent1", at=t0 + timedelta(minutes=45)),
        Callback(ticket_id=t[0].id, satisfied=False, score=2, actor="agent1", at=t0 + timedelta(minutes=46)),
        Callback(ticket_id=t[5].id, reached=False, actor="agent1", at=t0 + timedelta(minutes=50)),
        Complaint(ticket_id=t[3].id, responsible="agent1", severity="normal", response_due=day(24),
                  result_due=day(24 * 7)),
        Complaint(ticket_id=t[4].id, responsible="agent1", severity="normal", response_due=day(24),
                  result_due=day(24 * 7), result="已更换", result_at=day(3), closed_at=day(3), closed_by="agent1"),
        ServiceCheck(kind="call", agent="agent1", checklist_id=sheet.id, checked_at=day(1), checker="m", score=90,
                     max_score=100, pass_score=80, compliant=True),
        ServiceCheck(kind="call", agent="agent1", checklist_id=sheet.id, checked_at=day(1), checker="m", score=60,
                     max_score=100, pass_score=80, compliant=False),
        Inspection(target_kind="station", target_code="S01", target_name="一站", region="华东",
                   checklist_id=station_sheet.id, inspected_on=t0.date(), inspector="m", score=80, max_score=100),
        Handoff(ticket_id=t[3].id, department="品质部", question="?", due_at=t0 + timedelta(days=30),
                created_by="agent1", created_at=t0),
        # the month's target; a week across two months answers to its Thursday's month (set the same there)
        *(KpiTarget(month=m, kpi="repair_timeliness_rate", target=0.9, set_by="m") for m in {month, thursday})])
    session.commit()
    yield {"week": week_of(now), "month": month}
    clock.set_now(None)


def pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", "")


def test_weekly_report_from_the_cli_in_each_format(runner, data, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    out = {fmt: tmp_path / f"w.{fmt}" for fmt in ("pdf", "csv", "xlsx")}
    for fmt, path in out.items():
        r = runner.invoke(args=["report", "service-weekly", "--week", data["week"], "-o", str(path)])
        assert r.exit_code == 0, r.output
    raw = out["pdf"].read_bytes()
    text = pdf_text(raw)
    for word in ("客服周报", "受理", "催办", "答复", "回访", "投诉", "维修及时率", "首次响应"):
        assert word in text, word
    assert "尚未提供" not in text  # every KPI of the registry is wired
    # repair timeliness: 1 of 2 in time → 50.00%, target 90.00% missed
    assert "50.00%" in text and "90.00%" in text and "未达标" in text
    page = pypdfium2.PdfDocument(raw)[0].render(scale=1).to_pil().convert("L")
    assert page.size[0] > 500 and min(page.getdata()) < 80  # something dark is drawn: text, not a blank page
    csv = out["csv"].read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["栏目", "项目", "数量"]
    assert any(ln.startswith("回访,回访次数,2") for ln in lines), lines
    ws = openpyxl.load_workbook(io.BytesIO(out["xlsx"].read_bytes())).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    timeliness = next(r for r in rows if r[1] == "维修及时率（按时到场）")
    assert float(timeliness[3]) == 0.5 and timeliness[5] == "90.00%"
    by_item = {r[1]: r for r in rows}
    assert by_item["不满意（已重开）"][2] == 1
    assert by_item["未接通的回访（再拨）"][2] == 1
    assert by_item["已结案的投诉"][2] == 1 and by_item["期末未结案的投诉"][2] == 1
    kpi = {name: by_item[label] for name, label in (
        ("complaint_rate", "投诉率（按客户）"), ("complaint_response_rate", "投诉24小时响应率"),
        ("callback_completion_rate", "回访完成率（已回访 / 应回访）"), ("compliance_rate", "服务规范符合率"),
        ("station_inspection_score", "站点巡查得分率（得分/满分）"))}
    # complaints: 甲 complained twice and counts once; served: 甲 (repair completed) and 乙 (maintenance) → 1 / 2
    assert float(kpi["complaint_rate"][3]) == 0.5 and kpi["complaint_rate"][6] == "1 / 2"
    # answered in 2 hours: in time; the other not answered and its 24 hours are over (clock at t0 + 30 h) → 1 / 2
    assert float(kpi["complaint_response_rate"][3]) == 0.5
    # jobs completed: the repair (called back, reached) and the maintenance job (not reached: not made) → 1 / 2
    assert float(kpi["callback_completion_rate"][3]) == 0.5
    # checks: one compliant of two → 0.5; the station: 80 of 100 points → 0.8
    assert float(kpi["compliance_rate"][3]) == 0.5 and float(kpi["station_inspection_score"][3]) == 0.8
    score = next(r for r in rows if r[1].startswith("平均满意度"))
    assert float(score[4]) == 3.5  # (5 + 2) / 2 reached calls with a score; the call not reached has none


def test_monthly_report_has_breakdowns_and_a_chart(runner, data, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    out = tmp_path / "m.pdf"
    r = runner.invoke(args=["report", "service-monthly", "--month", data["month"], "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = pdf_text(out.read_bytes())
    assert "客服月报" in text and "按技术员" in text and "tech1" in text and "指标与目标" in text
    x = tmp_path / "m.xlsx"
    assert runner.invoke(args=["report", "service-monthly", "--month", data["month"], "-o", str(x)]).exit_code == 0
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(x).active.iter_rows(min_row=3)]
    tech1 = next(r for r in rows if r[0] == "按技术员" and r[1].startswith("tech1 · 维修及时率"))
    assert float(tech1[3]) == 1.0
    # the service-quality analysis by agent and by station, from the same hand-made records
    compliance = next(r for r in rows if r[0] == "按客服" and r[1] == "agent1 · 服务规范符合率")
    station = next(r for r in rows if r[0] == "按维修站" and r[1].startswith("S01 · 站点巡查得分率"))
    assert float(compliance[3]) == 0.5 and float(station[3]) == 0.8


def test_a_week_across_two_months_answers_to_its_thursdays_targets(runner, session, tmp_path, monkeypatch):
    """2026-W49 runs from Monday 30 November to Sunday 6 December: December's target, not November's."""
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    session.add_all([KpiTarget(month="2026-11", kpi="repair_timeliness_rate", target=0.5, set_by="m"),
                     KpiTarget(month="2026-12", kpi="repair_timeliness_rate", target=0.9, set_by="m")])
    session.commit()
    x = tmp_path / "w.xlsx"
    r = runner.invoke(args=["report", "service-weekly", "--week", "2026-W49", "-o", str(x)])
    assert r.exit_code == 0, r.output
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(x).active.iter_rows(min_row=3)]
    assert next(r for r in rows if r[1] == "维修及时率（按时到场）")[5] == "90.00%"


@pytest.mark.parametrize("args, says", [
    (["service-weekly", "--week", "2025-W54"], "not a valid period"),
    (["service-weekly", "--month", "2025-01"], "week"),
    (["service-monthly", "--month", "2025-13"], "not a valid period"),
    (["service-monthly", "--month", "2099-01"], "has not begun"),
    (["service-monthly"], "required"),
    (["service-weekly", "--week", "2025-W02", "--format", "doc"], "pdf, csv, xlsx"),
])
def test_cli_bad_input_exits_2_and_writes_nothing(runner, tmp_path, args, says, monkeypatch):
    monkeypatch.setenv("LANG", "C")
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "x.pdf"
    r = runner.invoke(args=["report", *args, "-o", str(out)])
    assert r.exit_code == 2 and says in r.output, r.output
    assert list(out.parent.iterdir()) == []


def test_reports_page_offers_them_to_the_customer_supervisor(client, auth, session):
    auth.login("customer_supervisor")
    html = client.get("/reports").get_data(as_text=True)
    assert "客服周报" in html and "客服月报" in html
    r = client.post("/reports", data={"name": "service-weekly", "period_kind": "week", "week": week_of(utcnow()),
                                      "format": "pdf"})
    assert r.status_code == 302 and re.search(r"/jobs/\d+", r.headers["Location"])
    assert session.scalar(select(func.count()).select_from(Job)) == 1
    session.rollback()
    auth.login("finance")  # reports.read but not kpis.read
    assert "客服周报" not in client.get("/reports").get_data(as_text=True)
