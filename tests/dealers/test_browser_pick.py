"""Picking on the scan page in a real Chromium, by wedge scans only: the order's pick list code, then bin and part
per line; a part not on the order is refused at the scan with the error tone."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part, make_user
from warehouse.dealers.services import create_dealer
from warehouse.ledger.services import receive
from warehouse.orders import services as orders
from warehouse.orders.models import Order

pytestmark = pytest.mark.browser

# Record every tone the page plays: (oscillator type, frequency) — square 220 Hz is the error tone.
TONES = """
window.__tones = [];
const Real = window.AudioContext;
window.AudioContext = function () {
  const ctx = new Real();
  const make = ctx.createOscillator.bind(ctx);
  ctx.createOscillator = function () {
    const o = make();
    const start = o.start.bind(o);
    o.start = function () { window.__tones.push([o.type, o.frequency.value]); return start(...arguments); };
    return o;
  };
  return ctx;
};
"""


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def picking(session):
    make_user(session, username="shipper", role="shipper")
    make_part(session, part_number="CMP-1", name="压缩机")
    make_part(session, part_number="FLT-2", name="过滤器", barcodes=["6901234567892"])
    make_part(session, part_number="OTH-9", name="其他零件")
    for code in ("N-A01-01", "N-B02-01"):
        make_bin(session, code)
    create_dealer(session, code="D001", name="华东经销商", credit_limit="100000")
    session.commit()
    for pn, loc in (("CMP-1", "N-B02-01"), ("FLT-2", "N-A01-01"), ("OTH-9", "N-A01-01")):
        receive(session, part_number=pn, location=loc, qty=5, actor="setup")
    no = orders.place_order(session, dealer="D001", channel="fax", reference="F1", actor="clerk",
                            lines=[{"part_number": "CMP-1", "qty": 2}, {"part_number": "FLT-2", "qty": 1}]).order_no
    session.commit()
    return no


def wedge(page, code: str):
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_pick_by_wedge_scans_with_a_wrong_part_refused(page, live_server, session, picking):
    page.add_init_script(TONES)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "shipper")
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/scan")
    assert page.evaluate("document.activeElement.id") == "scan-input"

    wedge(page, picking)  # the pick list's code: pick mode, this order
    page.wait_for_selector("#mode-pick.on")
    page.wait_for_function(f"document.getElementById('order').textContent === '{picking}'")
    wedge(page, "N-A01-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-A01-01'")
    wedge(page, "6901234567892")  # FLT-2 by its EAN
    page.wait_for_selector("#result.ok >> text=FLT-2")
    wedge(page, "OTH-9")  # not on the order
    page.wait_for_selector("#result.err >> text=OTH-9")
    assert page.evaluate("window.__tones.at(-1)") == ["square", 220]
    wedge(page, "N-B02-01")
    page.wait_for_function("document.getElementById('bin').textContent === 'N-B02-01'")
    page.fill("#qty", "2")
    page.focus("#scan-input")
    wedge(page, "CMP-1")
    page.wait_for_selector("#result.ok >> text=2/2")
    assert page.evaluate("window.__tones.at(-1)") == ["sine", 1320]
    page.screenshot(path="/tmp/dl2_pick.png")
    order = session.scalar(select(Order).where(Order.order_no == picking))
    assert order.status == "picked" and [ln.picked for ln in order.lines] == [2, 1]
