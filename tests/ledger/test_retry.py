"""A retried stock request through the API, on SQLite and PostgreSQL (where a move is one statement): answered
from its record, though the stock path does not look the key up first."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.ledger.test_api import move_count, stocked  # noqa: F401 (a fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def document_count(session) -> int:
    from warehouse.documents.models import Document

    n = session.scalar(select(func.count(Document.id)))
    session.rollback()
    return n


@pytest.mark.parametrize("path, body, status", [
    ("/api/v1/stock/issue", {"part_number": "AC-100", "location": "N-A01-01", "qty": 5}, 201),
    ("/api/v1/stock/transfer", {"part_number": "AC-100", "from_location": "N-A01-01", "to_location": "N-A01-02",
                                "qty": 5}, 201),
    ("/api/v1/scan", {"code": "AC-100", "mode": "issue", "location": "N-A01-01", "qty": 5}, 200),
    ("/api/v1/stock/receive", {"part_number": "AC-100", "location": "N-A01-01", "qty": 2}, 201),
    ("/api/v1/scan", {"code": "N-A01-02", "mode": "issue"}, 200),  # a bin: selects, posts nothing
])
def test_a_retry_is_answered_from_the_record_though_the_key_is_not_looked_up_first(client, auth, session, stocked,
                                                                                  path, body, status):
    """The stock path looks a key up only when the request fails (`run_write(look_first=False)`). A retry of a
    request that took the last stock is refused by the stock it took, one that added stock fails on the move's
    unique key, one that posted nothing on the record's: each is answered from the record, writes nothing, and
    leaves the stock as the first answer left it."""
    h = {**auth.headers("new_store_clerk"), "Idempotency-Key": "retry-1"}
    first = client.post(path, json=body, headers=h)
    assert first.status_code == status, first.json
    moves, documents = move_count(session), document_count(session)
    stock = client.get("/api/v1/stock/AC-100", headers=h).json
    for _ in range(2):
        again = client.post(path, json=body, headers=h)
        assert again.status_code == status and again.headers["Idempotent-Replay"] == "true"
        assert again.json == first.json
    assert move_count(session) == moves and document_count(session) == documents
    assert client.get("/api/v1/stock/AC-100", headers=h).json == stock
    other = client.post(path, json={**body, "qty": 1}, headers=h)  # the key of another request: refused
    assert other.status_code == 409 and "idempotency_key_reused" in json.dumps(other.json), other.json
    assert move_count(session) == moves
