"""Names, not keys, in a real browser: on the demo data set, every demo user opens every page their menu, their home
tiles and their work figures lead to, in Chinese and in English, and no page shows a raw key (a counterparty code
such as @SUPPLIER, a snake_case enumeration value, an ISO timestamp), the unit code `pcs` in Chinese, English words in
the Chinese UI, or Chinese in the English UI. Data that is not a word of the UI — codes, addresses, people's names,
recorded values — is marked `translate="no"` (the HTML way to say "not to be translated") and left out of the
language and raw-key checks (user names such as `new_store_clerk` are such data); everything else on the page is
checked. Also: every role's home page shows its work (web/home.py), finance reads the reconciliation, a
print job can be previewed and downloaded from the queue, the parts list flags parts below their reorder point."""
from __future__ import annotations

import re
import time

import pytest

from warehouse.accounts.roles import ROLES
from warehouse.demo import DEMO_PASSWORD, seed

pytestmark = pytest.mark.browser

RAW_KEYS = [re.compile(p) for p in (
    r"@[A-Z]{3,}\w*",                         # a counterparty's code
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}",    # an ISO timestamp (dates and times are in the locale's format)
    r"\b[a-z]+_[a-z_]+\b",                     # an enumeration value (new_store_clerk, awaiting_written, …)
)]
ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]{2,}\b")  # codes (MODE:COUNT, KF26-CMP-01, PDF) are upper case
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
FORMAT_NAMES = {"WebP"}  # file formats keep their names in Chinese too (JPEG, PNG, PDF are upper case anyway)
# The page's own words: header and main, without the language switch and what is marked as not to be translated.
PAGE_TEXT = """() => ['header', 'main'].map(sel => {
    const n = document.querySelector(sel).cloneNode(true);
    n.querySelectorAll('[translate=no], .lang, script, style').forEach(e => e.remove());
    return n.innerText; }).join('\\n')"""


@pytest.fixture(scope="module")
def demo_db(sqlite_template, tmp_path_factory):
    """The demo data set (seeded once for the module, each test gets its own copy), plus one print job delivered to
    a folder printer and one failed (so the queue and the failures tile have something to show)."""
    import shutil

    from sqlalchemy.orm import Session, sessionmaker

    from warehouse.db import make_engine
    from warehouse.printing import worker
    from warehouse.printing.models import PrintJob
    from warehouse.printing.services import enqueue

    folder = tmp_path_factory.mktemp("demo")
    path, printer = folder / "demo.db", f"file://{folder / 'labels'}"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        seed(s)
        enqueue(s, template="bin", items=[{"code": "N-A01-01", "store": "NEW"}], printer_url=printer, actor="manager")
        s.commit()
        assert worker.deliver_due(sessionmaker(bind=engine)).claimed == 1
        failed = enqueue(s, template="part", items=[{"part_number": "KF26-CMP-01", "name": "1匹挂机压缩机"}],
                         printer_url=printer, actor="new_store_clerk")
        s.get(PrintJob, failed.id).state = "failed"
        s.commit()
    engine.dispose()
    return path, printer


@pytest.fixture
def db_url(demo_db, tmp_path):
    import shutil

    shutil.copy(demo_db[0], tmp_path / "demo.db")
    return f"sqlite:///{tmp_path / 'demo.db'}"


@pytest.fixture
def demo(app, demo_db, page):
    app.config["PRINTER_URL"] = demo_db[1]
    page.set_default_timeout(30_000)  # a shared CI machine: a login's password hash can take seconds


def sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def faults(text: str, lang: str) -> set[str]:
    found = {m for rx in RAW_KEYS for m in rx.findall(text)}
    if lang == "zh":
        found |= {f"English: {w}" for w in ENGLISH_WORD.findall(text) if w not in FORMAT_NAMES}
        found |= {"pcs"} if re.search(r"\bpcs\b", text) else set()
    else:
        found |= {f"Chinese: {w}" for w in CHINESE.findall(text)}
    return found


