"""The papers, read back from the PDF text: the order document in four marked copies, and the monthly statement in
Chinese (opening balance, the month's lines, closing balance, the confirmation slip); issuing a statement, the
outlet's answer, the month-end close keeping an issued statement as it was; bad input writing nothing."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
from sqlalchemy import func, select

from tests.dealers.test_returns_api import shipped_order
from tests.factories import today
from warehouse.dealers import accounts
from warehouse.dealers.models import Statement
from warehouse.dealers.services import get_dealer


def pages(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(pdf))]


def _keep(data: bytes, name: str) -> None:
    """The first page as a picture in /tmp, for a look."""
    pypdfium2.PdfDocument(data)[0].render(scale=1.2).to_pil().save(f"/tmp/dl3_{name}_pdf.png")


def test_order_documents_in_four_marked_copies(client, auth, shop):
    no = shipped_order(client, shop)
    auth.login("order_clerk")
    r = client.get(f"/orders/{no}/documents.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    texts = pages(r.data)
    _keep(r.data, "order")
    assert len(texts) == 4
    for text, mark in zip(texts, ("财务联", "仓库联", "材料会计联", "存档联")):
        assert mark in text and no in text and "华东经销商" in text and "配件销售单" in text
        assert "220.00" in text and "28.60" in text and "248.60" in text  # net, VAT 13 %, total
        assert "CMP-1" in text and "压缩机" in text
    assert [i for i, t in enumerate(texts) if "财务联" in t] == [0]  # each page carries its own mark only
    auth.login("finance")
    assert client.get(f"/orders/{no}/documents.pdf").status_code == 200
    assert client.get("/orders/SO-NOPE/documents.pdf").status_code == 404


@pytest.fixture
def months(shop, session):
    """Lines two months ago (opening 1,000.00) and last month (invoice 500.00, payment 300.00): (last month, day)."""
    first = today().replace(day=1)
    last_day = first - timedelta(days=1)
    month = f"{last_day:%Y-%m}"
    before = last_day.replace(day=1) - timedelta(days=1)
    d = get_dealer(session, "D001")
    accounts.post_entry(session, dealer=d, kind="invoice", source="IV-OLD", amount=Decimal("1000.00"), actor="t",
                        note="SO-OLD", booked_on=before, due_on=before)
    accounts.post_entry(session, dealer=d, kind="invoice", source="IV-LAST", amount=Decimal("500.00"), actor="t",
                        note="SO-LAST", booked_on=last_day.replace(day=2), due_on=last_day)
    accounts.record_payment(session, dealer=d, amount="300.00", paid_on=last_day.replace(day=20), actor="t",
                            reference="BK-77")
    session.commit()
    return month, last_day


def test_statement_pdf_in_chinese_with_the_figures(client, auth, shop, months):
    month, _ = months
    auth.login("finance")
    r = client.post("/dealers/D001/statements", data={"month": month})
    assert r.status_code == 302
    r = client.get(f"/dealers/D001/statements/{month}.pdf")
    assert r.status_code == 200
    text = "\n".join(pages(r.data))
    _keep(r.data, "statement")
    for expected in ("对账单", "期初余额", "期末余额", "1,000.00", "500.00", "300.00", "1,200.00", "IV-LAST", "BK-77",
                     "华东经销商", "确认", "签字", month, "DS-"):
        assert expected in text, expected
    assert "IV-OLD" not in text  # before the month: in the opening balance only
    auth.login("admin")
    client.get("/lang/en")
    assert "期初余额" in "\n".join(pages(client.get(f"/dealers/D001/statements/{month}.pdf").data))  # still Chinese


def test_statement_api_issue_answer_and_close(client, shop, months, session):
    month, last_day = months
    h = shop
    r = client.get(f"/api/v1/dealers/D001/statements/{month}", headers=h["order_clerk"])
    assert r.status_code == 200 and r.json["statement"] is None
    assert (r.json["opening"], r.json["debits"], r.json["credits"], r.json["closing"]) == (
        "1000.00", "500.00", "300.00", "1200.00")
    assert [ln["balance"] for ln in r.json["lines"]] == ["1500.00", "1200.00"]

    r = client.post(f"/api/v1/dealers/D001/statements/{month}/answer", json={"confirmed": True},
                    headers=h["order_clerk"])
    assert r.status_code == 409 and r.json["error"]["code"] == "statement_not_issued"
    assert client.post("/api/v1/dealers/D001/statements", json={"month": month},
                       headers=h["order_clerk"]).status_code == 403
    r = client.post("/api/v1/dealers/D001/statements", json={"month": month}, headers=h["finance"])
    assert r.status_code == 201 and r.json["statement_no"].startswith("DS-") and r.json["closing"] == "1200.00"
    no = r.json["statement_no"]

    this_month = f"{today():%Y-%m}"
    for body in ({"month": this_month}, {"month": "2026-13"}, {"month": "26-1"}):
        r = client.post("/api/v1/dealers/D001/statements", json=body, headers=h["finance"])
        assert r.status_code == 400, body
    for body in ({"confirmed": False}, {"confirmed": True, "disputed_amount": "1.00"},
                 {"confirmed": False, "disputed_amount": "abc"}):
        r = client.post(f"/api/v1/dealers/D001/statements/{month}/answer", json=body, headers=h["order_clerk"])
        assert r.status_code == 400, body
    assert session.scalar(select(Statement.answer)) is None
    session.rollback()
    r = client.post(f"/api/v1/dealers/D001/statements/{month}/answer",
                    json={"confirmed": False, "disputed_amount": "1150.00", "note": "少记一笔 50 元回款"},
                    headers=h["order_clerk"])
    assert r.status_code == 200 and (r.json["answer"], r.json["disputed_amount"]) == ("disputed", "1150.00")

    # After the month-end close a late line cannot go into the month, and the statement stays as issued.
    assert client.post("/api/v1/accounts/periods", json={"month": month}, headers=h["finance"]).status_code == 201
    r = client.post("/api/v1/dealers/D001/payments", json={"amount": "50.00", "paid_on": last_day.isoformat()},
                    headers=h["finance"])
    assert r.status_code == 409 and r.json["error"]["code"] == "period_closed"
    r = client.post("/api/v1/dealers/D001/statements", json={"month": month}, headers=h["finance"])
    assert r.json["statement_no"] == no and r.json["closing"] == "1200.00" and r.json["answer"] == "disputed"
    assert session.scalar(select(func.count()).select_from(Statement)) == 1
    session.rollback()


def test_statement_answer_from_the_account_page(client, auth, shop, months, session):
    month, _ = months
    auth.login("finance")
    client.post("/dealers/D001/statements", data={"month": month})
    auth.login("order_clerk")
    page = client.get("/dealers/D001").get_data(as_text=True)
    assert 'id="issue-button"' not in page and "answer-form" in page
    client.post(f"/dealers/D001/statements/{month}/answer", data={"answer": "confirmed", "note": "电话确认"})
    st = session.scalar(select(Statement))
    assert (st.answer, st.answer_note, st.answered_by) == ("confirmed", "电话确认", "u_order_clerk")
    session.rollback()
