"""Helpers for stocktake tests: a domain session on SQLite (`s`) or on both databases (`anydb`), and short verbs."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.db import make_engine
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Balance
from warehouse.reconciliation.queries import reconcile


@pytest.fixture
def s(engine_session):
    return engine_session


@pytest.fixture
def anydb(any_db_url):
    eng = make_engine(any_db_url)
    session = Session(eng, expire_on_commit=False)
    yield session
    session.close()
    eng.dispose()


def receive(s, part, loc, qty, actor="clerk"):
    return ledger.receive(s, part_number=part.part_number, location=loc.code, qty=qty, actor=actor)


def issue(s, part, loc, qty, actor="clerk"):
    return ledger.issue(s, part_number=part.part_number, location=loc.code, qty=qty, actor=actor)


def account(s, part, loc) -> int:
    return s.scalar(select(Balance.qty).where(Balance.part_id == part.id, Balance.location_id == loc.id)) or 0


def card(s, part, loc) -> int:
    return s.scalar(select(Balance.card_qty).where(Balance.part_id == part.id, Balance.location_id == loc.id)) or 0


def rows_by_key(s, **kwargs) -> dict:
    return {(r["location"], r["part_number"]): r for r in reconcile(s, **kwargs)["rows"]}
