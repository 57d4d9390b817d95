"""The scan page in a real headless Chromium: log in, scan like a wedge scanner (characters 5 ms apart, then Enter),
and see the stock change, with no click into the scan field."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part, make_user
from warehouse.ledger.models import Balance
from warehouse.ledger.services import receive

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(session):
    make_user(session, username="clerk", role="new_store_clerk")
    part = make_part(session, part_number="KF35-FAN-01", name="1.5匹挂机风扇电机", barcodes=["6901234567892"])
    make_bin(session, "N-A01-01")
    make_bin(session, "N-A01-02")
    session.commit()
    receive(session, part_number="KF35-FAN-01", location="N-A01-01", qty=5, actor="setup")
    session.commit()
    return part


def on_hand(session, part, code) -> int:
    from warehouse.locations.models import Location

    qty = session.scalar(select(Balance.qty).join(Location, Location.id == Balance.location_id)
                         .where(Balance.part_id == part.id, Location.code == code))
    session.rollback()
    return qty or 0


def wedge(page, code: str):
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def login(page, base, username="clerk"):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_scan_bin_then_part_changes_stock(page, live_server, session, shop):
    login(page, live_server)
    page.goto(f"{live_server}/scan")
    assert page.evaluate("document.activeElement.id") == "scan-input"
    result = page.locator("#result")

    wedge(page, "MODE:RECEIVE")
    page.wait_for_selector("#mode-receive.on")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.ok >> text=KF35-FAN-01")
    assert "6" in result.inner_text()
    assert on_hand(session, shop, "N-A01-01") == 6

    # A supplier EAN on the box finds the same part; typed quantity 3 issues three. Another mode starts without a
    # bin (issue 14: the receiving bin must not become the issuing one by surprise), so the bin is scanned again.
    wedge(page, "MODE:ISSUE")
    page.wait_for_selector("#mode-issue.on")
    page.wait_for_function("document.getElementById('bin').textContent === '—'")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    page.fill("#qty", "3")
    page.focus("#scan-input")
    wedge(page, "6901234567892")
    page.wait_for_selector("#result.ok >> text=→ 3")
    assert on_hand(session, shop, "N-A01-01") == 3
    assert page.locator("#last tbody tr").count() == 2

    # Over-issue: an error, shown at once, and nothing changes.
    page.fill("#qty", "9")
    page.focus("#scan-input")
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.err")
    assert on_hand(session, shop, "N-A01-01") == 3

    # Unknown code: an error, not a crash; the field is ready for the next scan.
    wedge(page, "NO-SUCH-CODE")
    page.wait_for_selector("#result.err >> text=NO-SUCH-CODE")
    assert page.evaluate("document.activeElement.id") == "scan-input"


def test_a_burst_into_the_qty_field_is_still_one_scan(page, live_server, session, shop):
    login(page, live_server)
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:TRANSFER")
    page.wait_for_selector("#mode-transfer.on")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    wedge(page, "N-A01-02")
    page.wait_for_function("document.getElementById('to-bin').textContent === 'N-A01-02'")
    page.fill("#qty", "2")
    page.focus("#qty")  # the clerk left the cursor in the quantity field; the scanner fires anyway
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.ok >> text=KF35-FAN-01")
    assert page.input_value("#qty") == "1"  # reset after the move; the burst did not land in it
    assert (on_hand(session, shop, "N-A01-01"), on_hand(session, shop, "N-A01-02")) == (3, 2)


def test_reverse_from_the_last_scans_list(page, live_server, session, shop):
    login(page, live_server)
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:ISSUE")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    wedge(page, "KF35-FAN-01")
    page.wait_for_selector("#result.ok >> text=KF35-FAN-01")
    assert on_hand(session, shop, "N-A01-01") == 4
    page.click("#last tbody tr button")
    page.click("dialog#confirm-dialog[open] #confirm-yes")  # it asks first (tests/scanning/test_browser_ux.py)
    page.wait_for_selector("#last tbody tr.reversed")
    assert on_hand(session, shop, "N-A01-01") == 5


def test_language_switch_on_every_page(page, live_server, session, shop):
    page.goto(f"{live_server}/login")
    page.click("#lang-en")
    assert page.locator("h1").inner_text() == "Sign in"
    page.click("#lang-zh")
    assert page.locator("h1").inner_text() == "登录"
    login(page, live_server)
    page.goto(f"{live_server}/scan")
    page.click("#lang-en")
    assert page.locator("#mode-receive").inner_text() == "Receive"
    page.click("#lang-zh")
    assert page.locator("#mode-receive").inner_text() == "入库"


def test_a_refusal_reads_in_the_pages_language_not_the_browsers(page, live_server, session, shop):
    """The browser asks for Chinese (the test context's zh-CN); the clerk chose English on the site: the scan page's
    refusals are English, and Chinese again once the clerk switches back."""
    def issue_mode_in(lang_button: str):
        page.click(lang_button)
        page.wait_for_selector("#scan-input:focus")
        for code in ("MODE:ISSUE", "N-A01-01"):
            wedge(page, code)
        page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")

    def refusal() -> str:  # 9 asked, fewer on hand
        page.fill("#qty", "9")
        page.focus("#scan-input")
        wedge(page, "KF35-FAN-01")
        page.wait_for_selector("#result.err")
        return page.inner_text("#result")

    login(page, live_server)
    page.goto(f"{live_server}/scan")
    issue_mode_in("#lang-en")
    wedge(page, "KF35-FAN-01")  # one issued: the last-scans row tells its time the English way
    page.wait_for_selector("#result.ok")
    assert page.locator("#last tbody tr td").first.inner_text().endswith(("AM", "PM"))
    assert "cannot take 9" in refusal()
    issue_mode_in("#lang-zh")
    time_shown = page.locator("#last tbody tr td").first.inner_text()  # the same row, now in Chinese: 15:53:00
    assert time_shown[:1].isdigit() and not time_shown.endswith(("AM", "PM"))
    text = refusal()
    assert "cannot" not in text and "N-A01-01" in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert on_hand(session, shop, "N-A01-01") == 4


def test_station_wedge_settings_strip_prefix_and_map_gs1_separator(page, live_server, session, shop):
    """A scanner that prefixes '##' and sends FNC1 as '~': the station strips the one and maps the other."""
    login(page, live_server)
    page.goto(f"{live_server}/scan")
    page.evaluate("localStorage.setItem('scan.station', JSON.stringify({prefix: '##', gsSubstitute: '~'}))")
    page.reload()
    wedge(page, "MODE:ISSUE")
    page.wait_for_selector("#mode-issue.on")
    wedge(page, "##N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    wedge(page, "##]C10106901234567892~10LOT42")  # GS1-128: GTIN of the part's EAN, then a lot
    page.wait_for_selector("#result.ok >> text=KF35-FAN-01")
    assert on_hand(session, shop, "N-A01-01") == 4
