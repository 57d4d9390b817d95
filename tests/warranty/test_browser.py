"""Warranty pages in a real headless Chromium on a tablet-sized window (800×1280): a technician scans a serial like a
wedge scanner (characters 5 ms apart, then Enter, no click into the field) and sees the green band with the expiry
date; assesses a claim by scanning its tag; a returned-parts clerk takes the part in on the scan page in intake
mode (tag, then bin) and the move is posted exactly once. Screenshots in Chinese and English, tablet and desktop,
go to /tmp/warranty-*.png."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.warranty import world
from warehouse.ledger.models import Move
from warehouse.warranty.models import Claim

pytestmark = pytest.mark.browser

TABLET = {"width": 800, "height": 1280}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def w(session):
    for role in ("technician", "returned_store_clerk", "order_clerk"):
        make_user(session, username=role, role=role)
    session.commit()
    return world.build(session)


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def wedge(page, code: str):
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def overflowing(page) -> list[str]:
    """Elements that stick out past the window's right edge (a page a tablet would have to scroll sideways)."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.offsetParent !== null
        && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.tagName + '#' + e.id + '.' + e.className)""")


def shots(page, name: str):
    """The page as it is, in Chinese and in English, at tablet and desktop width; nothing sticks out sideways."""
    url = page.url
    for lang in ("zh_CN", "en"):
        for size, viewport in (("tablet", TABLET), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            page.goto(url)
            assert overflowing(page) == [], (name, size, lang)
            page.screenshot(path=f"/tmp/warranty-{name}-{size}-{lang}.png", full_page=True)
        if lang == "zh_CN":
            page.click("#lang-en")
            page.wait_for_function("document.documentElement.lang === 'en'")
    page.click("#lang-zh")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    page.set_viewport_size(TABLET)
    page.goto(url)


def one(session, stmt):
    value = session.scalar(stmt)
    session.rollback()
    return value


def test_technician_scans_a_serial_and_sees_the_green_band(page, live_server, session, w):
    world.claim(session, assess="approve")
    page.set_viewport_size(TABLET)
    login(page, live_server, "technician")
    page.goto(f"{live_server}/warranty")
    assert page.evaluate("document.activeElement.id") == "scan-input"
    wedge(page, "SN-0001")
    page.wait_for_selector("#band.ok")
    assert w["expires"] in page.locator("#expires").inner_text()
    assert "在保修期内" in page.locator("#band").inner_text()
    band = page.locator("#band").bounding_box()
    assert band["width"] >= TABLET["width"] - 60  # full width
    # every touch target on the page is at least 48 px high
    small = page.eval_on_selector_all(
        "main button, main a.btn, main a.fit, main input#scan-input",
        "els => els.filter(e => e.offsetParent && e.getBoundingClientRect().height < 48).map(e => e.outerHTML)")
    assert small == []
    assert page.locator("#history tbody tr").count() == 1 and page.locator("#fits .fit").count() == 1
    shots(page, "lookup-green")
    wedge(page, "SN-OLD")
    page.wait_for_selector("#band.bad[data-status=expired]")
    shots(page, "lookup-red")


def test_technician_assesses_a_claim_by_scanning_its_tag(page, live_server, session, w):
    no = world.claim(session)
    page.set_viewport_size(TABLET)
    login(page, live_server, "technician")
    page.goto(f"{live_server}/claims/assess")
    assert page.evaluate("document.activeElement.id") == "scan-input"
    wedge(page, no)
    page.wait_for_selector("#assess-form")
    assert page.locator("#claim-no").inner_text() == no
    shots(page, "assess")
    page.click("label:has(#cause-quality)")
    page.click("label:has(#decision-approve)")
    page.fill("textarea[name=notes]", "线圈烧毁")
    page.click("#save-assessment")
    page.wait_for_selector(".flash.ok")
    assert one(session, select(Claim.status).where(Claim.claim_no == no)) == "approved"
    assert page.locator("#queue tbody tr td.muted").count() == 1  # nothing left to assess


def test_returned_parts_clerk_takes_the_part_in_on_the_scan_page(page, live_server, session, w):
    filed, ready = world.claim(session), world.claim(session, assess="approve")
    page.set_viewport_size(TABLET)
    login(page, live_server, "returned_store_clerk")
    page.goto(f"{live_server}/scan")
    wedge(page, "MODE:INTAKE")
    page.wait_for_selector("#mode-intake.on")
    result = page.locator("#result")

    wedge(page, filed)  # not assessed: refused at the tag, in the user's language
    page.wait_for_selector("#result.err")
    assert "尚未鉴定" in result.inner_text()

    wedge(page, ready)
    page.wait_for_selector(f"#result.ok >> text={ready}")
    assert page.locator("#claim").inner_text() == ready
    wedge(page, "R-A01-01")
    page.wait_for_selector("#result.ok >> text=RI-")
    assert page.locator("#intake-doc").inner_text().startswith("RI-")
    assert page.locator("#last tbody tr").count() == 1
    moves = select(func.count()).select_from(Move).where(Move.doc_type == "intake")
    assert one(session, moves) == 1
    page.screenshot(path="/tmp/warranty-intake-tablet-zh.png", full_page=True)

    wedge(page, ready)  # the same tag again: already taken in, nothing posted
    page.wait_for_selector("#result.err")
    assert "已经入库" in result.inner_text()
    assert one(session, moves) == 1

    page.click("#intake-doc")
    page.wait_for_selector("#intake-receipt")
    assert ready in page.locator("#intake-receipt").inner_text()
    shots(page, "intake-receipt")


def test_claim_form_list_and_detail_screens(page, live_server, session, w):
    world.claim(session, serial="SN-OLD")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "order_clerk")
    page.goto(f"{live_server}/claims/new")
    shots(page, "claim-form")
    page.fill("input[name=serial]", "SN-0001")
    page.fill("input[name=dealer]", "D001")
    page.fill("input[name=part_number]", "CMP-1")
    page.fill("input[name=qty]", "0")
    page.fill("textarea[name=failure]", "压缩机不启动")
    page.click("#file-claim")
    page.wait_for_selector(".flash.error")
    assert one(session, select(func.count()).select_from(Claim)) == 1
    page.fill("input[name=qty]", "1")
    page.click("#file-claim")
    page.wait_for_selector("#claim-no")
    shots(page, "claim-detail")
    page.goto(f"{live_server}/claims")
    assert page.locator("#claims tbody tr").count() == 2 and page.locator("#claims .out-of-warranty").count() == 1
    shots(page, "claims-list")
    page.goto(f"{live_server}/")
    shots(page, "home-order-clerk")
