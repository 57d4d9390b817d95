"""The one write frame (service_app.transactions.run_write) that the API, the web pages and the CLI share: commit,
rollback, a uniqueness race as a 409 conflict, and idempotent replays."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service_app.transactions import Idempotency, Replay, run_write
from warehouse.db import make_engine
from warehouse.errors import Conflict, ValidationError
from warehouse.idempotency import IdempotencyRecord
from warehouse.locations.models import Location
from warehouse.locations.services import create_bin


@pytest.fixture
def s(any_db_url):
    """A session of its own on SQLite and on PostgreSQL (which aborts a transaction at the first error)."""
    eng = make_engine(any_db_url)
    with Session(eng, expire_on_commit=False) as session:
        yield session
    eng.dispose()


def bins(s) -> list[str]:
    codes = list(s.scalars(select(Location.code).where(Location.kind == "bin").order_by(Location.code)))
    s.rollback()
    return codes


def test_a_use_case_commits_once_and_returns_its_result(s):
    loc = run_write(s, lambda key: create_bin(s, code="N-A01-01", store="NEW"))
    assert loc.code == "N-A01-01" and not s.in_transaction()
    assert bins(s) == ["N-A01-01"]


def test_a_refusal_rolls_everything_back_and_propagates(s):

    def two_then_refuse(_key):
        create_bin(s, code="N-A01-01", store="NEW")
        raise ValidationError(field="x", reason="required")

    with pytest.raises(ValidationError):
        run_write(s, two_then_refuse)
    assert bins(s) == []


def test_a_uniqueness_race_is_a_conflict_and_writes_nothing(s):
    run_write(s, lambda _k: create_bin(s, code="N-A01-01", store="NEW"))

    def twin(_key):  # what a concurrent request that passed the existence check would do
        create_bin(s, code="N-A01-02", store="NEW")
        s.add(Location(code="N-A01-01", kind="bin", store="NEW"))
        s.flush()

    with pytest.raises(Conflict):
        run_write(s, twin)
    assert bins(s) == ["N-A01-01"]


def test_an_idempotency_key_replays_the_first_answer_and_writes_nothing_more(s):
    calls = []

    def create(key):
        calls.append(key)
        loc = create_bin(s, code=f"N-A01-0{len(calls)}", store="NEW")
        return {"code": loc.code}

    idem = Idempotency(key="7:abc", fingerprint="f1", status=201)
    assert run_write(s, create, idem=idem) == {"code": "N-A01-01"}
    assert run_write(s, create, idem=idem) == Replay(201, {"code": "N-A01-01"})
    assert calls == ["7:abc"] and bins(s) == ["N-A01-01"]
    with pytest.raises(Conflict):  # the same key for another request is refused, not replayed
        run_write(s, create, idem=Idempotency(key="7:abc", fingerprint="f2", status=201))
    assert s.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_a_page_shows_the_refusal_and_a_cli_command_exits_with_it(client, auth, runner, session):
    auth.login("new_store_clerk")
    r = client.post("/stock/issue", data={"part_number": "NOPE", "location": "N-A01-01", "qty": "1"})
    flashed = re.findall(r'<div class="flash error">([^<]*)</div>', r.get_data(as_text=True))
    assert r.status_code == 200 and len(flashed) == 1 and "NOPE" in flashed[0]
    out = runner.invoke(args=["create-user", "xy", "--role", "boss", "--password", "long-enough"])
    assert out.exit_code != 0 and "invalid_input: role must be one of" in out.output.lower()
