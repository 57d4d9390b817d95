"""The field-service pages in a real browser on a tablet-sized window (800×1280): the agent logs a device ticket by
keyboard (the customer found as they type, the warranty status shown from the serial) and dispatches it; the
technician opens "my jobs", records the arrival, scans a part from the van, has the customer sign and completes —
and the van's move is posted exactly once. Screenshots in Chinese and English go to /tmp/service-*.png."""
from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from tests.service.conftest import refill
from warehouse.attachments.models import Attachment
from warehouse.ledger.models import Move
from warehouse.service.models import Ticket

pytestmark = pytest.mark.browser
TABLET = {"width": 800, "height": 1280}


def _now() -> str:
    from warehouse.db import utcnow
    return utcnow().isoformat()


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url  # the browser flow once, on SQLite; the page tests cover PostgreSQL


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page, name):
    page.screenshot(path=f"/tmp/service-{name}-zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    page.screenshot(path=f"/tmp/service-{name}-en.png", full_page=True)
    assert "{" not in page.locator("main").inner_text()  # no raw placeholders
    with page.expect_navigation():
        page.click("#lang-zh")
    page.wait_for_selector("html[lang=zh-CN]")


def test_agent_to_technician_on_a_tablet(page, live_server, client, auth, world, session):
    refill(client, auth, "tech1", [("FAN-1", 2)])
    auth.headers("service_agent", "agent")
    page.set_viewport_size(TABLET)

    login(page, live_server, "agent")
    page.goto(f"{live_server}/service/tickets/new")
    page.keyboard.type("1380")                       # the search field has the focus
    page.wait_for_selector("#customer-hits button.hit")
    page.keyboard.press("Tab")                       # to the first customer found
    page.keyboard.press("Enter")
    page.wait_for_selector("#warranty-band[data-status='in_warranty']")
    assert page.input_value("#serial") == "SN-0001" and page.input_value("#customer-id") != ""
    page.locator("#description").focus()
    page.keyboard.type("空调不制冷，外机不转")
    page.screenshot(path="/tmp/service-new-filled-zh.png", full_page=True)  # switching language would reload
    page.locator("#description").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#dispatch-form")
    no = page.url.rsplit("/", 1)[1]
    assert "张三" in page.locator("#customer").inner_text()
    page.select_option("#assignee-select", "t:tech1")
    page.click("#dispatch-btn")
    page.wait_for_selector(".flash.ok")
    assert page.locator("#assignee").inner_text() == "tech1"
    shoot(page, "ticket")
    page.goto(f"{live_server}/service/board")
    shoot(page, "board")
    page.goto(f"{live_server}/service/tickets/new")
    shoot(page, "new")

    login(page, live_server, "tech1")
    page.goto(f"{live_server}/service/my-jobs")
    shoot(page, "my-jobs")
    card = page.locator(f"#job-{no}")
    assert "张三" in card.inner_text() and "13800000001" in card.inner_text()
    assert card.locator(".arrive-btn").bounding_box()["height"] >= 48
    card.locator(".arrive-btn").click()
    page.wait_for_selector(f"#job-{no}[data-status='arrived']")
    shoot(page, "my-jobs-arrived")
    card = page.locator(f"#job-{no}")
    card.locator(".diagnosis").fill("风扇电机烧毁")
    card.locator(".part-scan").focus()
    page.keyboard.type("fan-1")
    page.keyboard.press("Enter")
    assert card.locator("[name=part_number]").first.input_value() == "FAN-1"
    assert card.locator("[name=qty]").first.input_value() == "1"
    card.locator("canvas.sig").scroll_into_view_if_needed()  # the mouse draws in the viewport
    box = card.locator("canvas.sig").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 40)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 30 + i * 25, box["y"] + 40 + (i % 3) * 20)
    page.mouse.up()
    assert card.locator(".sig-data").input_value().startswith("data:image/png;base64,")
    for sel in (".complete-btn", ".sig-clear", ".part-scan", ".diagnosis"):
        assert card.locator(sel).bounding_box()["height"] >= 48, sel
    page.screenshot(path="/tmp/service-my-jobs-filled-zh.png", full_page=True)
    page.locator(f"#job-{no} .complete-btn").dblclick()  # a double tap sends it once
    page.wait_for_selector(f"#job-{no}", state="detached")

    session.expire_all()
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == no))
    moves = session.scalars(select(Move).where(Move.doc_type == "service", Move.doc_no == no)).all()
    sig = session.scalars(select(Attachment).where(Attachment.owner_kind == "ticket")).all()
    session.commit()
    assert t.status == "completed" and t.arrived_at is not None
    assert len(moves) == 1 and moves[0].qty == 1
    assert len(sig) == 1 and sig[0].owner_key == no

    auth.headers("manager", "boss")
    login(page, live_server, "boss")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/service/kpis")
    assert page.locator("#kpi-repair_timeliness_rate").count() == 1
    shoot(page, "kpis")


