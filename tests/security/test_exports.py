"""Every CSV and XLSX the system writes carries data, not formulas: the writers live in the report base (whose
neutraliser makes text inert), and every export that exists is fetched with a hostile part name."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from sqlalchemy.orm import sessionmaker

from tests.reports.test_reconciliation_export import EVIL, take  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|openpyxl\.Workbook|from openpyxl import .*Workbook|\.save\(")
READ_ONLY = re.compile(r"load_workbook")


def test_every_csv_and_xlsx_writer_is_the_report_bases():
    """A module that writes CSV or XLSX outside warehouse/reports would bypass the neutraliser."""
    outside = []
    for path in [*ROOT.glob("warehouse/**/*.py"), *ROOT.glob("service_app/**/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("warehouse/reports/"):
            continue
        text = path.read_text()
        for line in text.splitlines():
            if WRITERS.search(line) and not READ_ONLY.search(line) and ("csv" in line or "openpyxl" in line
                                                                      or "Workbook" in line):
                outside.append(f"{rel}: {line.strip()}")
    assert outside == []


def _cells(fmt: str, data: bytes) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


def _assert_inert(rows: list[list]) -> None:
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert "'" + EVIL in texts
    assert not [t for t in texts if t.startswith(("=", "+", "@", "\t", "\r")) or (t.startswith("-") and
                                                                                  not _number(t))]


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_every_export_route_makes_formulas_inert(app, client, auth, take):  # noqa: F811
    auth.login("manager")
    routes = [r.rule for r in app.url_map.iter_rules() if r.rule.endswith((".csv", ".xlsx")) and
              "GET" in r.methods and not r.arguments]
    assert routes, "no export route found"
    for rule in routes:
        r = client.get(f"{rule}?stocktake={take}")
        assert r.status_code == 200, rule
        rows = _cells("csv" if rule.endswith(".csv") else "xlsx", r.data)
        _assert_inert(rows)
        numbers = [v for row in rows for v in row if isinstance(v, (int, float))]
        assert rule.endswith(".csv") or numbers, "numbers stay numbers in XLSX"


def test_the_background_export_makes_formulas_inert(app, client, auth, take, session):  # noqa: F811
    from service_app.extensions import db
    from warehouse.jobs.models import Job
    from warehouse.jobs.worker import work_due

    auth.login("manager")
    assert client.post(f"/reconciliation/export-job?stocktake={take}", data={"format": "xlsx"}).status_code == 302
    with app.app_context():
        work_due(sessionmaker(bind=db.engine, expire_on_commit=False))
    job = session.query(Job).one()
    r = client.get(f"/api/v1/jobs/{job.id}/result")
    assert r.status_code == 200
    _assert_inert(_cells("xlsx", r.data))
