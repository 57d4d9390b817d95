"""The charged-repair receipt (收费维修单（收据）) on the report base, read back from the PDF: customer, unit, work,
parts at the customer price, labour by the hour, the exact total (and in words), the payments and the signature
lines, in Chinese with an embedded font; a page rasterised to a picture. From the API and from the ticket page;
only for those who may see the customer; a ticket without a quote has no receipt."""
from __future__ import annotations

from decimal import Decimal

import pypdfium2
import pytest

from tests.service.test_api import T, dispatched, iso
from warehouse.db import utcnow
from warehouse.service.papers import amount_in_words


def pages(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(pdf))]


def charged_job(client, auth) -> str:
    """Out of warranty: 2 × FAN-1 (80.00 × 1.30 = 104.00) + 1 × CMP-1 (350.00 × 1.30 = 455.00), 1.5 h at 66.67/h
    (100.005 → 100.01 half up): 208.00 + 455.00 + 100.01 = 763.01; paid 500.00 cash + 263.01 by QR."""
    admin = auth.headers("admin")
    assert client.put("/api/v1/labour-rates/*", json={"rate": "66.67"}, headers=admin).status_code == 200
    tech = auth.headers("technician", "tech1")
    no = dispatched(client, auth, serial="SN-0002")
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    r = client.post(f"{T}/{no}/quote", json={"parts": [{"part_number": "FAN-1", "qty": 2},
                                                       {"part_number": "CMP-1", "qty": 1}],
                                             "labour_hours": "1.5"}, headers=tech)
    assert r.status_code == 200 and r.json["quote"]["total"] == "763.01", r.json
    assert client.post(f"{T}/{no}/quote/accept", headers=tech).status_code == 200
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()), "diagnosis": "压缩机烧毁，风扇电机卡死"},
                    headers=tech)
    assert r.status_code == 200, r.json
    for body in ({"amount": "500.00", "method": "cash"}, {"amount": "263.01", "method": "qr",
                                                          "reference": "WX-8899"}):
        r = client.post(f"{T}/{no}/payments", json=body, headers=tech)
        assert r.status_code == 201, r.json
    return no


def test_receipt_pdf_from_the_api(client, auth, world):
    no = charged_job(client, auth)
    r = client.get(f"{T}/{no}/receipt.pdf", headers=auth.headers("technician", "tech1"))
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    text = "\n".join(pages(r.data))
    for expected in ("收费维修单（收据）", no, "李四", "13900000002", "SN-0002", "KFR-35GW", "已过保修期",
                     "压缩机烧毁，风扇电机卡死",
                     "FAN-1", "风扇电机", "104.00", "208.00", "CMP-1", "压缩机", "455.00",  # parts, customer price
                     "维修工时 1.50 小时", "66.67", "100.01",  # labour by the hour, half up to the cent
                     "763.01", "柒佰陆拾叁元零壹分",  # the exact total, and in words
                     "现金", "500.00", "扫码支付", "263.01", "WX-8899", "SR-", "已结清",
                     "客户签字", "维修技术员", "收款人"):
        assert expected in text, expected
    pdf = pypdfium2.PdfDocument(r.data)
    fonts = r.data.count(b"/FontFile")
    assert fonts >= 1  # the CJK font travels with the paper
    image = pdf[0].render(scale=1.5).to_pil()
    image.save("/tmp/f11_receipt_pdf.png")
    assert image.size[0] > 800
    # the page is not blank: a good share of dark pixels (text and grid lines)
    grey = image.convert("L")
    dark = sum(grey.histogram()[:128])
    assert dark > 5000


def test_receipt_from_the_ticket_page_and_who_may_have_it(client, auth, world):
    no = charged_job(client, auth)
    auth.login("service_agent", "agent")
    page = client.get(f"/service/tickets/{no}")
    assert page.status_code == 200 and f"/service/tickets/{no}/receipt.pdf" in page.get_data(as_text=True)
    r = client.get(f"/service/tickets/{no}/receipt.pdf")
    assert r.status_code == 200 and "763.01" in "\n".join(pages(r.data))
    # another technician may read the ticket but not the customer on the receipt
    r = client.get(f"{T}/{no}/receipt.pdf", headers=auth.headers("technician", "tech2"))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert client.get(f"{T}/{no}/receipt.pdf", headers=auth.headers("finance")).status_code == 403
    # a job without a quote has no receipt; an unknown ticket is a 404
    other = dispatched(client, auth)
    r = client.get(f"{T}/{other}/receipt.pdf", headers=auth.headers("service_agent", "agent"))
    assert r.status_code == 409 and r.json["error"]["code"] == "no_quote"
    r = client.get(f"{T}/TK-NOPE/receipt.pdf", headers=auth.headers("service_agent", "agent"))
    assert r.status_code == 404


@pytest.mark.parametrize("amount, words", [("0.00", "零元整"), ("0.50", "伍角整"), ("10.10", "壹拾元壹角整"),
                                           ("605.00", "陆佰零伍元整"), ("100001.00", "壹拾万零壹元整"),
                                           ("1000010.01", "壹佰万零壹拾元零壹分"), ("100000000.00", "壹亿元整"),
                                           ("1234.05", "壹仟贰佰叁拾肆元零伍分")])
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words
