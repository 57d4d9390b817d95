"""An agent's day in a real browser: the call list (what to tell each customer), one callback not satisfied — the
job reopens — and one complaint escalated to the manager once its 24-hour clock has run out (the care clock is set
forward, no sleeping). Screenshots at 1280×800 and 800×1280, in Chinese and English: /tmp/care_*.png."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.service.test_care_api import completed_job
from tests.service.test_browser import login
from tests.web.test_names_browser import PAGE_TEXT, faults
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
    # closing asks first; without a result it is refused on the page too
    page.click("#close-btn")
    page.wait_for_selector("dialog#confirm-dialog[open]")
    with page.expect_navigation():
        page.click("#confirm-yes")
    page.wait_for_selector(".flash.error")
    assert "结果" in page.locator(".flash.error").inner_text()
    assert page.locator("#complaint-status").get_attribute("data-status") == "open"
    page.fill("#close-form textarea[name=result]", "已向客户道歉，师傅已培训")
    page.check("#close-form input[name=customer_accepts][value=yes]")
    page.click("#close-btn")
    with page.expect_navigation():
        page.click("dialog#confirm-dialog[open] #confirm-yes")
    page.wait_for_selector(".flash.ok")
    assert page.locator("#complaint-status").get_attribute("data-status") == "closed"


def test_a_complaint_logged_and_handled_on_its_pages(page, live_server, client, auth, world, session):
    """The supervisor logs a serious complaint from the page (severity, problem, person responsible), reassigns it,
    records the handling opinion and the result, links a quality incident; cancelling the close leaves it open,
    confirming closes it with the customer's answer."""
    from warehouse.service.models import Complaint
    auth.headers("service_agent", "agent")
    sup = auth.headers("customer_supervisor", "sup")
    r = client.post("/api/v1/quality/incidents", json={"part_number": "FAN-1", "title": "外机噪音",
                                                       "model": "KFR-35GW"}, headers=auth.headers("manager"))
    assert r.status_code == 201, r.json
    incident = r.json["incident_no"]
    login(page, live_server, "sup")
    page.goto(f"{live_server}/service/complaints")
    with page.expect_navigation():
        page.click("#new-complaint")
    page.fill("input[name=customer_name]", "王五")
    page.fill("input[name=customer_phone]", "13700000003")
    page.select_option("select[name=severity]", "serious")
    page.select_option("select[name=responsible]", "agent")
    page.fill("#problem", "外机噪音")
    page.fill("#description", "新装空调外机噪音大，邻居投诉")
    with page.expect_navigation():
        page.click("#log-complaint")
    page.wait_for_selector(".flash.ok")
    c = session.scalars(select(Complaint)).one()
    t = session.get(Ticket, c.ticket_id)
    logged, no = (c.severity, c.problem, c.responsible, t.created_by), t.ticket_no
    session.rollback()  # (no read transaction left open: the page's writes would wait for it)
    assert logged == ("serious", "外机噪音", "agent", "sup")
    assert page.url.endswith(f"/service/complaints/{no}")
    assert page.locator("#complaint-responsible").inner_text() == "agent"
    assert page.locator(".escalation").inner_text() == "严重投诉"  # serious: the manager sees it at once

    page.select_option("#assign-form select[name=responsible]", "sup")
    with page.expect_navigation():
        page.click("#assign-form button")
    assert page.locator("#complaint-responsible").inner_text() == "sup"
    page.fill("#opinion-form textarea", "上门更换减震垫")
    with page.expect_navigation():
        page.click("#opinion-form button")
    page.fill("#result-form textarea", "已更换减震垫，噪音消除")
    with page.expect_navigation():
        page.click("#result-form button")
    assert page.locator("#complaint-status").get_attribute("data-status") == "resolved"
    page.fill("#incident-form input[name=incident_no]", incident)
    with page.expect_navigation():
        page.click("#incident-form button")
    assert page.locator("#incident-no").inner_text() == incident
    assert faults(page.evaluate(PAGE_TEXT), "zh") == set()  # names, not keys (tests/web/test_names_browser.py)
    shots(page, "complaint_handled")

    page.fill("#close-form textarea[name=customer_answer]", "满意")
    page.check("#close-form input[name=customer_accepts][value=yes]")
    page.click("#close-btn")
    page.click("dialog#confirm-dialog[open] #confirm-no")
    page.wait_for_selector("dialog#confirm-dialog", state="hidden")
    assert session.scalar(select(Complaint.closed_at)) is None
    session.rollback()
    page.click("#close-btn")
    with page.expect_navigation():
        page.click("dialog#confirm-dialog[open] #confirm-yes")
    assert page.locator("#complaint-status").get_attribute("data-status") == "closed"
    c = session.scalars(select(Complaint)).one()
    closed = (c.responsible, c.opinion, c.result, c.customer_answer, c.customer_accepts, c.incident_no)
    session.rollback()
    assert closed == ("sup", "上门更换减震垫", "已更换减震垫，噪音消除", "满意", True, incident)
