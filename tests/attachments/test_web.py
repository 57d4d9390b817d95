"""The attachments panel on the receipt note page: list, upload form, refusals shown in the user's language."""
from __future__ import annotations

import io

from tests.attachments import files
from tests.attachments.conftest import stored


def post_file(client, receipt_no, data: bytes, filename: str, **extra):
    return client.post(f"/attachments/receipt/{receipt_no}", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename), **extra})


def test_a_clerk_attaches_a_delivery_note_photo_over_1_mb(client, auth, session, receipt_no):
    auth.login("new_store_clerk")
    page = client.get(f"/receipts/{receipt_no}").get_data(as_text=True)
    assert 'id="attach-form"' in page and "暂无附件" in page
    photo = files.noisy_jpeg()
    assert len(photo) > 2 * 1024 * 1024
    r = post_file(client, receipt_no, photo, "送货单.jpg")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/receipts/{receipt_no}")
    page = client.get(f"/receipts/{receipt_no}").get_data(as_text=True)
    assert "已附加 送货单.jpg" in page and 'class="attachment-name">送货单.jpg</a>' in page
    assert stored(session) == 1
    # the page's links are the API download, which takes the page's session
    url = page.split('<img src="')[1].split('"')[0]
    assert client.get(url).headers["Content-Type"] == "image/jpeg"


def test_a_refusal_is_flashed_in_chinese_and_nothing_is_stored(client, auth, session, receipt_no):
    auth.login("new_store_clerk")
    r = post_file(client, receipt_no, b"not an image", "photo.png")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "文件名表明是 PNG 文件，但其内容是 text" in page
    assert stored(session) == 0


def test_readers_see_the_list_without_the_form_and_cannot_post(client, auth, session, receipt_no):
    auth.login("shipper")
    page = client.get(f"/receipts/{receipt_no}").get_data(as_text=True)
    assert 'id="attachments"' in page and 'id="attach-form"' not in page
    r = post_file(client, receipt_no, files.jpeg(), "x.jpg")
    assert 'class="flash error"' in client.get(r.headers["Location"]).get_data(as_text=True)
    assert stored(session) == 0


def test_the_upload_checks_csrf_itself(app, client, auth, session, receipt_no):
    auth.login("new_store_clerk")
    app.config["WTF_CSRF_ENABLED"] = True
    r = post_file(client, receipt_no, files.jpeg(), "x.jpg")
    assert r.status_code == 400
    assert stored(session) == 0
