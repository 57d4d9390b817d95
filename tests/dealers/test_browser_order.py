"""The order clerk's and the shipper's day in a real Chromium: an order entered on the keyboard alone (dealer by
suggestion, parts by pinyin initials and number, quantities, the channel and the written reference, submit — no
mouse), then picked on the scan page by wedge scans, a part not on the order refused with the error tone. Also
screenshots of the pages in Chinese and English, desktop and tablet, for a look."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.dealers.test_browser_pick import TONES, wedge
from tests.factories import make_bin, make_part, make_user
from warehouse.dealers.services import create_dealer, set_successor
from warehouse.ledger.services import receive
from warehouse.orders.models import Order

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def shop(session):
    make_user(session, username="clerk", role="order_clerk")
    make_user(session, username="shipper", role="shipper")
    make_part(session, part_number="CMP-1", name="压缩机", dealer_price="100.00")
    make_part(session, part_number="FLT-2", name="过滤器", dealer_price="20.00", barcodes=["6901234567892"])
    make_part(session, part_number="FLT-3", name="过滤器新款", dealer_price="22.00")
    make_part(session, part_number="OTH-9", name="其他零件", dealer_price="5.00")
    for code in ("N-A01-01", "N-B02-01"):
        make_bin(session, code)
    create_dealer(session, code="D001", name="华东经销商", credit_limit="100000", region="华东")
    create_dealer(session, code="D002", name="华南经销商", credit_limit="100000", region="华南")
    session.commit()
    for pn, loc in (("CMP-1", "N-B02-01"), ("FLT-3", "N-A01-01"), ("OTH-9", "N-A01-01")):
        receive(session, part_number=pn, location=loc, qty=5, actor="setup")
    set_successor(session, part_number="FLT-2", successor="FLT-3")  # FLT-2 is out of stock: FLT-3 replaces it
    session.commit()


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def wait_focus(page, element_id: str) -> None:
    page.wait_for_function(f"document.activeElement.id === '{element_id}'")


def test_order_by_keyboard_then_pick_by_wedge(page, live_server, session, shop):
    page.add_init_script(TONES)
    login(page, live_server, "clerk")
    page.goto(f"{live_server}/orders/new")
    kb = page.keyboard
    assert focused(page) == "dealer"

    kb.type("华东")
    page.wait_for_selector("#dealer-list li.active >> text=D001")
    kb.press("Enter")
    wait_focus(page, "part-input")
    assert page.input_value("#dealer") == "D001"

    kb.type("ysj")  # 压缩机 by its pinyin initials
    page.wait_for_selector("#part-list li.active >> text=CMP-1")
    assert "100.00" in page.inner_text("#part-list li.active")  # the dealer's price, and availability
    kb.press("Enter")
    wait_focus(page, "qty-input")
    kb.type("2")
    kb.press("Enter")
    page.wait_for_selector("#lines tbody tr >> text=CMP-1")
    assert focused(page) == "part-input"

    kb.type("FLT-2")  # out of stock: its successor is offered first
    page.wait_for_selector("#part-list li.successor.active >> text=FLT-3")
    page.screenshot(path="/tmp/dl3_entry_zh_desktop.png")
    kb.press("Enter")
    wait_focus(page, "qty-input")
    kb.type("1")
    kb.press("Enter")
    page.wait_for_selector("#lines tbody tr >> text=FLT-3")
    assert page.inner_text("#net") == "222.00"

    kb.press("Enter")  # empty part field: on to the channel
    wait_focus(page, "channel")
    kb.press("ArrowDown")  # phone → fax
    kb.press("Enter")
    assert page.input_value("#channel") == "fax" and focused(page) == "reference"
    kb.type("FAX-0815")
    with page.expect_navigation():
        kb.press("Enter")
    assert "/orders/SO-" in page.url
    page.wait_for_selector("#order-status[data-status=released]")
    order_no = page.url.rsplit("/", 1)[1]
    order = session.scalar(select(Order).where(Order.order_no == order_no))
    assert (order.channel, order.reference, [(ln.part.part_number, ln.qty) for ln in order.lines]) == (
        "fax", "FAX-0815", [("CMP-1", 2), ("FLT-3", 1)])
    session.rollback()

    # The shipper picks it on the scan page by wedge scans only.
    login(page, live_server, "shipper")
    page.goto(f"{live_server}/scan")
    assert focused(page) == "scan-input"
    wedge(page, order_no)
    page.wait_for_selector("#mode-pick.on")
    page.wait_for_function(f"document.getElementById('order').textContent === '{order_no}'")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    wedge(page, "OTH-9")  # in the bin, but not on the order
    page.wait_for_selector("#result.err >> text=OTH-9")
    assert page.evaluate("window.__tones.at(-1)") == ["square", 220]
    wedge(page, "FLT-3")
    page.wait_for_selector("#result.ok >> text=FLT-3")
    assert page.evaluate("window.__tones.at(-1)") == ["sine", 1320]
    wedge(page, "N-B02-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-B02-01'")
    wedge(page, "CMP-1")
    page.wait_for_selector("#result.ok >> text=1/2")
    wedge(page, "CMP-1")
    page.wait_for_selector("#result.ok >> text=2/2")
    session.expire_all()
    order = session.scalar(select(Order).where(Order.order_no == order_no))
    assert order.status == "picked" and [ln.picked for ln in order.lines] == [2, 1]
    session.rollback()


@pytest.mark.parametrize("lang,size", [("zh_CN", (1280, 800)), ("en", (1280, 800)), ("zh_CN", (800, 1280)),
                                       ("en", (800, 1280))])
def test_pages_look(page, live_server, session, shop, lang, size):
    """Screenshots for a look (not compared): entry with suggestions, an order, the account page; no raw keys."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    make_user(session, username="boss", role="manager")
    session.commit()
    login(page, live_server, "boss")
    page.goto(f"{live_server}/lang/{lang}?next=/orders/new")
    tag = f"{lang}_{size[0]}"
    page.keyboard.type("D0")
    page.wait_for_selector("#dealer-list li.active")
    page.keyboard.press("Enter")
    page.keyboard.type("glq")
    page.wait_for_selector("#part-list li.active")
    page.screenshot(path=f"/tmp/dl3_entry_{tag}.png")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # channel: phone, no reference
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#order-status")
    page.screenshot(path=f"/tmp/dl3_order_{tag}.png", full_page=True)
    page.goto(f"{live_server}/dealers/D001")
    page.screenshot(path=f"/tmp/dl3_account_{tag}.png", full_page=True)
    page.goto(f"{live_server}/returns")
    page.screenshot(path=f"/tmp/dl3_returns_{tag}.png", full_page=True)
    page.goto(f"{live_server}/orders")
    page.screenshot(path=f"/tmp/dl3_orders_{tag}.png", full_page=True)
    text = page.inner_text("body")
    if lang == "zh_CN":
        for english in ("Orders", "Dealer", "Status", "Total"):
            assert english not in text
