"""The attachments API on SQLite and PostgreSQL: round trips, refusals that store nothing, limits, who sees what."""
from __future__ import annotations

import hashlib
import io
from urllib.parse import unquote

import pytest
from PIL import Image

from tests.attachments import files
from tests.attachments.conftest import stored, upload


@pytest.fixture
def db_url(any_db_url):
    return any_db_url


def test_photo_round_trip(client, auth, session, receipt_no):
    clerk = auth.headers("new_store_clerk")
    r = upload(client, clerk, data=files.jpeg(), filename="delivery.jpg", owner_key=receipt_no)
    assert r.status_code == 201, r.json
    a = r.json
    assert (a["owner_kind"], a["owner_key"], a["filename"], a["content_type"], a["kind"], a["uploaded_by"]) == \
        ("receipt", receipt_no, "delivery.jpg", "image/jpeg", "image", "u_new_store_clerk")
    assert a["deleted_at"] is None and a["content_url"] == f"/api/v1/attachments/{a['id']}/content"

    got = client.get(a["content_url"], headers=clerk)
    assert got.status_code == 200
    assert got.headers["Content-Type"] == "image/jpeg"
    assert got.headers.getlist("X-Content-Type-Options") == ["nosniff"]
    # Its own policy, not the pages' one beside it: the file can run and load nothing even opened directly.
    assert got.headers.getlist("Content-Security-Policy") == [
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"]
    assert got.headers["X-Frame-Options"] == "DENY"
    assert got.headers["Content-Disposition"] == 'inline; filename="delivery.jpg"'
    assert len(got.data) == a["size"] and hashlib.sha256(got.data).hexdigest() == a["sha256"]
    assert Image.open(io.BytesIO(got.data)).size == (64, 48)
    again = client.get(a["content_url"], headers={**clerk, "If-None-Match": f'"{a["sha256"]}"'})
    assert again.status_code == 304 and again.data == b""

    listed = client.get("/api/v1/attachments", query_string={"owner_kind": "receipt", "owner_key": receipt_no},
                        headers=auth.headers("shipper"))  # any role that reads receipts
    assert listed.status_code == 200 and [x["id"] for x in listed.json["attachments"]] == [a["id"]]
    assert stored(session) == 1


def test_spreadsheet_on_a_stocktake_is_kept_as_sent(client, auth, session, stocktake_id):
    book = files.xlsx()
    r = upload(client, auth.headers("new_store_clerk"), data=book, filename="counts.xlsx", owner_kind="stocktake",
               owner_key=stocktake_id)
    assert r.status_code == 201, r.json
    assert r.json["kind"] == "spreadsheet" and r.json["sha256"] == hashlib.sha256(book).hexdigest()
    got = client.get(r.json["content_url"], headers=auth.headers("manager"))
    assert got.data == book
    assert got.headers["Content-Disposition"].startswith("attachment;")
    # the paper number names the same stocktake
    listed = client.get("/api/v1/attachments", query_string={"owner_kind": "stocktake",
                                                             "owner_key": f"ST-{stocktake_id}"},
                        headers=auth.headers("manager"))
    assert [x["id"] for x in listed.json["attachments"]] == [r.json["id"]]


@pytest.mark.parametrize("name, data, owner, code", [
    ("photo.png", b"just some text pretending to be a picture\n", "receipt", "attachment_type_mismatch"),
    ("counts.xlsx", files.plain_zip(), "stocktake", "attachment_type_mismatch"),
    ("photo.jpg", files.jpeg()[:400], "receipt", "attachment_unreadable"),
    ("counts.xlsx", files.xlsx(), "receipt", "attachment_type_refused"),
    ("notes.txt", b"plain text", "stocktake", "attachment_type_refused"),
    ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "stocktake", "attachment_type_refused"),
    ("bomb.png", files.png_header_only(7000, 7000), "receipt", "attachment_too_many_pixels"),
    ("bomb.png", files.png_header_only(30000, 30000), "receipt", "attachment_too_many_pixels"),
])
def test_a_file_that_is_not_what_it_claims_is_refused_and_stored_nowhere(client, auth, session, stocktake_id,
                                                                         receipt_no, name, data, owner, code):
    key = receipt_no if owner == "receipt" else stocktake_id
    r = upload(client, auth.headers("manager"), data=data, filename=name, owner_kind=owner, owner_key=key,
               content_type="image/png")  # the client's Content-Type is not believed either
    assert r.status_code in (400, 413, 415) and r.json["error"]["code"] == code, r.json
    assert stored(session) == 0


