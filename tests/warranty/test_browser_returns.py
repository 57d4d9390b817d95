"""Supplier return batches (旧件返厂) and a quality incident in a real headless Chromium: the returned-parts clerk
opens a batch for the supplier whose parts wait, scans the claim tags like a wedge scanner (the field has the focus;
characters then Enter), ships the batch (the moves are posted once) and records the supplier's credit; a quality
engineer opens an incident from an alert. Screenshots in Chinese and English at 1280×800 and 800×1280 go to
/tmp/w9_*.png; nothing sticks out sideways and the Chinese pages show no English words of ours."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from tests.factories import make_user
from tests.warranty import world
from tests.warranty.test_browser import DESKTOP, TABLET, login, one, overflowing, wedge
from warehouse.catalog.models import Part, Supplier
from warehouse.catalog.services import create_supplier
from warehouse.ledger.models import Move
from warehouse.warranty import services as warranty
from warehouse.warranty.models import QualityIncident, ReturnBatch

pytestmark = pytest.mark.browser

# English words of ours that must not appear on a Chinese page (codes, numbers and names of parts are data)
ENGLISH = re.compile(r"\b(Supplier|Batch|Claim|Claimed|Recovered|Ship|Open|Closed|Lot|Record|Accepted|Credited|"
                     r"Return|Incident|Quality|None|Parts|State|Qty)\b")


@pytest.fixture
def w(session):
    for role in ("returned_store_clerk", "quality"):
        make_user(session, username=role, role=role)
    session.commit()
    out = world.build(session)
    create_supplier(session, code="S1", name="压缩机厂")
    s1 = session.scalar(select(Supplier.id).where(Supplier.code == "S1"))
    session.execute(update(Part).where(Part.part_number == "CMP-1").values(supplier_id=s1))
    session.commit()
    claims = []
    for _ in range(3):
        no = world.claim(session, assess="approve")
        warranty.intake(session, claim_no=no, location="R-A01-01", actor="returned_store_clerk")
        claims.append(no)
    session.commit()
    return claims


def shots(page, name: str):
    """The page in Chinese and in English, at 1280×800 and 800×1280, into /tmp/w9_<name>-<size>-<lang>.png."""
    url = page.url
    for lang in ("zh_CN", "en"):
        for size, viewport in (("desktop", DESKTOP), ("tablet", TABLET)):
            page.set_viewport_size(viewport)
            page.goto(url)
            assert overflowing(page) == [], (name, size, lang)
            if lang == "zh_CN":
                assert ENGLISH.findall(page.locator("main").inner_text()) == [], (name, size)
            page.screenshot(path=f"/tmp/w9_{name}-{size}-{lang}.png", full_page=True)
        if lang == "zh_CN":
            page.click("#lang-en")
            page.wait_for_function("document.documentElement.lang === 'en'")
    page.click("#lang-zh")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    page.set_viewport_size(TABLET)
    page.goto(url)


def test_clerk_builds_a_batch_by_scanning_and_ships_it(page, live_server, session, w):
    c1, c2, c3 = w
    page.set_viewport_size(TABLET)
    login(page, live_server, "returned_store_clerk")
    page.click("#menu a[data-endpoint='supplier_returns.batches']")
    page.wait_for_selector("#waiting-suppliers tr[data-supplier=S1]")
    shots(page, "returns-list")
    page.click("tr[data-supplier=S1] .open-batch")
    page.wait_for_selector("#batch-no")
    batch_no = page.locator("#batch-no").inner_text()
    assert page.evaluate("document.activeElement.id") == "scan-input"  # the scanner types into the field at once
    assert page.locator("#waiting tbody tr").count() == 3
    wedge(page, c1)
    page.wait_for_selector(f"#lines tr[data-claim='{c1}']")
    assert page.evaluate("document.activeElement.id") == "scan-input"
    wedge(page, c2)
    page.wait_for_selector(f"#lines tr[data-claim='{c2}']")
    wedge(page, c2)  # the same tag again: refused in Chinese, nothing added
    page.wait_for_selector(".flash.error")
    assert "已" in page.locator(".flash.error").inner_text()
    assert page.locator("#lines tbody tr").count() == 2 and page.locator("#waiting tbody tr").count() == 1
    shots(page, "returns-batch-open")
    page.click("#ship-button")
    page.wait_for_selector("#batch-state[data-status=shipped]")
    moves = select(func.count()).select_from(Move).where(Move.doc_no == batch_no)
    assert one(session, moves) == 2
    assert page.locator("#scan-input").count() == 0
    # the supplier's credit, line by line; the batch closes when both are settled in full
    row = page.locator(f"#lines tr[data-claim='{c1}']")
    row.locator("input[name=recovered]").fill("320.00")
    row.locator("button").click()
    page.wait_for_selector(".flash.ok")
    shots(page, "returns-batch-shipped")
    page.locator(f"#lines tr[data-claim='{c2}'] button").click()
    page.wait_for_selector("#batch-state[data-status=closed]")
    assert one(session, select(ReturnBatch.status)) == "closed" and one(session, moves) == 2
    assert page.locator("#recovered").inner_text() == "670.00"  # 320.00 + the second line's 350.00 in full
    shots(page, "returns-batch-closed")


def test_quality_engineer_opens_an_incident_from_an_alert(page, live_server, session, w):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "quality")
    page.click("#menu a[data-endpoint='warranty.alerts']")
    page.click("#alerts .open-incident")
    page.wait_for_selector("#incident-form")
    assert page.locator("input[name=part_number]").input_value() == "CMP-1"
    page.fill("input[name=title]", "压缩机批量烧毁")
    page.fill("input[name=lots]", "L2405A")
    page.click("#open-incident")
    page.wait_for_selector("#incident-no")
    assert one(session, select(QualityIncident.lots)) == "L2405A"
    assert page.locator("#incident-claims tbody tr[data-claim]").count() == 3
    page.fill("textarea[name=decision]", "更换 L2405A 批压缩机，通知客户")
    page.click("#save-decision")
    page.wait_for_selector("#incident-decision")
    shots(page, "incident")
    page.goto(f"{live_server}/quality/incidents")
    shots(page, "incidents-list")
