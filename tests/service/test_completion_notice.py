"""The completion notice (完工通知单) on the report base, read back from the PDF: ticket, customer, unit and
warranty status, problem, diagnosis, parts used from the van, failed parts collected (with their claims), labour,
arrival and completion times, and the customer's signature drawn on the tablet (else a line to sign); page 1
rasterised. Only once the job is completed (409 before); only for those who may see the customer."""
from __future__ import annotations

import io

import pypdfium2
from PIL import Image, ImageDraw

from tests.attachments.conftest import upload
from tests.service.conftest import refill
from tests.service.test_api import T, dispatched, iso
from warehouse.db import utcnow


def text_of(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(pdf)))


def signature_png() -> bytes:
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(10, 80), (80, 20), (150, 70), (290, 15)], fill="black", width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_completion_notice_of_a_finished_job(client, auth, world):
    tech, agent = auth.headers("technician", "tech1"), auth.headers("service_agent", "agent")
    refill(client, auth, "tech1", [("FAN-1", 2)])
    no = dispatched(client, auth)
    url = f"{T}/{no}/completion-notice.pdf"
    # before completion: a clear refusal, in the reader's language
    r = client.get(url, headers=agent)
    assert r.status_code == 409 and r.json["error"]["code"] == "not_completed", r.json
    assert no in r.json["error"]["message"]
    assert client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech).status_code == 200
    assert client.get(url, headers=agent).status_code == 409
    r = client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()), "diagnosis": "风扇电机卡死，已更换",
                                                 "labour_hours": "1.5", "cause": "quality",
                                                 "parts_used": [{"part_number": "FAN-1", "qty": 1}],
                                                 "failed_parts": [{"part_number": "FAN-1"}]}, headers=tech)
    assert r.status_code == 200, r.json
    claim_no = r.json["history"][-1]["data"]["claims"][0]

    r = client.get(url, headers=tech)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    text = text_of(r.data)
    for expected in ("完工通知单", no, "张三", "13800000001", "南京路1号", "SN-0001", "KFR-35GW", "保修期内",
                     "不制冷", "风扇电机卡死，已更换", "质量问题", "更换配件", "回收旧件", "FAN-1", "风扇电机",
                     claim_no, "1.50 小时", "到达时间", "完工时间", "tech1", "客户签字", "维修技术员"):
        assert expected in text, expected
    assert b"/Subtype /Image" not in r.data  # no signature drawn yet: a line to sign on
    image = pypdfium2.PdfDocument(r.data)[0].render(scale=1.5).to_pil()
    image.save("/tmp/f11_completion_notice.png")
    assert image.size[0] > 800 and sum(image.convert("L").histogram()[:128]) > 5000

    # the customer's signature drawn on the tablet is printed on the notice
    r = upload(client, tech, data=signature_png(), filename=f"signature-{no}.png", owner_kind="ticket", owner_key=no)
    assert r.status_code == 201, r.json
    r = client.get(url, headers=agent)
    assert r.status_code == 200 and b"/Subtype /Image" in r.data and "平板签名" in text_of(r.data)

    # the customer-data rule of the receipt: another technician and finance get nothing
    r = client.get(url, headers=auth.headers("technician", "tech2"))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert client.get(url, headers=auth.headers("finance")).status_code == 403
    assert client.get(f"{T}/TK-NOPE/completion-notice.pdf", headers=agent).status_code == 404


def test_completion_notice_from_the_ticket_page(client, auth, world):
    tech = auth.headers("technician", "tech1")
    no = dispatched(client, auth)
    auth.login("service_agent", "agent")
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert "completion-notice.pdf" not in page  # not completed: no link
    r = client.get(f"/service/tickets/{no}/completion-notice.pdf")  # typed anyway: back to the ticket, flashed
    assert r.status_code == 302 and r.location.endswith(f"/service/tickets/{no}")
    client.post(f"{T}/{no}/arrive", json={"at": iso(utcnow())}, headers=tech)
    assert client.post(f"{T}/{no}/complete", json={"at": iso(utcnow()), "diagnosis": "传感器松动"},
                       headers=tech).status_code == 200
    page = client.get(f"/service/tickets/{no}").get_data(as_text=True)
    assert f"/service/tickets/{no}/completion-notice.pdf" in page
    r = client.get(f"/service/tickets/{no}/completion-notice.pdf")
    assert r.status_code == 200 and "传感器松动" in text_of(r.data) and "张三" in text_of(r.data)