def test_over_10_mb_is_refused_and_stored_nowhere(client, auth, session, receipt_no):
    clerk = auth.headers("new_store_clerk")
    # just over the limit: the body is read, the file is measured
    r = upload(client, clerk, data=b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 - 2), filename="big.jpg",
               owner_key=receipt_no)
    assert r.status_code == 413 and r.json["error"]["code"] == "attachment_too_large", r.json
    assert r.json["error"]["details"] == {"size": 10 * 1024 * 1024 + 1, "limit": 10 * 1024 * 1024}
    # far over: refused from the declared length, unread
    r = upload(client, clerk, data=b"\xff\xd8\xff" + b"\x00" * (12 * 1024 * 1024), filename="huge.jpg",
               owner_key=receipt_no)
    assert r.status_code == 413 and r.json["error"]["code"] == "attachment_too_large"
    assert stored(session) == 0


def test_json_bodies_keep_the_1_mb_cap(client, auth, receipt_no):
    body = {"part_number": "X", "location": "N-A01-01", "qty": 1, "reference": "x" * (1024 * 1024)}
    r = client.post("/api/v1/stock/receive", json=body, headers=auth.headers("new_store_clerk"))
    assert r.status_code == 413 and r.json["error"]["code"] == "payload_too_large"
    # also on the upload endpoint's neighbours: only the upload itself takes more
    r = client.get("/api/v1/attachments", data=b"x" * (2 * 1024 * 1024), headers=auth.headers("manager"),
                   query_string={"owner_kind": "receipt", "owner_key": receipt_no}, content_type="application/json")
    assert r.status_code in (200, 413)


def test_exif_and_gps_are_gone_and_the_photo_stands_upright(client, auth, receipt_no):
    original = files.jpeg(size=(40, 20), exif=files.spy_exif(orientation=6))  # "rotate 90° to view"
    assert b"SpyCam" in original
    r = upload(client, auth.headers("new_store_clerk"), data=original, filename="IMG_0001.JPG", owner_key=receipt_no)
    assert r.status_code == 201, r.json
    got = client.get(r.json["content_url"], headers=auth.headers("new_store_clerk")).data
    assert b"SpyCam" not in got and b"Model-GPS-7" not in got and b"Exif" not in got
    im = Image.open(io.BytesIO(got))
    assert dict(im.getexif()) == {} and im.size == (20, 40)


def test_anything_appended_to_an_image_is_not_kept(client, auth, receipt_no):
    smuggled = files.png() + files.plain_zip()  # a PNG/ZIP polyglot
    r = upload(client, auth.headers("new_store_clerk"), data=smuggled, filename="sig.png", owner_key=receipt_no)
    assert r.status_code == 201, r.json
    got = client.get(r.json["content_url"], headers=auth.headers("manager")).data
    assert b"payload.exe" not in got and b"PK\x03\x04" not in got
    assert Image.open(io.BytesIO(got)).mode == "RGBA"  # a signature keeps its transparency


def test_a_role_that_may_not_read_the_owner_gets_no_bytes(client, auth, session, receipt_no, stocktake_id):
    r = upload(client, auth.headers("new_store_clerk"), data=files.jpeg(), filename="d.jpg", owner_key=receipt_no)
    photo = r.json
    sheet = upload(client, auth.headers("manager"), data=files.jpeg(), filename="sheet.jpg", owner_kind="stocktake",
                   owner_key=stocktake_id).json
    agent = auth.headers("service_agent")  # no stock.read
    for url in (photo["content_url"], f"/api/v1/attachments/{photo['id']}"):
        got = client.get(url, headers=agent)
        assert got.status_code == 404 and got.json["error"]["code"] == "attachment_not_found"
        assert b"\xff\xd8" not in got.data
    listed = client.get("/api/v1/attachments", query_string={"owner_kind": "receipt", "owner_key": receipt_no},
                        headers=agent)
    assert listed.status_code == 403 and listed.json["error"]["code"] == "forbidden"
    # a shipper reads receipts but not stocktakes
    assert client.get(sheet["content_url"], headers=auth.headers("shipper")).status_code == 404
    assert client.get(photo["content_url"], headers=auth.headers("shipper")).status_code == 200
    # may read, may not write: no upload, no delete
    r = upload(client, auth.headers("shipper"), data=files.jpeg(), filename="x.jpg", owner_key=receipt_no)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert client.delete(f"/api/v1/attachments/{photo['id']}", headers=auth.headers("shipper")).status_code == 403
    assert client.get("/api/v1/attachments/1/content").status_code == 401
    assert stored(session) == 2


