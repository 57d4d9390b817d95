"""Finishing a bin and approving a stocktake ask first, saying what they will do (issue 14); cancel changes nothing,
confirm does it; a finished bin cannot be finished again; the stocktake list shows the approval. zh and en."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part, make_user
from warehouse.db import make_engine
from warehouse.ledger.services import receive
from warehouse.stocktake import cards, services
from warehouse.stocktake.models import Stocktake, StocktakeBin

pytestmark = pytest.mark.browser


@pytest.fixture
def take(sqlite_url):
    eng = make_engine(sqlite_url)
    with Session(eng) as s:
        make_user(s, username="ann", role="new_store_clerk")
        make_user(s, username="boss", role="manager")
        make_bin(s, "N-A01-01")
        for pn, qty in (("AC-100", 3), ("AC-200", 5)):
            make_part(s, part_number=pn, name=pn, standard_cost="10.00")
            receive(s, part_number=pn, location="N-A01-01", qty=qty, actor="setup")
            cards.start_card(s, location="N-A01-01", part_number=pn, actor="setup")
        st = services.open_stocktake(s, store="NEW", actor="boss", locations=["N-A01-01"])
        s.commit()
        take = st.id
    yield take, eng
    eng.dispose()


def fresh(eng, fn):
    with Session(eng) as s:
        return fn(s)


def login(page, base, username, lang):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/")
    if lang == "en":
        page.click("#lang-en")


def wedge(page, code):
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('result').className.indexOf('busy') < 0")
    return page.inner_text("#result")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bin_done_and_approval_ask_first(_playwright_browser, live_server, take, lang):
    st_id, eng = take
    base = live_server
    done = lambda: fresh(eng, lambda s: s.scalar(select(StocktakeBin.done_at).where(  # noqa: E731
        StocktakeBin.stocktake_id == st_id)))
    with _playwright_browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800},
                                         locale="zh-CN" if lang == "zh" else "en-US") as ctx:
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        login(page, base, "ann", lang)
        page.goto(f"{base}/scan?mode=count&stocktake={st_id}")
        wedge(page, "N-A01-01")
        for _ in range(2):
            wedge(page, "AC-100")  # one of three compressors missing; the fan motors not scanned at all
        page.click("#bin-done")
        dialog = page.locator("dialog#confirm-dialog[open]")
        assert "N-A01-01" in dialog.inner_text() and "1" in page.inner_text("#confirm-text")
        page.click("#confirm-no")
        assert done() is None
        page.click("#bin-done")
        page.click("#confirm-yes")
        page.wait_for_selector("#bin-done:disabled")
        assert done() is not None
        page.reload()  # still finished after a reload
        page.wait_for_selector("#bin-done:disabled")

    with _playwright_browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800},
                                         locale="zh-CN" if lang == "zh" else "en-US") as ctx:
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        login(page, base, "boss", lang)
        page.goto(f"{base}/stocktakes/{st_id}")
        assert page.locator("#bins button:disabled").count() == 1  # the finished bin, not offered again
        page.goto(f"{base}/reconciliation?stocktake={st_id}")
        page.click("#approve")
        text = page.inner_text("dialog#confirm-dialog[open]")
        # two lines (2 of 3 counted, 0 of 5), both adjust: 6 units lost, 6 × 10.00
        assert "2" in text and "6" in text and "-60.00" in text
        page.click("#confirm-no")
        assert fresh(eng, lambda s: s.get(Stocktake, st_id).state) == "open"
        page.click("#approve")
        with page.expect_navigation():
            page.click("#confirm-yes")
        assert fresh(eng, lambda s: s.get(Stocktake, st_id).state) == "approved"
        page.goto(f"{base}/stocktakes")
        row = page.locator("#stocktakes tbody tr").first
        assert ("已审批" if lang == "zh" else "Approved") in row.inner_text()
        assert "boss" in row.inner_text()
        assert row.locator("a", has_text="扫码盘点" if lang == "zh" else "Count by scanning").count() == 0
