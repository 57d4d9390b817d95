"""The technician's tablet (800×1280) in a real browser, for what the API alone offered before: a charged repair
(quote, the customer's acceptance signed on the screen, payment), a photo, and a failed part collected on
completion — the acceptance, payment, photo and completion taken with the network cut at a proxy, the page
reloaded, and each applied exactly once when the connection returns.

And the queue belongs to its user (issue 15): steps saved offline survive a sign-out on the tablet and are sent
after the same technician's next sign-in — never under another user's session (Playwright's context.set_offline).
Screenshots of the page in Chinese and English go to /tmp/f11_*.png."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.service.conftest import refill
from tests.service.test_browser import TABLET, CuttableProxy, login
from warehouse.attachments.models import Attachment
from warehouse.ledger.models import Move
from warehouse.service.models import Payment, Ticket
from warehouse.warranty.models import Claim

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 200)).save(out, "JPEG", quality=85)
    return {"name": "铭牌.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def sign(page, canvas):
    canvas.scroll_into_view_if_needed()  # the mouse draws in the viewport
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 50)
    page.mouse.down()
    page.mouse.move(box["x"] + 260, box["y"] + 130, steps=8)
    page.mouse.up()


def job(client, auth, serial: str, technician: str = "tech1") -> str:
    agent = auth.headers("service_agent", "agent")
    r = client.post("/api/v1/tickets", json={"serial": serial, "category": "device", "description": "外机异响"},
                    headers=agent)
    assert r.status_code == 201, r.json
    no = r.json["ticket_no"]
    assert client.post(f"/api/v1/tickets/{no}/dispatch", json={"technician": technician},
                       headers=agent).status_code == 200
    return no


def test_charged_repair_photo_and_failed_part_on_the_tablet_offline(page, live_server, client, auth, world,
                                                                      session):
    refill(client, auth, "tech1", [("FAN-1", 2)])
    assert client.put("/api/v1/labour-rates/*", json={"rate": "50.00"},
                      headers=auth.headers("admin")).status_code == 200
    no = job(client, auth, "SN-0002")  # out of warranty: the customer pays
    proxy = CuttableProxy(live_server)
    try:
        page.set_viewport_size(TABLET)
        login(page, proxy.url, "tech1")
        page.goto(f"{proxy.url}/service/my-jobs")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # controlled by the worker from now on
        card = page.locator(f"#job-{no}")
        assert card.locator(".charged").is_hidden()  # not before the arrival
        card.locator(".arrive-btn").click()
        page.wait_for_selector(f"#job-{no}[data-status='arrived']")

        # the quote, online: its price comes from the server (80.00 × 1.30 + 1.5 h × 50.00)
        card = page.locator(f"#job-{no}")
        card.locator("[name=q_part_number]").first.fill("fan-1")
        card.locator("[name=q_qty]").first.fill("1")
        card.locator("[name=q_labour_hours]").fill("1.5")
        card.locator(".quote-btn").click()
        page.wait_for_selector(f"#job-{no} .accept-form")
        card = page.locator(f"#job-{no}")
        assert "179.00" in card.locator(".quote-sum").inner_text()
        assert card.locator(".pay-amount").input_value() == "179.00"
        for sel in (".accept-btn", ".pay-btn", ".photo-pick", ".pay-method", ".quote-btn"):
            assert card.locator(sel).bounding_box()["height"] >= 48, sel
        page.screenshot(path="/tmp/f11_tablet-quote-zh.png", full_page=True)

        proxy.cut()
        sign(page, card.locator(".accept-form canvas.sig"))
        card.locator(".accept-btn").dblclick()  # a double tap saves one step
        page.wait_for_selector("#queue-box .step.queued[data-kind=accept]")
        card.locator(".pay-method").select_option("qr")
        card.locator(".pay-ref").fill("WX-20261130-77")
        card.locator(".pay-btn").click()
        page.wait_for_selector("#queue-box .step.queued[data-kind=payment]")
        # saved and waiting: the form cannot save the payment a second time until it is sent
        assert card.locator(".pay-btn").is_disabled() and card.locator(".accept-btn").is_disabled()
        card.locator(".photo-input").set_input_files(photo())
        page.wait_for_selector("#queue-box .step.queued[data-kind=photo]")
        card.locator(".diagnosis").fill("风扇电机轴承损坏")
        card.locator("[name=part_number]").first.fill("FAN-1")
        card.locator("[name=qty]").first.fill("1")
        card.locator("[name=f_part_number]").first.fill("fan-1")
        card.locator("[name=f_failure]").first.fill("轴承卡死")
        card.locator(".complete-btn").click()
        page.wait_for_selector("#queue-box .step.queued[data-kind=complete]")
        assert page.locator("#queue-box .step").count() == 4
        page.screenshot(path="/tmp/f11_tablet-offline-zh.png", full_page=True)
        page.reload()  # offline: the worker's copy; the four steps are still on the tablet
        page.wait_for_selector("#queue-box .step.queued[data-kind=complete]")
        assert page.locator("#queue-box .step").count() == 4
        session.expire_all()
        t = session.scalar(select(Ticket).where(Ticket.ticket_no == no))
        assert t.status == "arrived" and t.quote_accepted_at is None
        session.commit()

        proxy.restore()
        page.wait_for_selector("#queue-box .step", state="detached", timeout=30_000)
        page.wait_for_selector(f"#job-{no}", state="detached", timeout=30_000)
    finally:
        proxy.close()
    session.expire_all()
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == no))
    pays = session.scalars(select(Payment).where(Payment.ticket_id == t.id)).all()
    files = sorted(a.filename for a in session.scalars(select(Attachment).where(Attachment.owner_key == no)))
    moves = session.scalars(select(Move).where(Move.doc_type == "service", Move.doc_no == no)).all()
    claims = session.scalar(select(func.count()).select_from(Claim))
    events = [e.kind for e in t.events]
    session.commit()
    assert t.status == "completed" and t.quote_accepted_at is not None and str(t.paid) == "179.00"
    assert [(str(p.amount), p.method, p.reference) for p in pays] == [("179.00", "qr", "WX-20261130-77")]
    assert files == [f"quote-signature-{no}.png", "铭牌.jpg"]
    assert len(moves) == 1 and claims == 1
    assert events.count("quote_accepted") == 1 and events.count("paid") == 1 and events.count("completed") == 1


def logout(page, base):
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.click("form[action='/logout'] button")
    page.wait_for_url(f"{base}/login*")


def _queued(page) -> int:
    """Steps held on the tablet, in every user's queue (whatever the databases are called)."""
    return page.evaluate("""async () => {
        let n = 0;
        for (const info of await indexedDB.databases()) {
            if (!info.name.startsWith('service-steps')) continue;
            n += await new Promise((ok, fail) => {
                const r = indexedDB.open(info.name);
                r.onsuccess = () => { const c = r.result.transaction('steps').objectStore('steps').count();
                                      c.onsuccess = () => { r.result.close(); ok(c.result); }; c.onerror = fail; };
                r.onerror = fail; });
        }
        return n; }""")


