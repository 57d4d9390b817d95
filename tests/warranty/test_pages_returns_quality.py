"""Supplier return batch pages (旧件返厂) and quality incident pages (质量事件) without a browser: the clerk opens a
batch for a supplier whose parts wait, scans tags in (a wrong supplier's tag refused, nothing written), ships,
records the supplier's answer; a manager approves scrapping what was refused and the batch closes; the return note
is a PDF; the recovery view. Quality opens an incident from an alert, records the decision; a manager closes it;
customers show only to roles that read them. Every link a page shows opens for the role that sees it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from tests.warranty import world
from tests.warranty.test_web import login, one
from warehouse.catalog.models import Part, Supplier
from warehouse.catalog.services import create_supplier
from warehouse.ledger.models import Move
from warehouse.warranty import services as warranty
from warehouse.warranty.models import QualityIncident, ReturnBatch, ReturnLine


@pytest.fixture
def w(session):
    out = world.build(session)
    create_supplier(session, code="S1", name="压缩机厂")
    create_supplier(session, code="S2", name="电机厂")
    s1, s2 = (session.scalar(select(Supplier.id).where(Supplier.code == c)) for c in ("S1", "S2"))
    session.execute(update(Part).where(Part.part_number == "CMP-1").values(supplier_id=s1))
    session.execute(update(Part).where(Part.part_number == "FAN-1").values(supplier_id=s2))
    session.commit()
    return out


def taken_in(session, part_number="CMP-1", qty=1) -> str:
    no = world.claim(session, part_number=part_number, qty=qty, assess="approve")
    warranty.intake(session, claim_no=no, location="R-A01-01", actor="returned_store_clerk")
    session.commit()
    return no


def links_open(client, html: str) -> None:
    """Every page link (not the PDF, not the language switch) answers 200 for whoever was shown it."""
    for href in set(re.findall(r'href="(/[^"#]*)', html)):
        if href.startswith(("/static", "/lang", "/logout")) or href.endswith(".pdf"):
            continue
        r = client.get(href.replace("&amp;", "&"))
        assert r.status_code == 200, (href, r.status_code)


def flashes(html: str) -> list[str]:
    return re.findall(r'<div class="flash (\w+)">', html)


def test_clerk_builds_a_batch_by_scanning_ships_and_records_the_credit(client, session, w):
    c1, c2, motor = taken_in(session), taken_in(session, qty=2), taken_in(session, part_number="FAN-1")
    login(client, "returned_store_clerk")
    html = client.get("/supplier-returns").get_data(as_text=True)
    assert 'data-supplier="S1"' in html and 'data-supplier="S2"' in html
    links_open(client, html)
    r = client.post("/supplier-returns/new", data={"supplier": "S1"})
    assert r.status_code == 302
    batch_no = one(session, select(ReturnBatch.batch_no))
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="scan-input"' in html and c1 in html and c2 in html and motor not in html  # S1's parts waiting
    # scan: the tag of a claim (lower case as a wedge may send it), then the other; S2's motor is refused
    html = client.post(f"/supplier-returns/{batch_no}/scan", data={"code": c1.lower()},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["ok"]
    html = client.post(f"/supplier-returns/{batch_no}/scan", data={"code": motor},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["error"] and "S1" in html
    html = client.post(f"/supplier-returns/{batch_no}/scan", data={"code": c2},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["ok"] and one(session, select(func.count()).select_from(ReturnLine)) == 2
    html = client.post(f"/supplier-returns/{batch_no}/scan", data={"code": c2},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["error"] and one(session, select(func.count()).select_from(ReturnLine)) == 2
    links_open(client, html)
    r = client.get(f"/supplier-returns/{batch_no}/note.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    # ship: the moves out of the RETURNED bin to the supplier
    html = client.post(f"/supplier-returns/{batch_no}/ship", follow_redirects=True).get_data(as_text=True)
    assert 'data-status="shipped"' in html and 'id="scan-input"' not in html
    assert one(session, select(func.count()).select_from(Move).where(Move.doc_no == batch_no)) == 2
    assert html.count('class="settle-form"') == 2
    # the supplier's answer: c1 accepted in full; c2 one of two, the other refused
    html = client.post(f"/supplier-returns/{batch_no}/lines/{c1}/settle", data={"accepted_qty": "1", "recovered": "300"},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["ok"]
    html = client.post(f"/supplier-returns/{batch_no}/lines/{c2}/settle",
                       data={"accepted_qty": "x", "recovered": "1"}, follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["error"]  # not a number: nothing recorded
    html = client.post(f"/supplier-returns/{batch_no}/lines/{c2}/settle",
                       data={"accepted_qty": "1", "recovered": "150.5"}, follow_redirects=True).get_data(as_text=True)
    assert 'id="recovered">450.50<' in html and "scrap-button" not in html  # the clerk may not approve scrap
    assert client.post(f"/supplier-returns/{batch_no}/lines/{c2}/scrap").status_code == 403
    assert one(session, select(ReturnBatch.status)) == "shipped"
    login(client, "manager")
    html = client.get(f"/supplier-returns/{batch_no}").get_data(as_text=True)
    assert html.count("scrap-button") == 1
    html = client.post(f"/supplier-returns/{batch_no}/lines/{c2}/scrap", follow_redirects=True).get_data(as_text=True)
    assert 'data-status="closed"' in html
    assert one(session, select(func.count()).select_from(Move).where(Move.doc_type == "scrap")) == 1
    html = client.get("/recovery").get_data(as_text=True)
    assert "450.50" in html and "S1" in html


def test_who_sees_the_return_pages(client, session, w):
    taken_in(session)
    login(client, "finance")  # reads batches and recovery, builds nothing
    html = client.get("/supplier-returns").get_data(as_text=True)
    assert 'id="waiting"' not in html and "open-batch" not in html
    assert client.post("/supplier-returns/new", data={"supplier": "S1"}).status_code == 403
    assert client.get("/recovery").status_code == 200
    for role in ("technician", "service_agent", "order_clerk"):
        login(client, role)
        assert client.get("/supplier-returns").status_code == 403, role
        assert client.get("/recovery").status_code == 403, role
    assert one(session, select(func.count()).select_from(ReturnBatch)) == 0


def test_unknown_batch_is_404(client, session, w):
    login(client, "returned_store_clerk")
    assert client.get("/supplier-returns/SR-NOPE").status_code == 404
    assert client.get("/supplier-returns/SR-NOPE/note.pdf").status_code == 404
    r = client.post("/supplier-returns/SR-NOPE/scan", data={"code": "CL-20260101-0001"})
    assert r.status_code == 302 and one(session, select(func.count()).select_from(ReturnLine)) == 0


def test_incident_from_alert_decision_and_close(client, session, w):
    for _ in range(3):
        world.claim(session, assess="approve")  # three compressor failures: an alert
    login(client, "quality")
    html = client.get("/quality/alerts").get_data(as_text=True)
    assert "open-incident" in html
    links_open(client, html)
    html = client.get("/quality/incidents?part_number=CMP-1").get_data(as_text=True)
    assert 'value="CMP-1"' in html
    r = client.post("/quality/incidents/new", data={"part_number": "CMP-1", "title": "压缩机批量烧毁",
                                                   "model": "kfr-35gw", "lots": "L1， L2"})
    assert r.status_code == 302, r.get_data(as_text=True)
    no = one(session, select(QualityIncident.incident_no))
    assert one(session, select(QualityIncident.lots)) == "L1,L2"
    html = client.get(f"/quality/incidents/{no}").get_data(as_text=True)
    assert html.count('data-claim="') == 3 and 'id="affected"' in html
    assert "张三" not in html  # quality reads no customer records
    assert "close-incident" not in html  # a manager closes
    links_open(client, html)
    # a bad date: refused, nothing recorded
    client.post(f"/quality/incidents/{no}/decision", data={"decision": "召回", "customers_told_on": "31.05.2026"})
    assert one(session, select(QualityIncident.decision)) is None
    client.post(f"/quality/incidents/{no}/decision", data={"decision": "更换 L1 批压缩机", "customers_told_on":
                                                          "2026-05-31"})
    assert one(session, select(QualityIncident.decision)) == "更换 L1 批压缩机"
    assert client.post(f"/quality/incidents/{no}/close").status_code == 403
    login(client, "customer_supervisor")
    html = client.get(f"/quality/incidents/{no}").get_data(as_text=True)
    assert "save-decision" in html and "close-incident" not in html
    links_open(client, html)
    login(client, "manager")
    html = client.post(f"/quality/incidents/{no}/close", follow_redirects=True).get_data(as_text=True)
    assert 'data-status="closed"' in html and "save-decision" not in html
    # an incident without a decision cannot be closed
    client.post("/quality/incidents/new", data={"part_number": "CMP-1", "title": "第二个"}, follow_redirects=True)
    second = one(session, select(QualityIncident.incident_no).where(QualityIncident.status == "open"))
    html = client.post(f"/quality/incidents/{second}/close", follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["error"]
    assert one(session, select(QualityIncident.status).where(QualityIncident.incident_no == second)) == "open"


def test_incident_customers_for_roles_that_read_them_and_bad_input(client, session, w):
    world.claim(session, assess="approve")
    login(client, "customer_supervisor")
    r = client.post("/quality/incidents/new", data={"part_number": "NO-SUCH", "title": "x"})
    assert r.status_code == 400 and one(session, select(func.count()).select_from(QualityIncident)) == 0
    r = client.post("/quality/incidents/new", data={"part_number": "CMP-1", "title": ""})
    assert r.status_code == 400 and one(session, select(func.count()).select_from(QualityIncident)) == 0
    r = client.post("/quality/incidents/new", data={"part_number": "CMP-1", "title": "t", "sold_from": "2026-02-01",
                                                   "sold_to": "2026-01-01"})
    assert r.status_code == 400 and one(session, select(func.count()).select_from(QualityIncident)) == 0
    r = client.post("/quality/incidents/new", data={"part_number": "CMP-1", "title": "压缩机"})
    no = one(session, select(QualityIncident.incident_no))
    html = client.get(f"/quality/incidents/{no}").get_data(as_text=True)
    assert "张三" in html and "13800000000" in html
    assert client.get("/quality/incidents/QI-NOPE").status_code == 404
    for role in ("returned_store_clerk", "quality", "manager"):
        login(client, role)
        assert client.get("/quality/incidents").status_code == 200, role
    login(client, "returned_store_clerk")  # reads incidents, opens none
    assert 'id="incident-form"' not in client.get("/quality/incidents").get_data(as_text=True)
    assert client.post("/quality/incidents/new", data={"part_number": "CMP-1", "title": "x"}).status_code == 403
    for role in ("technician", "service_agent", "order_clerk"):
        login(client, role)
        assert client.get("/quality/incidents").status_code == 403, role


def test_menu_entries(client, session, w):
    login(client, "returned_store_clerk")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/supplier-returns"' in html and 'href="/recovery"' in html and 'href="/quality/incidents"' in html
    login(client, "quality")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/quality/incidents"' in html and 'href="/supplier-returns"' not in html


def test_store_listing_filters_and_disputes_closed_by_a_manager(client, session, w):
    taken_in(session)
    taken_in(session, part_number="FAN-1")
    short = world.claim(session, qty=2, assess="approve")
    warranty.intake(session, claim_no=short, location="R-A01-01", actor="returned_store_clerk", qty=1)
    session.commit()
    login(client, "returned_store_clerk")
    html = client.get("/returned/store").get_data(as_text=True)
    assert html.count('data-claim="') == 3
    links_open(client, html)
    assert client.get("/returned/store?supplier=S2").get_data(as_text=True).count('data-claim="') == 1
    assert client.get("/returned/store?cause=wear").get_data(as_text=True).count('data-claim="') == 0
    assert client.get("/returned/store?cause=nonsense").get_data(as_text=True).count('data-claim="') == 3
    html = client.get("/returned/disputes").get_data(as_text=True)
    assert 'data-status="open"' in html and "close-dispute" not in html  # a manager closes
    links_open(client, html)
    no = re.search(r'id="d-([^"]+)"', html).group(1)
    assert client.post(f"/returned/disputes/{no}/close", data={"resolution": "x"}).status_code == 403
    login(client, "manager")
    html = client.post(f"/returned/disputes/{no}/close", data={"resolution": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["error"] and 'data-status="open"' in html
    html = client.post(f"/returned/disputes/{no}/close", data={"resolution": "经销商补寄 1 件"},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["ok"] and 'data-status="closed"' in html and "经销商补寄 1 件" in html
    for role in ("service_agent", "order_clerk", "finance"):
        login(client, role)
        assert client.get("/returned/store").status_code == 403, role


def test_home_shows_the_alerts_to_the_roles_that_handle_them(client, session, w):
    for _ in range(3):
        world.claim(session, assess="approve")
    for role in ("quality", "customer_supervisor", "manager"):
        login(client, role)
        html = client.get("/").get_data(as_text=True)
        assert 'id="quality-alerts"' in html and "CMP-1" in html, role
        assert client.get("/quality/alerts").status_code == 200
    for role in ("returned_store_clerk", "technician"):
        login(client, role)
        assert 'id="quality-alerts"' not in client.get("/").get_data(as_text=True), role


def test_import_page_checks_then_queues_the_import(client, session, w):
    import io

    from warehouse.jobs.models import Job
    from warehouse.warranty.models import Unit

    csv = ("序列号,机型,销售日期,经销商\nSN-NEW-1,KFR-35GW,2026-01-05,D001\n,KFR-35GW,2026-01-07,\n"
           "SN-NEW-2,KFR-35GW,2026-01-08,NOPE\n").encode("utf-8-sig")
    units = select(func.count()).select_from(Unit)
    before = one(session, units)
    login(client, "manager")
    assert client.get("/warranty/import").status_code == 200
    r = client.post("/warranty/import", data={"what": "units", "dry_run": "1",
                                              "file": (io.BytesIO(csv), "units.csv")},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.count("<tr><td class=\"num\">") == 2
    assert "经销商不存在" in html and one(session, units) == before
    r = client.post("/warranty/import", data={"what": "units", "file": (io.BytesIO(b"\x00\x01binary"), "u.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and one(session, select(func.count()).select_from(Job)) == 0
    r = client.post("/warranty/import", data={"what": "units", "file": (io.BytesIO(csv), "units.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302 and "/jobs/" in r.headers["Location"]
    assert one(session, select(Job.kind)) == "unit_import"
    assert client.get(r.headers["Location"]).status_code == 200  # the job's page shows its progress
    login(client, "quality")
    assert client.get("/warranty/import").status_code == 403


def test_intake_receipt_records_the_dealers_confirmation(client, session, w):
    from warehouse.warranty.models import Claim

    no = taken_in(session)
    doc = one(session, select(Claim.intake_doc_no).where(Claim.claim_no == no))
    login(client, "technician")  # reads the receipt, records nothing
    html = client.get(f"/returned/receipts/{doc}").get_data(as_text=True)
    assert 'id="confirm-form"' not in html
    assert client.post(f"/returned/receipts/{doc}/confirmation", data={"confirmed_by": "x"}).status_code == 403
    login(client, "returned_store_clerk")
    html = client.get(f"/returned/receipts/{doc}").get_data(as_text=True)
    assert 'id="confirm-form"' in html
    html = client.post(f"/returned/receipts/{doc}/confirmation", data={"confirmed_by": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["error"] and one(session, select(Claim.dealer_confirmed_by)) is None
    html = client.post(f"/returned/receipts/{doc}/confirmation", data={"confirmed_by": "王经理"},
                       follow_redirects=True).get_data(as_text=True)
    assert flashes(html) == ["ok"] and 'id="dealer-confirmed"' in html and "王经理" in html
    assert 'id="confirm-form"' not in html