def test_unknown_owner_is_404_and_stores_nothing(client, auth, session):
    manager = auth.headers("manager")
    for kind, key in (("receipt", "RN-20990101-0001"), ("stocktake", "999"), ("stocktake", "99999999999999999999"),
                      ("stocktake", "ST-0")):
        r = upload(client, manager, data=files.jpeg(), filename="a.jpg", owner_kind=kind, owner_key=key)
        assert r.status_code == 404 and r.json["error"]["code"] == "unknown_owner", (kind, key, r.json)
        r = client.get("/api/v1/attachments", query_string={"owner_kind": kind, "owner_key": key}, headers=manager)
        assert r.status_code == 404 and r.json["error"]["code"] == "unknown_owner"
    for kind, key in (("dealer", "D1"), ("receipt", "RN\x00-1"), ("receipt", "x" * 65), ("stocktake", "9" * 5000)):
        r = upload(client, manager, data=files.jpeg(), filename="a.jpg", owner_kind=kind, owner_key=key)
        assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input", (kind, key)
    assert client.get("/api/v1/attachments/2147483648/content", headers=manager).status_code == 404
    assert stored(session) == 0


def test_a_chinese_filename_round_trips(client, auth, receipt_no):
    name = "送货单 第1页.jpg"
    r = upload(client, auth.headers("new_store_clerk"), data=files.jpeg(), filename=name, owner_key=receipt_no)
    assert r.status_code == 201 and r.json["filename"] == name
    disposition = client.get(r.json["content_url"], headers=auth.headers("manager")).headers["Content-Disposition"]
    assert disposition.startswith('inline; filename="1.jpg"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == name


def test_names_are_sanitised_and_follow_the_content(client, auth, receipt_no):
    clerk = auth.headers("new_store_clerk")
    r = upload(client, clerk, data=files.jpeg(), filename="..\\..\\etc/签名\u202egnp.exe", owner_key=receipt_no)
    assert r.status_code == 400 and r.json["error"]["code"] == "attachment_type_mismatch"  # .exe is a claim
    r = upload(client, clerk, data=files.png(), filename="../scan 2026.11.23", owner_key=receipt_no)
    assert r.status_code == 201 and r.json["filename"] == "scan 2026.11.23.png"


def test_delete_erases_the_bytes_and_keeps_who_and_when(client, auth, session, receipt_no):
    clerk = auth.headers("new_store_clerk")
    a = upload(client, clerk, data=files.jpeg(), filename="wrong.jpg", owner_key=receipt_no).json
    r = client.delete(f"/api/v1/attachments/{a['id']}", headers=clerk)
    assert r.status_code == 200 and r.json["deleted_by"] == "u_new_store_clerk" and r.json["deleted_at"]
    assert r.json["content_url"] is None
    assert client.get(a["content_url"], headers=clerk).status_code == 404
    assert client.get("/api/v1/attachments", query_string={"owner_kind": "receipt", "owner_key": receipt_no},
                      headers=clerk).json["attachments"] == []
    again = client.delete(f"/api/v1/attachments/{a['id']}", headers=auth.headers("manager"))
    assert again.status_code == 200 and again.json["deleted_by"] == "u_new_store_clerk"  # first deletion stands
    from warehouse.attachments.models import Attachment

    row = session.get(Attachment, a["id"])
    assert row.data is None and row.sha256 == a["sha256"] and row.uploaded_by == "u_new_store_clerk"


def test_a_retried_upload_with_its_idempotency_key_stores_once(client, auth, session, receipt_no):
    clerk = {**auth.headers("new_store_clerk"), "Idempotency-Key": "photo-1"}
    first = upload(client, clerk, data=files.jpeg(), filename="d.jpg", owner_key=receipt_no)
    again = upload(client, clerk, data=files.jpeg(), filename="d.jpg", owner_key=receipt_no)  # a new boundary
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replay") == "true" and again.json["id"] == first.json["id"]
    other = upload(client, clerk, data=files.jpeg(color=(0, 0, 255)), filename="d.jpg", owner_key=receipt_no)
    assert other.status_code == 409
    assert stored(session) == 1
