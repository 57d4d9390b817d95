"""The menu in a real browser, for two roles at the two ends (a store clerk with most pages, a service agent with
only the warranty check), at desktop and tablet size, in Chinese and English: the links are the role's pages, all on
screen."""
from __future__ import annotations

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "tablet": {"width": 800, "height": 1280}}
CLERK_MENU = ["web.scan", "web.parts", "web.bins", "stocktake.stocktakes", "printing.queue", "reports.stock_plan"]


@pytest.fixture
def people(session):
    make_user(session, username="clerk", role="new_store_clerk")
    make_user(session, username="agent", role="service_agent")
    session.commit()


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def menu(page) -> list[str]:
    return page.eval_on_selector_all("#menu a", "links => links.map(a => a.dataset.endpoint)")


def all_on_screen(page, selector: str) -> bool:
    """Every matching element lies inside the viewport's width (nothing pushed off the side or hidden)."""
    width = page.viewport_size["width"]
    boxes = [el.bounding_box() for el in page.query_selector_all(selector)]
    return all(b is not None and b["width"] > 0 and 0 <= b["x"] and b["x"] + b["width"] <= width for b in boxes)


@pytest.mark.parametrize("size", SIZES)
def test_menu_shows_each_role_its_own_pages(page, live_server, people, size):
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "clerk")
    assert menu(page) == CLERK_MENU  # no reconciliation: that is the manager's
    tiles = page.locator(".tile")
    assert tiles.count() == 11 and page.locator("#no-pages").count() == 0  # the stock plan too
    assert page.locator("#who .role").inner_text() == "新件仓管员"
    assert all_on_screen(page, "#menu a") and all_on_screen(page, ".tile")
    page.screenshot(path=f"/tmp/menus-clerk-{size}-zh.png", full_page=True)
    page.click("#lang-en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("#menu a").all_inner_texts() == ["Scan", "Parts", "Bins", "Stocktakes", "Print queue",
                                                         "Stock plan"]
    assert page.locator("#who .role").inner_text() == "New-parts store clerk"
    page.screenshot(path=f"/tmp/menus-clerk-{size}-en.png", full_page=True)
    page.click("#menu a[data-endpoint='stocktake.stocktakes']")
    assert page.locator("#menu a.on").inner_text() == "Stocktakes"
    assert page.locator("#open-stocktake").count() == 0  # the manager opens stocktakes

    with page.expect_navigation():  # signing out clears the tablet's cache first: wait for it, not race the goto
        page.click("button:has-text('Sign out')")
    login(page, live_server, "agent")
    # the hotline: tickets, the dispatch board, follow-up calls, complaints, the knowledge base, the warranty check
    assert menu(page) == ["service.new_ticket", "service.tickets", "service.board", "service_care.calls",
                          "service_care.complaint_list", "care.kb", "warranty.lookup"]
    assert page.locator(".tile").count() == 8  # the menu's seven and the escalated complaints
    assert page.locator("#no-pages").count() == 0
    assert page.locator("#who .role").inner_text() == "Service agent"
    page.screenshot(path=f"/tmp/menus-agent-{size}-en.png", full_page=True)
    page.click("#lang-zh")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert page.locator("#who .role").inner_text() == "客服"
    assert "三包查询（扫描机器）" in page.locator(".tile").all_inner_texts()
    page.screenshot(path=f"/tmp/menus-agent-{size}-zh.png", full_page=True)
