"""Menus follow the permissions table: every role, signed in, can open every link its home page and its menu show
(no 403, no 404, no 500), and one step further (the links on the pages those lead to); every home page says whose it
is. The menu registry cannot claim a permission its view does not check."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.factories import make_bin, make_part, make_user
from warehouse.accounts.roles import ROLES
from warehouse.ledger.services import receive
from warehouse.printing.services import enqueue
from warehouse.stocktake.services import open_stocktake


class _Links(HTMLParser):
    """<a href> targets, split by where they sit: inside the top menu (<nav>) or anywhere."""

    def __init__(self):
        super().__init__()
        self.all, self.menu, self._nav = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self._nav += 1
        elif tag == "a" and (href := dict(attrs).get("href")):
            self.all.append(href)
            if self._nav:
                self.menu.append(href)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav -= 1


def links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def in_app(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/")


@pytest.fixture
def shop(app, session):
    """Something on every kind of page: a part in two bins, a receipt note, an open stocktake, a print job."""
    part = make_part(session, part_number="KF35-FAN-01", name="风扇电机", name_en="Fan motor")
    make_bin(session, "N-A01-01")
    make_bin(session, "R-A01-01", store="RETURNED")
    session.commit()
    posted = receive(session, part_number=part.part_number, location="N-A01-01", qty=3, actor="setup")
    st = open_stocktake(session, store="NEW", actor="setup")
    enqueue(session, template="bin", items=[{"code": "N-A01-01"}], printer_url=app.config["PRINTER_URL"],
            actor="setup")
    session.commit()
    return {"doc_no": posted.doc_no, "stocktake": st.id, "move": posted.move_id}


def login(client, role):
    from service_app.extensions import db

    with client.application.app_context():
        make_user(db.session, username=f"u_{role}", role=role)
        db.session.commit()
    r = client.post("/login", data={"username": f"u_{role}", "password": "password-123"})
    assert r.status_code == 302, role


def _crawl(client, hrefs, seen, failed) -> list[str]:
    """GET each link once; returns the in-app links found on the HTML pages that opened."""
    found = []
    for href in hrefs:
        if href in seen:
            continue
        seen.add(href)
        r = client.get(href)
        # A redirect to the login page would mean the link sent a signed-in user away: as bad as a 403.
        if r.status_code in (403, 404) or r.status_code >= 500 or "/login" in r.headers.get("Location", ""):
            failed.append((href, r.status_code))
        elif r.status_code == 200 and r.mimetype == "text/html":
            found += [h for h in links(r.get_data(as_text=True)).all if in_app(h)]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_home_and_menu_opens(client, shop, role):
    login(client, role)
    home = client.get("/")
    assert home.status_code == 200
    page = links(home.get_data(as_text=True))
    seen, failed = {"/"}, []
    # The home page's tiles and the menu, then one step further: the links on the pages they lead to
    # (reconciliation, count by scanning, bin labels, a part, a bin, a receipt note …).
    second = _crawl(client, [h for h in page.all if in_app(h)], seen, failed)
    _crawl(client, second, seen, failed)
    assert failed == [], f"{role} is shown links it cannot open"
    assert set(page.menu) <= seen and len(seen) >= 3  # the crawl did run (at least the language switch)


@pytest.mark.parametrize("role", ROLES)
def test_home_page_says_who_you_are_and_is_not_blank(app, client, shop, role):
    from flask_babel import force_locale

    from service_app.role_names import ROLE_NAMES

    login(client, role)
    for lang in ("zh_CN", "en"):
        client.get(f"/lang/{lang}")
        html = client.get("/").get_data(as_text=True)
        with app.test_request_context(), force_locale(lang):
            name = str(ROLE_NAMES[role])
        assert name in html, (lang, name)
        tiles = html.count('class="tile"')
        # Either tiles for the role's work or a note saying its pages are not built yet: never an empty page.
        assert tiles > 0 or 'id="no-pages"' in html
        assert (tiles > 0) == bool(links(html).menu), "the menu and the tiles come from the same list"
    with app.test_request_context():
        with force_locale("zh_CN"):
            zh = str(ROLE_NAMES[role])
        with force_locale("en"):
            en = str(ROLE_NAMES[role])
    assert zh != en and en != role  # a name in each language, not the role code


def test_the_service_agent_sees_the_warranty_check_and_nothing_of_the_stores(client, shop):
    """The hotline logs tickets, dispatches them from the board, makes the follow-up calls, handles complaints, keeps
    the knowledge base and checks a caller's warranty; it reads no stock, claims or customers' parts."""
    login(client, "service_agent")
    html = client.get("/").get_data(as_text=True)
    assert links(html).menu == ["/service/tickets/new", "/service/tickets", "/service/board", "/service/calls",
                                "/service/complaints", "/care/kb", "/warranty"]
    assert 'id="no-pages"' not in html
    assert "客服" in html


def test_buttons_show_only_to_who_may_press_them(client, shop):
    """A manager sees approve / open stocktake / reverse; a finance statistician (reads stock) sees none of them,
    and their forms would answer 403."""
    doc_no = shop["doc_no"]
    login(client, "manager")
    recon = client.get(f"/reconciliation?stocktake={shop['stocktake']}").get_data(as_text=True)
    assert 'id="approve"' in recon
    assert 'id="open-stocktake"' in client.get("/stocktakes").get_data(as_text=True)
    assert "/reverse" in client.get("/parts/KF35-FAN-01").get_data(as_text=True)
    client.post("/logout")
    login(client, "finance")
    part = client.get("/parts/KF35-FAN-01").get_data(as_text=True)
    assert "/reverse" not in part
    receipt = client.get(f"/receipts/{doc_no}").get_data(as_text=True)
    assert 'id="print-part-labels"' not in receipt
    assert client.post(f"/moves/{shop['move']}/reverse", data={"reason": "x"}).status_code == 403
    assert client.post(f"/receipts/{doc_no}/labels").status_code == 403
    client.post("/logout")
    login(client, "new_store_clerk")  # counts, does not open stocktakes nor approve them
    stocktakes = client.get("/stocktakes").get_data(as_text=True)
    assert 'id="open-stocktake"' not in stocktakes and "/reconciliation" not in stocktakes
    assert 'id="card-form"' in stocktakes  # prints bin cards
