"""The scan page as a clerk meets it (issue 14), in a real Chromium, in Chinese and English: confirmations before a
loss (cancel changes nothing, confirm does it), 1.5 refused, a lower-case part code found, a wrong-store bin refused
at the bin scan, a reload that keeps mode, bin, receipt note and last scans, a mode change that clears the bin."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part, make_user
from warehouse.ledger.models import Balance, Move
from warehouse.ledger.services import receive
from warehouse.locations.models import Location

pytestmark = pytest.mark.browser

WORDS = {"zh": {"refused": "被拒绝", "reverse": "冲销", "cleared": "货位已清除"},
         "en": {"refused": "refused", "reverse": "Reverse", "cleared": "bin cleared"}}


@pytest.fixture
def shop(session):
    make_user(session, username="clerk", role="new_store_clerk")
    part = make_part(session, part_number="KF35-FAN-01", name="1.5匹挂机风扇电机")
    make_bin(session, "N-A01-01")
    make_bin(session, "N-A01-02")
    make_bin(session, "R-A01-01", store="RETURNED")
    session.commit()
    receive(session, part_number="KF35-FAN-01", location="N-A01-01", qty=5, actor="setup")
    session.commit()
    return part


def on_hand(session, part, code) -> int:
    qty = session.scalar(select(Balance.qty).join(Location, Location.id == Balance.location_id)
                         .where(Balance.part_id == part.id, Location.code == code))
    session.rollback()
    return qty or 0


def moves(session, **where) -> list[tuple]:
    """(id, doc_no, qty) of the moves; read and let go (on SQLite an open read would hold back the app's writes)."""
    rows = [(m.id, m.doc_no, m.qty) for m in session.scalars(select(Move).filter_by(**where).order_by(Move.id))]
    session.rollback()
    return rows


def wedge(page, code: str):
    """A keyboard-wedge scan: a burst a few ms apart, then Enter; wait until the page has its answer."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('result').className.indexOf('busy') < 0")
    return page.inner_text("#result")


def login(page, base, lang, username="clerk"):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    if lang == "en":
        page.click("#lang-en")


def bin_shown(page) -> str:
    return page.inner_text("#bin")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refusals_at_the_scan(page, live_server, session, shop, lang):
    login(page, live_server, lang)
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:RECEIVE")
    # A bin of the returned-parts store: refused when scanned, and not selected.
    answer = wedge(page, "R-A01-01")
    assert page.locator("#result.err").count() == 1 and "R-A01-01" in answer
    assert bin_shown(page) == "—"
    wedge(page, "N-A01-01")
    assert bin_shown(page) == "N-A01-01"
    # 1.5: refused by the page with the reason, nothing posted, nothing rounded.
    page.fill("#qty", "1.5")
    page.focus("#scan-input")
    answer = wedge(page, "KF35-FAN-01")
    assert page.locator("#result.err").count() == 1
    assert "1.5" in answer and WORDS[lang]["refused"] in answer
    assert on_hand(session, shop, "N-A01-01") == 5 and len(moves(session, doc_type="receipt")) == 1
    # Lower case, as a scanner set so (or Caps Lock) types it: the part.
    page.fill("#qty", "2")
    page.focus("#scan-input")
    answer = wedge(page, "kf35-fan-01")
    assert page.locator("#result.ok").count() == 1 and "KF35-FAN-01" in answer
    assert on_hand(session, shop, "N-A01-01") == 7
    # A very long scan: an error, and the page does not grow sideways.
    wedge(page, "X" * 300)
    assert page.locator("#result.err").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reload_keeps_the_work_and_a_mode_change_clears_the_bin(page, live_server, session, shop, lang):
    login(page, live_server, lang)
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:RECEIVE")
    wedge(page, "N-A01-01")
    wedge(page, "KF35-FAN-01")
    note = page.inner_text("#doc")
    assert note.startswith("RN-")
    page.reload()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-input'")
    assert page.locator("#mode-receive.on").count() == 1
    assert (bin_shown(page), page.inner_text("#doc")) == ("N-A01-01", note)
    assert page.locator("#last tbody tr").count() == 1
    wedge(page, "KF35-FAN-01")  # the same delivery: the same receipt note, without scanning the bin again
    assert page.locator("#last tbody tr").count() == 2
    assert {doc_no for _id, doc_no, _qty in moves(session, doc_type="receipt", actor="clerk")} == {note}
    # Another mode: the bin goes, visibly; the first bin scanned in transfer mode is the source, not the target.
    page.click("#mode-transfer")
    assert bin_shown(page) == "—"
    assert WORDS[lang]["cleared"] in page.inner_text("#result")
    wedge(page, "N-A01-02")
    assert (bin_shown(page), page.inner_text("#to-bin")) == ("N-A01-02", "—")
    page.reload()
    assert page.locator("#mode-transfer.on").count() == 1 and bin_shown(page) == "N-A01-02"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reversing_a_move_asks_first(page, live_server, session, shop, lang):
    login(page, live_server, lang)
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:ISSUE")
    wedge(page, "N-A01-01")
    page.fill("#qty", "3")
    page.focus("#scan-input")
    wedge(page, "KF35-FAN-01")
    assert on_hand(session, shop, "N-A01-01") == 2
    button = page.locator("#last tbody tr button.reverse")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a finger, not a mouse pointer
    assert WORDS[lang]["reverse"] in button.inner_text()
    button.click()
    dialog = page.locator("dialog#confirm-dialog[open]")
    text = dialog.inner_text()
    assert "3 × KF35-FAN-01" in text and "N-A01-01" in text
    page.click("#confirm-no")
    assert page.locator("dialog#confirm-dialog").count() == 0
    assert on_hand(session, shop, "N-A01-01") == 2 and not moves(session, doc_type="reversal")
    assert page.evaluate("document.activeElement.id") == "scan-input"
    # Enter (the end of a stray scan) does not confirm: the focus is on the safe answer.
    button.click()
    page.keyboard.press("Enter")
    assert page.locator("dialog#confirm-dialog").count() == 0
    assert not moves(session, doc_type="reversal")
    button.click()
    page.click("#confirm-yes")
    page.wait_for_selector("#last tbody tr.reversed")
    assert on_hand(session, shop, "N-A01-01") == 5
    page.reload()  # the reversal is remembered: no second reverse button for it
    assert page.locator("#last tbody tr.reversed").count() == 1
    assert page.locator("#last tbody tr button.reverse").count() == 0
