"""A job's photos and the customer's signature are seen by the people working on it: the technician holding the
job and the roles that read customers (service agent, supervisor, manager). Another technician — who may read the
ticket itself — gets 403 on the list and 404 on the file and its details (nothing about it leaks), and cannot add a
file to someone else's job."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.attachments.conftest import upload
from tests.attachments.files import jpeg
from tests.service.test_api import dispatched
from warehouse.attachments.models import Attachment

A = "/api/v1/attachments"


def _rows(session) -> int:
    n = session.scalar(select(func.count()).select_from(Attachment))
    session.rollback()
    return n


def test_only_the_job_holder_and_customer_roles_see_a_jobs_photos(client, auth, world, session):
    no = dispatched(client, auth, technician="tech1")
    tech1, tech2 = auth.headers("technician", "tech1"), auth.headers("technician", "tech2")
    r = upload(client, tech1, data=jpeg(), filename="现场.jpg", owner_kind="ticket", owner_key=no)
    assert r.status_code == 201, r.json
    att = r.json["id"]
    photo = client.get(f"{A}/{att}/content", headers=tech1)
    assert photo.status_code == 200 and photo.data[:3] == b"\xff\xd8\xff"

    # the other technician: a clear refusal, and not a byte or a name of the file
    r = client.get(A, query_string={"owner_kind": "ticket", "owner_key": no}, headers=tech2)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert "现场" not in r.get_data(as_text=True)
    for url in (f"{A}/{att}", f"{A}/{att}/content"):
        r = client.get(url, headers=tech2)
        assert r.status_code == 404 and r.json["error"]["code"] == "attachment_not_found", url
        assert "现场" not in r.get_data(as_text=True) and no not in r.get_data(as_text=True)
    # an id that does not exist answers exactly the same
    missing = client.get(f"{A}/{att + 1000}", headers=tech2)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "attachment_not_found"

    # nor may tech2 add to it or delete from it; nothing is written
    before = _rows(session)
    r = upload(client, tech2, data=jpeg(), filename="x.jpg", owner_kind="ticket", owner_key=no)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert client.delete(f"{A}/{att}", headers=tech2).status_code == 404
    assert _rows(session) == before
    session.expire_all()
    assert session.get(Attachment, att).deleted_at is None
    session.rollback()

    # the roles that read customers do see it; a role without tickets at all does not
    for role in ("service_agent", "customer_supervisor", "manager"):
        r = client.get(A, query_string={"owner_kind": "ticket", "owner_key": no}, headers=auth.headers(role))
        assert r.status_code == 200 and [a["id"] for a in r.json["attachments"]] == [att], role
        assert client.get(f"{A}/{att}/content", headers=auth.headers(role)).status_code == 200, role
    assert client.get(f"{A}/{att}/content", headers=auth.headers("shipper")).status_code == 404

    # reassigned: the new holder sees it, the old one no longer does
    r = client.post(f"/api/v1/tickets/{no}/dispatch", json={"technician": "tech2"},
                    headers=auth.headers("service_agent"))
    assert r.status_code == 200, r.json
    assert client.get(f"{A}/{att}/content", headers=tech2).status_code == 200
    assert client.get(f"{A}/{att}/content", headers=tech1).status_code == 404


def test_the_ticket_page_shows_the_photos_to_the_holder_only(client, auth, world):
    no = dispatched(client, auth, technician="tech1")
    r = upload(client, auth.headers("technician", "tech1"), data=jpeg(), filename="铭牌.jpg", owner_kind="ticket",
               owner_key=no)
    assert r.status_code == 201, r.json
    auth.login("technician", "tech2")
    page = client.get(f"/service/tickets/{no}")
    assert page.status_code == 200 and "铭牌" not in page.get_data(as_text=True)
    auth.login("technician", "tech1")
    page = client.get(f"/service/tickets/{no}")
    assert "铭牌" in page.get_data(as_text=True)