def test_every_page_of_every_role_shows_names_in_both_languages(page, live_server, demo):
    started, problems, pages = time.monotonic(), {}, 0
    for role in ROLES:
        sign_in(page, live_server, role)
        for lang in ("zh", "en"):
            page.click("#lang-en" if lang == "en" else "#lang-zh")
            page.wait_for_function(f"document.documentElement.lang === '{'en' if lang == 'en' else 'zh-CN'}'")
            hrefs = page.eval_on_selector_all("#menu a, a.tile, a.work-tile", "as => as.map(a => a.getAttribute('href'))")
            for href in dict.fromkeys(["/", *hrefs]):
                response = page.goto(live_server + href)
                pages += 1
                assert response.status == 200, (role, href, response.status)
                assert page.evaluate("document.documentElement.lang") == ("en" if lang == "en" else "zh-CN")
                found = faults(page.evaluate(PAGE_TEXT), lang)
                if found:
                    problems[(role, lang, href)] = sorted(found)[:8]
        with page.expect_navigation():  # signing out clears a cache first: wait for it, not race the next goto
            page.click("button:has-text('Sign out'), button:has-text('退出')")
    assert problems == {}
    assert pages > 200
    print(f"{pages} pages in {time.monotonic() - started:.0f} s")


def test_a_part_page_a_receipt_note_and_the_queue_use_names(page, live_server, demo, session):
    """The pages one click further that carry the most codes: a part's moves (counterparties, document types), a
    receipt note (store, heading), the print queue (states, templates, printers) — in English, then Chinese."""
    from sqlalchemy import select

    from warehouse.catalog.models import Part
    from warehouse.ledger.models import Move

    doc_no, part_number = session.execute(select(Move.doc_no, Part.part_number).join(Part, Part.id == Move.part_id)
                                          .where(Move.doc_type == "receipt").limit(1)).one()
    session.rollback()  # no read transaction stays open on the SQLite file while the server writes
    sign_in(page, live_server, "manager")
    page.click("#lang-en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto(f"{live_server}/receipts/{doc_no}")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Receipt note") and "入库单" not in heading
    assert "New-parts store" in page.locator("article p").first.inner_text()
    page.goto(f"{live_server}/parts/{part_number}")
    moves = page.locator("table.grid").last.inner_text()
    assert "Supplier" in moves and "@SUPPLIER" not in moves
    page.goto(f"{live_server}/print-queue")
    assert page.locator("#jobs tr[data-state='failed'] td[data-label='State']").inner_text() == "Failed"
    assert "Default printer" in page.locator("#jobs").inner_text()
    page.click("#lang-zh")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    jobs = page.locator("#jobs").inner_text()
    assert "失败" in jobs and "货位标签" in jobs and "默认打印机" in jobs
    for href in (f"/receipts/{doc_no}", f"/parts/{part_number}", "/bins/N-A01-01"):
        page.goto(live_server + href)
        assert faults(page.evaluate(PAGE_TEXT), "zh") == set(), href
    assert page.locator("h1").inner_text().count("入库单") <= 1


