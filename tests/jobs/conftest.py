"""Job test helpers: sessionmakers on the suite's databases, queueing, and reading jobs back."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

import tests.jobs.handlers  # noqa: F401  (registers the test handlers)
from warehouse.jobs import services
from warehouse.jobs.models import Job


def _sessions(url):
    from warehouse.db import make_engine

    engine = make_engine(url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def jdb(sqlite_url):
    """A sessionmaker on a fresh SQLite file."""
    yield from _sessions(sqlite_url)


@pytest.fixture
def any_jdb(any_db_url):
    """The same on SQLite and on PostgreSQL."""
    yield from _sessions(any_db_url)


def enqueue(db, kind: str, actor: str = "ann", **params) -> int:
    with db.begin() as s:
        return services.enqueue(s, kind=kind, params=params, actor=actor).id


def job(db, job_id: int) -> Job:
    with db() as s:
        j = s.get(Job, job_id, options=services_result_options())
        s.expunge(j)
        return j


def services_result_options():
    from sqlalchemy.orm import undefer

    return [undefer(Job.result_data), undefer(Job.row_errors)]
