"""Monthly KPI targets: a manager sets them (API and page), bad ones are a 400 with nothing written, GET /kpis shows
them against the actuals; the dashboard draws its charts on the server."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from warehouse.service.models import KpiTarget

URL = "/api/v1/kpis/targets"


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def n_targets(session):
    n = session.scalar(select(func.count()).select_from(KpiTarget))
    session.rollback()
    return n


def test_manager_sets_targets_and_kpis_show_them(client, auth, session):
    m = auth.headers("manager")
    r = client.post(URL, json={"month": "2025-01", "targets": {"repair_timeliness_rate": 0.9,
                                                                "first_response_minutes": "30"}}, headers=m)
    assert r.status_code == 200, r.json
    assert r.json["targets"] == {"repair_timeliness_rate": 0.9, "first_response_minutes": 30.0}
    r = client.post(URL, json={"month": "2025-01", "targets": {"first_response_minutes": None,
                                                                "repair_timeliness_rate": "0.95"}}, headers=m)
    assert r.json["targets"] == {"repair_timeliness_rate": 0.95}
    k = client.get("/api/v1/kpis?month=2025-01&by=technician", headers=m).json
    entry = next(e for e in k["kpis"] if e["name"] == "repair_timeliness_rate")
    assert entry["target"] == 0.95 and entry["value"] is None and entry["met"] is None
    assert k["stock_accuracy"] is None and k["compliance_rate"] is None and k["breakdown"]["dimension"] == "technician"
    # every KPI is wired (the care measures plug in): none says "not available", an empty month is null
    assert all(e["available"] for e in k["kpis"])
    assert client.get(f"{URL}?month=2025-01", headers=auth.headers("customer_supervisor")).json["targets"] == \
        {"repair_timeliness_rate": 0.95}


@pytest.mark.parametrize("body, field", [
    ({"month": "2025-13", "targets": {"repair_timeliness_rate": 0.9}}, "month"),
    ({"month": "2025-00", "targets": {"repair_timeliness_rate": 0.9}}, "month"),
    ({"month": "25-01", "targets": {"repair_timeliness_rate": 0.9}}, "month"),
    ({"month": "2025-01", "targets": {"repair_timeliness_rate": 1.5}}, "repair_timeliness_rate"),
    ({"month": "2025-01", "targets": {"repair_timeliness_rate": -0.1}}, "repair_timeliness_rate"),
    ({"month": "2025-01", "targets": {"satisfaction_score": 6}}, "satisfaction_score"),
    ({"month": "2025-01", "targets": {"repair_timeliness_rate": "abc"}}, "repair_timeliness_rate"),
    ({"month": "2025-01", "targets": {"repair_timeliness_rate": True}}, "repair_timeliness_rate"),
    ({"month": "2025-01", "targets": {"repair_timeliness_rate": 0.12345}}, "repair_timeliness_rate"),
    ({"month": "2025-01", "targets": {"no_such_kpi": 0.5}}, "kpi"),
    ({"month": "2025-01", "targets": {}}, "targets"),
    # one bad target refuses the good one beside it
    ({"month": "2025-01", "targets": {"stock_accuracy": 0.99, "complaint_rate": 2}}, "complaint_rate"),
])
def test_bad_targets_are_400_and_write_nothing(client, auth, session, body, field):
    r = client.post(URL, json=body, headers=auth.headers("manager"))
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input", r.json
    assert r.json["error"]["details"]["field"] == field
    assert n_targets(session) == 0


def test_only_a_manager_sets_targets(client, auth, session):
    body = {"month": "2025-01", "targets": {"repair_timeliness_rate": 0.9}}
    for role in ("customer_supervisor", "service_agent", "technician"):
        assert client.post(URL, json=body, headers=auth.headers(role)).status_code == 403
    assert client.get("/api/v1/kpis?month=2025-01&by=nobody", headers=auth.headers("manager")).status_code == 400
    assert n_targets(session) == 0


def test_dashboard_targets_form_and_charts(client, auth, session):
    auth.login("manager")
    r = client.post("/service/kpis/targets", data={"month": "2025-01", "t-repair_timeliness_rate": "90",
                                                   "t-first_response_minutes": "45"})
    assert r.status_code == 302
    html = client.get("/service/kpis?month=2025-01&by=region").get_data(as_text=True)
    assert "90.0%" in html and "尚未提供" not in html and 'id="chart-targets"' in html and "细分" in html
    client.post("/service/kpis/targets", data={"month": "2025-13", "t-repair_timeliness_rate": "50"})
    assert n_targets(session) == 2
    for q in ("month=2025-01", "month=2025-01&kind=trend&kpi=first_response_minutes"):
        svg = client.get(f"/service/kpis/chart.svg?{q}")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get("/service/kpis/chart.svg?month=2025-13").status_code == 400
    auth.login("customer_supervisor")
    html = client.get("/service/kpis?month=2025-01").get_data(as_text=True)
    assert "targets-form" not in html and "90.0%" in html
    assert client.post("/service/kpis/targets", data={"month": "2025-01"}).status_code == 403


@pytest.mark.browser
def test_manager_sets_a_target_on_the_dashboard_in_a_browser(live_server, page, auth):
    auth.headers("manager", "boss")
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"{live_server}/service/kpis?month=2025-01")
    page.fill("input[name=t-repair_timeliness_rate]", "92.5")
    page.click("#targets-form button[type=submit]")
    page.wait_for_url("**/service/kpis?month=2025-01")
    row = page.locator("#kpi-repair_timeliness_rate")
    assert "92.5%" in row.inner_text()
    assert page.input_value("input[name=t-repair_timeliness_rate]") == "92.5"
    # both charts are drawn by the server and load as images under the CSP
    page.wait_for_function("() => [...document.querySelectorAll('.charts img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