class CuttableProxy:
    """A TCP proxy in front of the live server whose cable can be pulled: cut() drops every open connection and
    refuses new ones (the browser and its service worker both see a network error), restore() plugs it back."""

    def __init__(self, target: str):
        self.target = ("127.0.0.1", int(target.rsplit(":", 1)[1]))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.up, self.open, self.lock = True, [], threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.open = []

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def test_completion_taken_offline_is_applied_once_when_the_connection_returns(page, live_server, client, auth,
                                                                             world, session):
    """Arrival online; the network is cut at a proxy; diagnosis, a van part, the signature and the completion are
    saved on the tablet; the page is reloaded (from the service worker's copy) and still holds the step; the
    network returns and the step is applied exactly once."""
    refill(client, auth, "tech1", [("FAN-1", 2)])
    r = client.post("/api/v1/tickets", json={"serial": "SN-0001", "category": "device", "description": "不制冷"},
                    headers=auth.headers("service_agent", "agent"))
    no = r.json["ticket_no"]
    assert client.post(f"/api/v1/tickets/{no}/dispatch", json={"technician": "tech1"},
                       headers=auth.headers("service_agent", "agent")).status_code == 200
    proxy = CuttableProxy(live_server)
    try:
        page.set_viewport_size(TABLET)
        login(page, proxy.url, "tech1")
        page.goto(f"{proxy.url}/service/my-jobs")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now controlled by the worker, which keeps a copy of the page
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        page.locator(f"#job-{no} .arrive-btn").click()
        page.wait_for_selector(f"#job-{no}[data-status='arrived']")

        proxy.cut()
        card = page.locator(f"#job-{no}")
        card.locator(".diagnosis").fill("风扇电机烧毁")
        card.locator(".part-scan").focus()
        page.keyboard.type("FAN-1")
        page.keyboard.press("Enter")
        card.locator("canvas.sig").scroll_into_view_if_needed()  # the mouse draws in the viewport
        box = card.locator("canvas.sig").bounding_box()
        page.mouse.move(box["x"] + 40, box["y"] + 50)
        page.mouse.down()
        page.mouse.move(box["x"] + 200, box["y"] + 120, steps=8)
        page.mouse.up()
        card.locator(".complete-btn").click()
        page.wait_for_selector("#queue-box .step.queued[data-kind=complete]")
        page.screenshot(path="/tmp/service-offline-queued-zh.png", full_page=True)
        page.reload()  # offline: the worker's copy, and the step is still on the tablet
        page.wait_for_selector("#queue-box .step.queued[data-kind=complete]")
        session.expire_all()
        assert session.scalar(select(Ticket.status).where(Ticket.ticket_no == no)) == "arrived"
        session.commit()

        proxy.restore()
        page.wait_for_selector("#queue-box .step", state="detached", timeout=30_000)
        page.wait_for_selector(f"#job-{no}", state="detached", timeout=30_000)
    finally:
        proxy.close()
    session.expire_all()
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == no))
    moves = session.scalars(select(Move).where(Move.doc_type == "service", Move.doc_no == no)).all()
    sig = session.scalars(select(Attachment).where(Attachment.owner_kind == "ticket")).all()
    events = [e.kind for e in t.events]
    session.commit()
    assert t.status == "completed" and t.diagnosis == "风扇电机烧毁"
    assert len(moves) == 1 and len(sig) == 1
    assert events.count("completed") == 1 and events.count("arrived") == 1


def test_a_step_refused_when_it_arrives_stays_as_a_conflict(page, live_server, client, auth, world, session):
    """Completed offline with the van's last fan; meanwhile the fan left the van. When the connection returns the
    server refuses the step (409 insufficient_stock): the tablet shows it as a conflict with the reason, nothing is
    written, and the technician takes it back into the form as typed to correct it."""
    refill(client, auth, "tech1", [("FAN-1", 1)])
    agent = auth.headers("service_agent", "agent")
    no = client.post("/api/v1/tickets", json={"serial": "SN-0001", "category": "device", "description": "不制冷"},
                     headers=agent).json["ticket_no"]
    assert client.post(f"/api/v1/tickets/{no}/dispatch", json={"technician": "tech1"}, headers=agent).status_code == 200
    proxy = CuttableProxy(live_server)
    try:
        page.set_viewport_size(TABLET)
        login(page, proxy.url, "tech1")
        page.goto(f"{proxy.url}/service/my-jobs")
        page.locator(f"#job-{no} .arrive-btn").click()
        page.wait_for_selector(f"#job-{no}[data-status='arrived']")
        proxy.cut()
        card = page.locator(f"#job-{no}")
        card.locator(".diagnosis").fill("风扇电机烧毁")
        card.locator("[name=part_number]").first.fill("FAN-1")
        card.locator("[name=qty]").first.fill("1")
        card.locator(".complete-btn").click()
        page.wait_for_selector("#queue-box .step.queued[data-kind=complete]")
        # meanwhile the fan goes into another job of the same van (recorded by the back office)
        other = client.post("/api/v1/tickets", json={"serial": "SN-0002", "category": "device",
                                                     "description": "异响"}, headers=agent).json["ticket_no"]
        for step, body in (("dispatch", {"technician": "tech1"}), ("arrive", {}),
                           ("complete", {"parts_used": [{"part_number": "FAN-1", "qty": 1}]})):
            body = body if step == "dispatch" else body | {"at": _now()}
            r = client.post(f"/api/v1/tickets/{other}/{step}", json=body, headers=agent)
            assert r.status_code == 200, r.json
        proxy.restore()
        conflict = page.wait_for_selector("#queue-box .step.conflict[data-kind=complete]", timeout=30_000)
        assert "V-TECH1" in conflict.inner_text() or "FAN-1" in conflict.inner_text()
        page.screenshot(path="/tmp/service-conflict-zh.png", full_page=True)
        page.reload()  # still there after a reload
        page.wait_for_selector("#queue-box .step.conflict")
        session.expire_all()
        assert session.scalar(select(Ticket.status).where(Ticket.ticket_no == no)) == "arrived"
        assert session.scalars(select(Move).where(Move.doc_type == "service", Move.doc_no == no)).all() == []
        session.commit()
        page.click("#queue-box button.redo")  # back into the form as typed, to correct
        page.wait_for_selector("#queue-box", state="hidden")
        card = page.locator(f"#job-{no}")
        assert card.locator(".complete-form").is_visible()
        assert card.locator(".diagnosis").input_value() == "风扇电机烧毁"
        assert card.locator("[name=part_number]").first.input_value() == "FAN-1"
    finally:
        proxy.close()
