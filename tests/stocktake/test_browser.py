"""A counter counts two bins on the scan page in count mode by wedge scans; the manager then reads the
reconciliation. Real server thread, Debian chromium through Playwright."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part, make_user
from warehouse.db import make_engine
from warehouse.ledger.services import receive
from warehouse.stocktake import cards, services

pytestmark = pytest.mark.browser


@pytest.fixture
def take(sqlite_url):
    eng = make_engine(sqlite_url)
    with Session(eng) as s:
        make_user(s, username="ann", role="new_store_clerk")
        make_user(s, username="boss", role="manager")
        for pn, name, code, qty in (("AC-100", "压缩机", "N-A01-01", 3), ("AC-200", "风扇电机", "N-A01-02", 5)):
            make_part(s, part_number=pn, name=name)
            make_bin(s, code)
            receive(s, part_number=pn, location=code, qty=qty, actor="setup")
            cards.start_card(s, location=code, part_number=pn, actor="setup")
        st = services.open_stocktake(s, store="NEW", actor="boss", locations=["N-A01-01", "N-A01-02"])
        s.commit()
        take = st.id
    eng.dispose()
    return take


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/")


def wedge(page, code):
    """A keyboard-wedge scan: a burst of keystrokes a few ms apart, then Enter; wait for the page's answer."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('result').className.indexOf('busy') < 0")
    return page.inner_text("#result")


def test_count_two_bins_by_wedge_scans(_playwright_browser, live_server, take):
    base = live_server
    with _playwright_browser.new_context(bypass_csp=True) as counter, \
            _playwright_browser.new_context(bypass_csp=True) as boss:  # Playwright evals its string predicates
        page = counter.new_page()
        login(page, base, "ann")
        page.goto(f"{base}/scan?mode=count&stocktake={take}")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-input'")
        assert page.inner_text("#stocktake") == f"#{take}"
        assert "N-A01-01" in wedge(page, "N-A01-01")
        for n in (1, 2, 3):
            assert str(n) in wedge(page, "AC-100")
        assert "N-A01-02" in wedge(page, "N-A01-02")
        for _ in range(4):  # one of the five fan motors is missing
            answer = wedge(page, "AC-200")
        assert "AC-200" in answer and "4" in answer
        assert page.locator("#result.ok").count() == 1
        page.click("#bin-done")  # finished at the shelf, from the scan page
        page.click("dialog#confirm-dialog[open] #confirm-yes")  # after saying what becomes 0
        page.wait_for_selector("#result.ok >> text=N-A01-02")

        manager = boss.new_page()
        login(manager, base, "boss")
        manager.goto(f"{base}/reconciliation?stocktake={take}")
        statuses = {row.get_attribute("data-status"): row.inner_text()
                    for row in manager.locator("#recon tbody tr").all()}
        assert set(statuses) == {"ok", "account_physical"}
        assert "N-A01-01" in statuses["ok"] and "N-A01-02" in statuses["account_physical"]
        assert "ann" in statuses["account_physical"]