def test_unsent_steps_survive_logout_and_go_only_as_their_user(page, live_server, client, auth, world, session):
    """tech1 records an arrival with the tablet offline and, back online, signs out before opening "my jobs".
    tech2 signs in on the same tablet: tech1's step is not sent under tech2's session (nor shown to them). tech1
    signs in again: the step is sent, as tech1, once."""
    no = job(client, auth, "SN-0001", technician="tech1")
    mine = job(client, auth, "SN-0002", technician="tech2")
    context = page.context
    page.set_viewport_size(TABLET)
    login(page, live_server, "tech1")
    page.goto(f"{live_server}/service/my-jobs")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker now keeps an offline copy of tech1's page
    page.wait_for_function("caches.has('my-jobs-v1')")
    context.set_offline(True)
    page.locator(f"#job-{no} .arrive-btn").click()
    page.wait_for_selector("#queue-box .step.queued[data-kind=arrive]")
    assert _queued(page) == 1
    page.goto("about:blank")  # the technician leaves the page while still offline
    context.set_offline(False)

    logout(page, live_server)  # signed out: the session ends, the tablet keeps the step
    # ...and drops the offline copy of tech1's jobs, so the next user of the tablet is never shown them
    assert page.evaluate("caches.has('my-jobs-v1')") is False
    login(page, live_server, "tech2")
    page.goto(f"{live_server}/service/my-jobs")
    page.wait_for_selector(f"#job-{mine}")
    page.wait_for_function("document.getElementById('queue-box').hidden === true")
    assert _queued(page) == 1  # still on the tablet, in tech1's queue: neither shown to tech2 nor sent
    page.locator(f"#job-{mine} .arrive-btn").click()  # and tech2's own step goes as tech2
    page.wait_for_selector(f"#job-{mine}[data-status='arrived']")
    assert _queued(page) == 1
    session.expire_all()
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == no))
    assert t.status == "dispatched" and [e.kind for e in t.events].count("arrived") == 0
    session.commit()

    logout(page, live_server)
    login(page, live_server, "tech1")
    page.goto(f"{live_server}/service/my-jobs")
    page.wait_for_selector(f"#job-{no}[data-status='arrived']", timeout=30_000)  # sent, then the page reloaded
    assert _queued(page) == 0
    session.expire_all()
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == no))
    arrivals = [e for e in t.events if e.kind == "arrived"]
    other = session.scalar(select(Ticket).where(Ticket.ticket_no == mine))
    session.commit()
    assert t.status == "arrived" and len(arrivals) == 1 and arrivals[0].actor == "tech1"
    assert [e.actor for e in other.events if e.kind == "arrived"] == ["tech2"]


def test_tablet_page_screenshots(page, live_server, client, auth, world):
    """The tablet page with a charged job on site, in Chinese and in English, for a look."""
    refill(client, auth, "tech1", [("FAN-1", 2), ("CMP-1", 1)])
    tech = auth.headers("technician", "tech1")
    no = job(client, auth, "SN-0002")
    job(client, auth, "SN-0001")
    from warehouse.db import utcnow
    assert client.post(f"/api/v1/tickets/{no}/arrive", json={"at": utcnow().isoformat()},
                       headers=tech).status_code == 200
    assert client.post(f"/api/v1/tickets/{no}/quote", json={"parts": [{"part_number": "FAN-1", "qty": 1}],
                                                           "labour_hours": "1"}, headers=tech).status_code == 200
    page.set_viewport_size(TABLET)
    login(page, live_server, "tech1")
    page.goto(f"{live_server}/service/my-jobs")
    page.wait_for_selector(f"#job-{no} .charged:not([hidden])")
    page.screenshot(path="/tmp/f11_tablet_zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector(f"#job-{no} .charged:not([hidden])")
    page.screenshot(path="/tmp/f11_tablet_en.png", full_page=True)
    text = page.locator("main").inner_text()
    assert "{" not in text and "%(" not in text
    with page.expect_navigation():
        page.click("#lang-zh")