# Each role's home: the work figures it must show (data-work keys), and ones it must not.
HOME_WORK = {
    "new_store_clerk": ({"receipts_today", "issues_today", "stocktake_bins", "print_failed"},
                        {"stock_value_new", "card_diff_new", "stocktake_approve"}),
    "returned_store_clerk": ({"issues_today", "stocktake_bins", "print_failed"}, {"receipts_today", "stock_value_new"}),
    "manager": ({"stocktake_approve", "claims_decide", "orders_held", "print_failed", "card_diff_new",
                 "card_diff_returned", "stock_value_new"}, {"my_jobs", "orders_pick"}),
    "finance": ({"stock_value_new", "card_diff_new"}, {"receipts_today", "print_failed"}),
    "technician": ({"claims_assess", "my_jobs"}, {"stock_value_new", "print_failed"}),
    "order_clerk": ({"orders_held", "orders_written"}, {"stock_value_new", "print_failed"}),
    "shipper": ({"orders_pick", "issues_today", "print_failed"}, {"stock_value_new", "orders_held"}),
    "service_agent": ({"tickets_undispatched", "tickets_overdue"}, {"stock_value_new", "print_failed"}),
    "customer_supervisor": ({"tickets_overdue"}, {"stock_value_new", "tickets_undispatched"}),
    "quality": ({"claims_confirm"}, {"stock_value_new", "print_failed"}),
    "admin": ({"stocktake_approve", "print_failed", "stock_value_new"}, {"my_jobs"}),
}


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}])
def test_every_roles_home_shows_its_work(page, live_server, demo, size):
    page.set_viewport_size(size)
    assert set(HOME_WORK) == set(ROLES)
    for role, (wanted, unwanted) in HOME_WORK.items():
        sign_in(page, live_server, role)
        shown = set(page.eval_on_selector_all(".work-tile", "ts => ts.map(t => t.dataset.work)"))
        assert wanted <= shown, (role, wanted - shown)
        assert not shown & unwanted, (role, shown & unwanted)
        for tile in page.query_selector_all(".work-tile"):
            box = tile.bounding_box()
            assert box["height"] >= 44 and box["x"] + box["width"] <= size["width"], role
        if role == "manager":
            failed = page.locator(".work-tile[data-work='print_failed']")
            assert failed.locator(".work-value").inner_text() == "1" and "alert" in failed.get_attribute("class")
            page.screenshot(path=f"/tmp/ux_home_manager_{size['width']}.png", full_page=True)
        if role == "finance":
            value = page.locator(".work-tile[data-work='stock_value_new'] .work-value").inner_text()
            assert re.fullmatch(r"[\d,]+\.\d\d", value) and value != "0.00"
            page.click(".work-tile[data-work='card_diff_new']")  # finance reads the reconciliation now
            assert page.locator("#recon").count() == 1
            assert page.locator("#recon tbody tr").count() <= 40  # paged
        page.click("button:has-text('Sign out'), button:has-text('退出')")
        page.wait_for_url("**/login**")


def test_the_queue_previews_and_downloads_a_job_and_the_parts_list_flags_reorders(page, live_server, demo):
    page.set_viewport_size({"width": 800, "height": 1280})  # a tablet held upright
    sign_in(page, live_server, "new_store_clerk")
    page.goto(f"{live_server}/print-queue")
    row = page.locator("#jobs tr[data-state='done']")
    page.wait_for_function("() => [...document.querySelectorAll('img.label-thumb')].every(i => i.complete && "
                           "i.naturalWidth > 100)")
    preview = page.request.get(live_server + row.locator("a.preview").get_attribute("href"))
    assert preview.status == 200 and preview.headers["content-type"] == "image/png"
    output = page.request.get(live_server + row.locator("a[data-output]").get_attribute("href"))
    assert output.status == 200 and output.body()[:5] == b"%PDF-"
    printed = page.request.get(live_server + row.locator("a[data-file]").get_attribute("href"))
    assert printed.status == 200 and printed.body() == output.body()  # the file the folder printer wrote
    for button in page.query_selector_all("#jobs a.button, #jobs button"):
        assert button.bounding_box()["height"] >= 44  # the tablet's touch targets
    page.goto(f"{live_server}/parts")
    low = page.locator("#parts tr[data-below]")
    assert low.count() > 0
    first = low.first
    new = int(first.locator("td[data-store='NEW']").inner_text().split()[0])
    reorder = int(first.locator("td[data-label]").nth(6).inner_text())
    assert new < reorder and first.locator(".below").count() == 1
    page.goto(f"{live_server}/parts/KF26-CMP-01")
    assert page.locator("#avg-cost").count() == 0  # a store clerk sees quantities, not costs
