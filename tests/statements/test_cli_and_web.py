"""`flask report` (CONTRACT §7): files in every format, exit code 2 with a clear message on bad input. The reports
page: a statement is queued as a job (never written inside the request), a job worker writes it, the owner
downloads it; bad input answers 400 and queues nothing; each role sees the statements it may read."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal

import openpyxl
import pypdfium2
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from tests.factories import make_bin, make_part, today
from warehouse.jobs.models import Job
from warehouse.jobs.worker import run_worker
from warehouse.ledger.models import Move
from warehouse.ledger.services import issue, receive


@pytest.fixture
def data(app, session):
    make_part(session, part_number="A", name="压缩机", category="空调")
    make_bin(session, "N-A01-01")
    m1 = receive(session, part_number="A", location="N-A01-01", qty=10, unit_cost=Decimal("12.50"), actor="t")
    m2 = issue(session, part_number="A", location="N-A01-01", qty=4, actor="t")
    for m, day in ((m1, 3), (m2, 9)):
        session.execute(update(Move).where(Move.id == m.move_id)
                        .values(created_at=datetime(2024, 5, day, tzinfo=timezone.utc)))
    session.commit()


@pytest.mark.parametrize("fmt", ["pdf", "csv", "xlsx"])
def test_cli_writes_each_format(runner, data, tmp_path, fmt, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    out = tmp_path / f"m.{fmt}"
    r = runner.invoke(args=["report", "monthly-movements", "--month", "2024-05", "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    if fmt == "pdf":
        text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range().replace("\r\n", "")
        assert "配件收发月统计表" in text and "压缩机" in text and "75.00" in text and "第 1 页，共 1 页" in text
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf") and "合计".encode() in data
    else:
        ws = openpyxl.load_workbook(io.BytesIO(data)).active
        total = [c.value for c in ws[ws.max_row]]
        assert total[0] == "合计" and total[-2:] == [6, 75]


@pytest.fixture
def dealer(app, session):
    from warehouse.dealers.services import create_dealer
    create_dealer(session, code="D001", name="华东经销商")
    session.commit()


@pytest.mark.parametrize("args, says", [
    (["monthly-movements", "--month", "2024-13"], "not a valid period"),
    (["monthly-movements", "--month", "2099-01"], "has not begun"),
    (["monthly-movements", "--day", "2024-05-01"], "month"),
    (["monthly-movements", "--month", "2024-05", "--week", "2024-W20"], "one period"),
    (["monthly-movements"], "required"),
    (["no-such-report", "--month", "2024-05"], "no report no-such-report"),
    (["monthly-profit", "--month", "2099-01"], "has not begun"),
    (["monthly-profit", "--month", "2024-00"], "not a valid period"),
    (["monthly-profit", "--month", "2024-05", "--format", "docx"], "pdf, csv, xlsx"),
    (["daily-orders", "--day", "2024-02-30"], "not a valid period"),
    (["daily-orders", "--month", "2024-05"], "day"),
    (["dealer-statement", "--month", "2024-05", "--dealer", "D999"], "D999"),
    (["dealer-statement", "--month", "2024-05"], "dealer"),
    (["dealer-statement", "--month", "this-month", "--dealer", "D001"], "has not ended"),
    (["repair-stock", "--month", "2099-12"], "has not begun"),
    (["stock", "--day", "2024-02-30"], "not a valid period"),
    (["stock", "--month", "2024-05", "--format", "doc"], "pdf, csv, xlsx"),
    (["stocktake-variance", "--stocktake", "77"], "77"),
    (["stock", "--month", "2024-05", "--dealer", "D9"], "does not take"),
])
def test_cli_bad_input_exits_2(runner, data, dealer, tmp_path, args, says, monkeypatch):
    monkeypatch.setenv("LANG", "C")
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "x.pdf"
    args = [f"{today():%Y-%m}" if a == "this-month" else a for a in args]  # read when the test runs, not collected
    r = runner.invoke(args=["report", *args, "-o", str(out)])
    assert r.exit_code == 2 and says in r.output, r.output
    assert list(out.parent.iterdir()) == []  # nothing half-written


def test_page_queues_a_job_the_worker_writes_it(app, client, auth, session, data):
    auth.login("finance")
    page = client.get("/reports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "配件收发月统计表" in html and "库存计划" in html and "质量信息反馈表" not in html  # finance: no claims
    r = client.post("/reports", data={"name": "monthly-movements", "period_kind": "month", "month": "2024-05",
                                      "format": "xlsx"})
    assert r.status_code == 302
    job_id = int(re.search(r"/jobs/(\d+)", r.headers["Location"]).group(1))
    job = session.get(Job, job_id)
    assert job.state == "queued" and job.params["words"]["Monthly parts receipts and issues"] == "配件收发月统计表"
    session.rollback()  # let the worker write
    with app.app_context():
        from service_app.extensions import db
        run_worker(sessionmaker(bind=db.engine, expire_on_commit=False), once=True)
    session.expire_all()
    assert session.get(Job, job_id).state == "done"
    got = client.get(f"/api/v1/jobs/{job_id}/result")
    assert got.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(got.data)).active
    assert ws["A1"].value.startswith("售后服务部") and [c.value for c in ws[ws.max_row]][-2:] == [6, 75]


@pytest.mark.parametrize("form", [
    {"name": "monthly-movements", "period_kind": "month", "month": "2099-01", "format": "pdf"},
    {"name": "monthly-movements", "period_kind": "month", "month": "2024-13", "format": "pdf"},
    {"name": "monthly-movements", "period_kind": "month", "month": "2024-05", "format": "doc"},
    {"name": "nope", "period_kind": "month", "month": "2024-05", "format": "pdf"},
    {"name": "stocktake-variance", "stocktake": "9999", "format": "pdf"},
    {"name": "dealer-statement", "period_kind": "month", "month": "2024-05", "dealer": "D999", "format": "pdf"},
    {"name": "dealer-statement", "period_kind": "month", "month": "2024-05", "format": "pdf"},
    {"name": "monthly-profit", "period_kind": "month", "month": "2099-01", "format": "pdf"},
    {"name": "monthly-profit", "period_kind": "month", "month": "2024-05", "format": "docx"},
    {"name": "daily-orders", "period_kind": "day", "day": "2024-13-01", "format": "csv"},
])
def test_page_bad_input_is_4xx_and_queues_nothing(client, auth, session, form, dealer):
    auth.login("manager")
    r = client.post("/reports", data=form)
    assert 400 <= r.status_code < 500
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_roles(client, auth):
    auth.login("customer_supervisor")
    html = client.get("/reports").get_data(as_text=True)
    assert "质量信息反馈表" in html and "配件收发月统计表" not in html
    assert client.get("/reports/charts/failures.svg").status_code == 200
    assert client.get("/reports/charts/issues.svg").status_code == 403
    r = client.post("/reports", data={"name": "stock", "period_kind": "month", "month": "2024-05", "format": "pdf"})
    assert r.status_code == 403
    assert client.get("/stock-plan").status_code == 403


def test_stock_plan_page_creates_requests(client, auth, session, data):
    auth.login("new_store_clerk")
    html = client.get("/stock-plan?all=1").get_data(as_text=True)
    assert "压缩机" in html
    r = client.post("/stock-plan/requests", data={"part": "A", "qty-A": "7"})
    assert r.status_code == 302
    html = client.get("/stock-plan").get_data(as_text=True)
    no = re.search(r"PR-\d{8}-\d+", html).group(0)
    assert ">7<" in html.replace(" ", "")
    client.post(f"/stock-plan/requests/{no}/cancel")
    assert "已取消" in client.get("/stock-plan").get_data(as_text=True)


def test_cli_new_statements_in_chinese(runner, tmp_path, monkeypatch, session):
    from tests.statements.sales_data import build as build_data
    build_data(session)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for args, title, figure in ((["monthly-profit", "--month", "2024-05"], "售后配件月利润表", "156.40"),
                                (["daily-orders", "--day", "2024-05-06"], "订单日统计表", "139.55"),
                                (["dealer-statement", "--month", "2024-05", "--dealer", "D001"], "经销商往来对账单",
                                 "64.50"),
                                (["repair-stock", "--month", "2024-05"], "月度维修库存记录", "15.83")):
        out = tmp_path / f"{args[0]}.pdf"
        r = runner.invoke(args=["report", *args, "-o", str(out)])
        assert r.exit_code == 0, r.output
        pdf = pypdfium2.PdfDocument(out.read_bytes())
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", "")
        assert title in text and figure in text, (args[0], text[:300])


def test_profit_for_finance_not_for_the_order_clerk(client, auth):
    auth.login("finance")
    html = client.get("/reports").get_data(as_text=True)
    assert "售后配件月利润表" in html and "订单日统计表" in html and "经销商往来对账单" in html
    svg = client.get("/reports/charts/profit.svg?month=2024-05")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and "近 12 个月收入与毛利" in svg.get_data(True)
    auth.login("order_clerk")
    html = client.get("/reports").get_data(as_text=True)
    assert "售后配件月利润表" not in html and "订单日统计表" in html
    r = client.post("/reports", data={"name": "monthly-profit", "period_kind": "month", "month": "2024-05",
                                      "format": "pdf"})
    assert r.status_code == 403
    assert client.get("/reports/charts/profit.svg").status_code == 403


def test_page_as_served_shows_only_what_the_chosen_report_takes(client, auth):
    """Hidden by the server, not only by reports.js after load: no flash of fields the report does not take."""
    auth.login("manager")
    html = client.get("/reports").get_data(as_text=True)
    first = re.search(r'<option value="([\w-]+)" data-periods="([\w ]*)" data-options="([\w ]*)"', html)
    periods, options = first.group(2).split(), first.group(3).split()
    for kind in ("month", "week", "day"):
        label = re.search(rf'<label data-period="{kind}"( hidden)?>', html)
        assert bool(label.group(1)) == (kind not in periods), (first.group(1), kind)
    for option in ("stocktake", "dealer"):
        label = re.search(rf'<label data-option="{option}"( hidden)?>', html)
        assert bool(label.group(1)) == (option not in options), (first.group(1), option)
    chosen = client.post("/reports", data={"name": "stocktake-variance", "format": "pdf"})  # refused: no stocktake
    html = chosen.get_data(as_text=True)
    assert re.search(r'<fieldset class="bar" id="periods" hidden>', html)
    assert re.search(r'<label data-option="stocktake">', html)
    assert re.search(r'<label data-option="dealer" hidden>', html)
