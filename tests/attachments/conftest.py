"""Attachment tests: a receipt note and a stocktake to attach to, an upload helper, the row count."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from warehouse.attachments.models import Attachment
from warehouse.ledger.services import receive


@pytest.fixture
def receipt_no(app, session) -> str:
    """A receipt note (入库单) with one line, as a clerk's receipt makes it."""
    part = make_part(session)
    loc = make_bin(session, "N-A01-01")
    doc_no = receive(session, part_number=part.part_number, location=loc.code, qty=2, actor="setup").doc_no
    session.commit()
    return doc_no


@pytest.fixture
def stocktake_id(client, auth, receipt_no) -> str:
    r = client.post("/api/v1/stocktakes", json={"store": "NEW"}, headers=auth.headers("manager"))
    assert r.status_code == 201, r.json
    return str(r.json["id"])


def upload(client, headers, *, data: bytes, filename: str, owner_kind: str = "receipt", owner_key: str,
           content_type: str = "application/octet-stream", extra_headers: dict | None = None):
    return client.post("/api/v1/attachments", headers={**headers, **(extra_headers or {})},
                       content_type="multipart/form-data",
                       data={"owner_kind": owner_kind, "owner_key": owner_key,
                             "file": (io.BytesIO(data), filename, content_type)})


def stored(session) -> int:
    """Attachment rows in the database (committed), and bytes held by them."""
    n = session.scalar(select(func.count()).select_from(Attachment))
    session.rollback()
    return n
