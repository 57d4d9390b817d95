"""What the OpenAPI document says about attachments, and the refusals in both languages."""
from __future__ import annotations

from tests.attachments import files
from tests.attachments.conftest import stored, upload


def test_openapi_documents_the_multipart_upload_and_the_binary_download(client):
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/attachments"]["post"]["requestBody"]["content"]
    schema = body["multipart/form-data"]["schema"]
    props = (spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema)
    assert props["properties"]["file"] == {"type": "string", "format": "binary",
                                           "description": props["properties"]["file"]["description"]}
    assert set(props["required"]) == {"file", "owner_kind", "owner_key"}
    download = spec["paths"]["/api/v1/attachments/{attachment_id}/content"]["get"]["responses"]["200"]
    assert {t: c["schema"]["format"] for t, c in download["content"].items()} == dict.fromkeys(
        ("image/jpeg", "image/png", "image/webp", "text/csv",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "binary")
    assert {"get", "delete"} <= set(spec["paths"]["/api/v1/attachments/{attachment_id}"])


def test_a_photo_of_several_megabytes_is_taken_by_the_api(client, auth, session, receipt_no):
    photo = files.noisy_jpeg(1800)
    assert len(photo) > 3 * 1024 * 1024
    r = upload(client, auth.headers("new_store_clerk"), data=photo, filename="big.jpg", owner_key=receipt_no)
    assert r.status_code == 201, r.json
    assert stored(session) == 1


def test_refusals_speak_the_callers_language_and_keep_their_code(client, auth, receipt_no):
    headers = auth.headers("new_store_clerk")
    zh = upload(client, headers, data=b"hello", filename="a.png", owner_key=receipt_no)
    en = upload(client, {**headers, "Accept-Language": "en"}, data=b"hello", filename="a.png", owner_key=receipt_no)
    assert zh.json["error"]["code"] == en.json["error"]["code"] == "attachment_type_mismatch"
    assert zh.json["error"]["message"] == "文件名表明是 PNG 文件，但其内容是 text"
    assert en.json["error"]["message"] == "The file is named as PNG but its content is text"
    big = upload(client, {**headers, "Accept-Language": "en"}, data=b"\x00" * (10 * 1024 * 1024 + 5),
                 filename="a.jpg", owner_key=receipt_no)
    assert big.json["error"]["message"] == "The file is 10485765 bytes; the limit is 10485760"


def test_an_anonymous_upload_is_turned_away_unread(client, receipt_no):
    r = upload(client, {}, data=files.jpeg(), filename="a.jpg", owner_key=receipt_no)
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"
