"""An agent's day in a real browser: the call list (what to tell each customer), one callback not satisfied — the
job reopens — and one complaint escalated to the manager once its 24-hour clock has run out (the care clock is set
forward, no sleeping). Screenshots at 1280×800 and 800×1280, in Chinese and English: /tmp/care_*.png."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.service.test_care_api import completed_job
from tests.service.test_browser import login
from warehouse.service import clock
from warehouse.service.models import Ticket

pytestmark = pytest.mark.browser
SIZES = {"1280": {"width": 1280, "height": 800}, "800": {"width": 800, "height": 1280}}


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.set_now(None)


def shots(page, name):
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=f"/tmp/care_{name}_{size}_zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=f"/tmp/care_{name}_{size}_en.png", full_page=True)
    assert "{" not in page.locator("main").inner_text()
    with page.expect_navigation():
        page.click("#lang-zh")
    page.wait_for_selector("html[lang=zh-CN]")
    page.set_viewport_size(SIZES["1280"])


def test_an_agents_day(page, live_server, client, auth, world, session):
    job = completed_job(client, auth)
    agent = auth.headers("service_agent", "agent")
    r = client.post("/api/v1/complaints", json={"description": "维修师傅迟到两小时，态度差", "serial": "SN-0002",
                                                "problem": "服务态度"}, headers=agent)
    assert r.status_code == 201, r.json
    complaint = r.json["ticket_no"]

    login(page, live_server, "agent")
    page.goto(f"{live_server}/service/calls")
    card = page.locator(f"#call-{job}")
    assert "张三" in card.inner_text() and job in card.locator(".script").inner_text()
    shots(page, "calls")
    card = page.locator(f"#call-{job}")
    card.locator("input[name=reached][value=yes]").check()
    card.locator("input[name=satisfied][value=no]").check()
    card.locator("select[name=score]").select_option("2")
    card.locator("textarea[name=notes]").fill("还是不制冷")
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    page.wait_for_selector(".flash.ok")
    assert job in page.locator(".flash.ok").inner_text()
    assert page.locator(f"#call-{job}").count() == 0
    assert session.scalar(select(Ticket.status).where(Ticket.ticket_no == job)) == "reopened"
    session.rollback()
    page.goto(f"{live_server}/service/tickets/{job}")
    assert page.locator("#status").get_attribute("data-status") == "reopened"

    # the complaint: not escalated yet; 24 hours and a minute later it is on the manager's list
    page.goto(f"{live_server}/service/complaints?escalated=1")
    page.wait_for_selector("#no-complaints")
    created = session.scalar(select(Ticket.created_at).where(Ticket.ticket_no == complaint))
    session.rollback()
    clock.set_now(created + timedelta(hours=24, minutes=1))
    page.reload()
    row = page.locator(f"#complaints tr[data-ticket='{complaint}']")
    assert row.locator(".escalation").count() == 1
    shots(page, "escalated")
    auth.headers("manager", "boss")
    login(page, live_server, "boss")
    page.goto(f"{live_server}/")
    with page.expect_navigation():
        page.get_by_role("link", name="升级的投诉").first.click()
    row = page.locator(f"#complaints tr[data-ticket='{complaint}']")
    with page.expect_navigation():
        row.locator("a").click()
    page.wait_for_selector("#escalated-at")
    shots(page, "complaint")
    # closing without a result is refused on the page too
    with page.expect_navigation():
        page.click("#close-btn")
    page.wait_for_selector(".flash.error")
    assert page.locator("#complaint-status").get_attribute("data-status") == "open"
    page.fill("#close-form textarea[name=result]", "已向客户道歉，师傅已培训")
    page.check("#close-form input[name=customer_accepts][value=yes]")
    with page.expect_navigation():
        page.click("#close-btn")
    page.wait_for_selector(".flash.ok")
    assert page.locator("#complaint-status").get_attribute("data-status") == "closed"
