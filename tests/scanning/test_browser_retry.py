"""The scan page's retries in a real Chromium: the server applies a scan, its answer is lost (the connection drops, or
a proxy answers 503), and the page retries with the same Idempotency-Key, so the move is posted once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part, make_user
from warehouse.ledger.models import Balance, Move
from warehouse.ledger.services import receive

pytestmark = pytest.mark.browser

SCAN = "**/api/v1/scan"
RECORD_RESULTS = """() => {
  window.__results = [];
  const el = document.getElementById('result');
  new MutationObserver(() => window.__results.push(el.className + '|' + el.textContent))
    .observe(el, {childList: true, characterData: true, subtree: true, attributes: true});
}"""


@pytest.fixture
def shop(session):
    make_user(session, username="clerk", role="new_store_clerk")
    part = make_part(session, part_number="KF35-FAN-01", name="1.5匹挂机风扇电机")
    make_bin(session, "N-A01-01")
    session.commit()
    receive(session, part_number="KF35-FAN-01", location="N-A01-01", qty=5, actor="setup")
    session.commit()
    return part


def moves(session) -> int:
    n = session.scalar(select(func.count(Move.id)))
    session.rollback()  # on SQLite an open read would hold back the app's writes
    return n


def on_hand(session, part) -> int:
    qty = session.scalar(select(func.sum(Balance.qty)).where(Balance.part_id == part.id))
    session.rollback()
    return qty


def wedge(page, code: str):
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


@pytest.fixture
def at_bin(page, live_server, shop):
    """Logged in as a clerk, on the scan page, in issue mode with bin N-A01-01 selected; result changes recorded."""
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:ISSUE")
    page.wait_for_selector("#mode-issue.on")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    page.evaluate(RECORD_RESULTS)
    return page


def lose_answer(route, how: str):
    """Let the server process the request, then keep its answer from the page."""
    applied = route.fetch()
    assert applied.status == 200, applied.text()
    if how == "dropped":
        route.abort("connectionreset")
    else:
        route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "upstream timed out"}})


@pytest.mark.parametrize("how", ["dropped", "503"])
def test_a_lost_answer_is_retried_with_the_same_key_and_posts_once(at_bin, session, shop, how):
    page, keys = at_bin, []

    def route(route, request):
        keys.append(request.headers["idempotency-key"])
        if len(keys) == 1:
            lose_answer(route, how)
        else:
            route.continue_()

    page.route(SCAN, route)
    before = moves(session)
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.ok >> text=KF35-FAN-01")
    assert "→ 4" in page.inner_text("#result")  # the first (replayed) answer: 5 - 1
    assert len(keys) == 2 and keys[0] == keys[1]
    assert moves(session) == before + 1 and on_hand(session, shop) == 4
    assert any("retrying" in r and "无应答——正在重试 (2/3)" in r for r in page.evaluate("window.__results"))


def test_scanning_again_after_no_answer_reuses_the_key(at_bin, session, shop):
    """Every attempt unanswered (the first was applied): the page says so; the clerk's second scan of the same part is
    the same scan, so the server replays the first answer instead of issuing another."""
    page, keys = at_bin, []

    def route(route, request):
        keys.append(request.headers["idempotency-key"])
        if len(keys) == 1:
            lose_answer(route, "dropped")
        elif len(keys) <= 3:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(SCAN, route)
    before = moves(session)
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.err >> text=网络中断")
    assert len(keys) == 3  # bounded
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.ok >> text=KF35-FAN-01")
    assert "→ 4" in page.inner_text("#result") and "未重复记账" in page.inner_text("#result")
    assert len(set(keys)) == 1 and len(keys) == 4
    assert moves(session) == before + 1 and on_hand(session, shop) == 4

    # The next scan of the same part after an answered one is a new scan: a new key, a second issue.
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.ok >> text=→ 3")
    assert len(keys) == 5 and keys[4] != keys[0]
    assert moves(session) == before + 2


def test_a_refusal_is_final(at_bin, session, shop):
    page, keys = at_bin, []

    def route(route, request):
        keys.append(request.headers["idempotency-key"])
        route.continue_()

    page.route(SCAN, route)
    page.fill("#qty", "9")
    page.focus("#scan-input")
    wedge(page, "KF35-FAN-01")  # more than the 5 on hand: 409
    page.wait_for_selector("#result.err >> text=KF35-FAN-01")
    page.wait_for_timeout(1000)  # longer than the first back-off: a retry would have been sent by now
    assert len(keys) == 1
    assert on_hand(session, shop) == 5
