"""In a real browser: the customer supervisor records a station inspection (a score above the item's maximum is
refused with the reason and nothing is written; corrected, it is recorded with its corrective action), the ranking
shows it, and a knowledge-base search by pinyin initials (ysj → 压缩机) finds the published entry. Screenshots at
1280×800 and 800×1280, in Chinese and English: /tmp/kb_*.png."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.care.conftest import ok
from warehouse.care.models import CorrectiveAction, Inspection
from warehouse.db import utcnow

pytestmark = pytest.mark.browser
SIZES = {"wide": {"width": 1280, "height": 800}, "tall": {"width": 800, "height": 1280}}


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url  # the browser flow once, on SQLite; the API tests cover PostgreSQL


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page, name):
    """The page in both languages at both sizes; no raw placeholder or English left in the Chinese page."""
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=f"/tmp/kb_{name}_{size}_zh.png", full_page=True)
    assert "%(" not in page.locator("main").inner_text()
    with page.expect_navigation():
        page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=f"/tmp/kb_{name}_{size}_en.png", full_page=True)
    with page.expect_navigation():
        page.click("#lang-zh")
    page.wait_for_selector("html[lang=zh-CN]")
    page.set_viewport_size(SIZES["wide"])


def rows(session, model) -> int:
    session.rollback()
    try:
        return session.scalar(select(func.count()).select_from(model))
    finally:
        session.rollback()


def test_supervisor_records_an_inspection_and_finds_a_solution_by_pinyin(page, live_server, client, auth, care,
                                                                          session):
    agent = auth.headers("service_agent", "agent1")
    eid = ok(client.post("/api/v1/kb/entries", json={"title": "压缩机不启动", "model": "KFR-35GW",
                                                     "symptom": "开机后压缩机不启动，有嗡嗡声",
                                                     "solution": "检查启动电容，必要时更换"}, headers=agent), 201)["id"]
    ok(client.post(f"/api/v1/kb/entries/{eid}/submit", headers=agent))
    ok(client.post(f"/api/v1/kb/entries/{eid}/review", json={"publish": True}, headers=care["sup"]))

    login(page, live_server, "sup")
    page.click("#menu a[data-endpoint='care.inspections_page']")
    page.click("#new-inspection a[data-checklist='STN']")
    page.wait_for_selector("#inspection-form")
    shoot(page, "inspection_form")
    page.select_option("#target", "ST-B")
    page.fill("#score-1", "45")                      # item 1 is scored out of 40
    page.fill("#score-2", "25")
    page.fill("#score-3", "25")
    page.fill("#action-1", "备件台账补齐")
    page.fill("#due-1", utcnow().date().isoformat())
    page.click("#save-inspection")
    page.wait_for_selector(".flash.error")
    assert "第 1 项的得分范围为 0 至 40" in page.locator(".flash.error").inner_text()
    assert page.input_value("#score-1") == "45"      # what was typed stays for correcting
    assert rows(session, Inspection) == 0 and rows(session, CorrectiveAction) == 0
    page.fill("#score-1", "35")
    page.click("#save-inspection")
    page.wait_for_selector("#inspection-facts")
    assert page.locator("#total").inner_text() == "85 / 100"
    assert "备件台账补齐" in page.locator(".action").inner_text()
    assert rows(session, Inspection) == 1 and rows(session, CorrectiveAction) == 1
    shoot(page, "inspection")

    page.click("#menu a[data-endpoint='care.ranking']")
    page.wait_for_selector("#ranking tr[data-station='ST-B']")
    assert "85 / 100" in page.locator("#ranking tr[data-station='ST-B']").inner_text()

    login(page, live_server, "agent1")
    page.click("#menu a[data-endpoint='care.kb']")
    page.wait_for_selector("#kb-q:focus")            # the search field has the focus
    page.keyboard.type("ysj")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#kb-results .kb-hit")
    assert page.locator("#kb-results .kb-hit h3").all_inner_texts() == ["压缩机不启动"]
    shoot(page, "search")
    page.click("#kb-results .kb-hit h3 a")
    page.wait_for_selector("#kb-solution")
    assert "检查启动电容" in page.locator("#kb-solution").inner_text()
