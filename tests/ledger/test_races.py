"""Clerks racing for the same stock, with real threads and processes, real sessions and real commits, on a SQLite
file and on PostgreSQL: exactly the available units are issued, never more, and no move is lost."""
from __future__ import annotations

import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import make_engine
from warehouse.errors import InsufficientStock
from warehouse.ledger import queries, services as ledger
from warehouse.ledger.models import Balance, Move

UNITS = 1000
CLIENTS = 32


def _arrange(url: str, qty: int) -> None:
    eng = make_engine(url)
    with Session(eng) as s:
        make_part(s, part_number="RACE-1")
        make_bin(s, "N-A01-01")
        make_bin(s, "N-A01-02")
        ledger.receive(s, part_number="RACE-1", location="N-A01-01", qty=qty, actor="setup")
        s.commit()
    eng.dispose()


def _drain(url: str, worker: int, barrier=None) -> int:
    """Issue one unit at a time until the bin is empty; returns how many this worker got."""
    eng = make_engine(url, pool_size=1, max_overflow=0) if url.startswith("postgres") else make_engine(url)
    got = 0
    if barrier is not None:
        barrier.wait()
    try:
        while True:
            with Session(eng) as s:
                try:
                    ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1, actor=f"clerk{worker}")
                    s.commit()
                    got += 1
                except InsufficientStock:
                    s.rollback()
                    return got
    finally:
        eng.dispose()


def _assert_exact(url: str, issued: int) -> None:
    eng = make_engine(url)
    with Session(eng) as s:
        assert issued == UNITS
        n_issues = s.scalar(select(func.count(Move.id)).where(Move.doc_type == "issue"))
        assert n_issues == UNITS  # no lost and no duplicated moves
        assert s.scalar(select(func.sum(Balance.qty))) == 0
        assert queries.check_ledger(s) == []
    eng.dispose()


@pytest.mark.slow
def test_32_threads_issue_exactly_the_last_1000_units(any_db_url):
    _arrange(any_db_url, UNITS)
    barrier = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda i: _drain(any_db_url, i, barrier), range(CLIENTS)))
    _assert_exact(any_db_url, sum(results))
    assert sum(1 for r in results if r > 0) > 1  # the race really was contested


def _proc(url: str, worker: int, q) -> None:
    q.put(_drain(url, worker))


@pytest.mark.slow
def test_processes_issue_exactly_the_last_1000_units(any_db_url):
    _arrange(any_db_url, UNITS)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_proc, args=(any_db_url, i, q)) for i in range(4)]
    for p in procs:
        p.start()
    results = [q.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    _assert_exact(any_db_url, sum(results))


def test_two_clerks_take_the_last_unit_exactly_one_succeeds(any_db_url):
    _arrange(any_db_url, 1)
    barrier = threading.Barrier(2)
    outcomes = []

    def take(i):
        eng = make_engine(any_db_url)
        barrier.wait()
        with Session(eng) as s:
            try:
                ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1, actor=f"c{i}")
                s.commit()
                outcomes.append("ok")
            except InsufficientStock:
                outcomes.append("refused")
        eng.dispose()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]


def test_opposite_transfers_do_not_deadlock(any_db_url):
    """A→B and B→A at once lock balance rows in one order, so neither transaction waits on the other forever."""
    _arrange(any_db_url, 400)
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        ledger.transfer(s, part_number="RACE-1", from_location="N-A01-01", to_location="N-A01-02", qty=200,
                        actor="setup")
        s.commit()

    def shuttle(direction):
        e = make_engine(any_db_url)
        src, dst = ("N-A01-01", "N-A01-02") if direction else ("N-A01-02", "N-A01-01")
        for _ in range(50):
            with Session(e) as s:
                ledger.transfer(s, part_number="RACE-1", from_location=src, to_location=dst, qty=1, actor="t")
                s.commit()
        e.dispose()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(shuttle, [True, False, True, False]))
    with Session(eng) as s:
        assert queries.check_ledger(s) == []
        assert queries.stock_of_part(s, "RACE-1")["total"] == 400
    eng.dispose()


def test_concurrent_retries_with_one_idempotency_key_post_once(any_db_url):
    _arrange(any_db_url, 10)
    barrier = threading.Barrier(8)

    def retry(i):
        e = make_engine(any_db_url)
        barrier.wait()
        with Session(e) as s:
            try:
                p = ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1, actor="c",
                                 idempotency_key="7:same-scan")
                s.commit()
                return p.move_id
            except Exception as exc:  # the losers see the unique key; a retry then replays
                s.rollback()
                return type(exc).__name__
            finally:
                e.dispose()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(retry, range(8)))
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        assert s.scalar(select(func.count(Move.id)).where(Move.idempotency_key == "7:same-scan")) == 1
        assert queries.stock_of_part(s, "RACE-1")["total"] == 9
        replay = ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1, actor="c",
                              idempotency_key="7:same-scan")
        assert replay.replayed and replay.move_id in results
    eng.dispose()


def test_concurrent_receipts_number_their_notes_without_gaps(any_db_url):
    """16 clerks receive at once, into two bins, while others issue from the first: every committed receipt has its
    own note, numbered with no gap — a receipt rolled back gives its number back (on PostgreSQL the counter is taken
    in the move's statement, after the balance and valuation, so it cannot deadlock with an issue)."""
    from warehouse.documents.models import Document

    _arrange(any_db_url, 40)  # the first receipt of the day: RN-…-0001
    barrier = threading.Barrier(24)

    def receive(i):
        e = make_engine(any_db_url)
        barrier.wait()
        with Session(e) as s:
            p = ledger.receive(s, part_number="RACE-1", location=f"N-A01-0{1 + i % 2}", qty=1, actor=f"c{i}")
            s.commit() if i % 4 != 3 else s.rollback()
        e.dispose()
        return None if i % 4 == 3 else p.doc_no

    def issue(i):
        e = make_engine(any_db_url)
        barrier.wait()
        for _ in range(5):
            with Session(e) as s:
                ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1, actor=f"i{i}")
                s.commit()
        e.dispose()

    with ThreadPoolExecutor(24) as pool:
        issued = [pool.submit(issue, i) for i in range(8)]
        numbers = [n for n in pool.map(receive, range(16)) if n]
        [f.result() for f in issued]
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        first = s.scalar(select(Move.doc_no).where(Move.actor == "setup"))
        prefix = first.rsplit("-", 1)[0]
        assert sorted(numbers) == [f"{prefix}-{n:04d}" for n in range(2, 14)]
        assert s.scalars(select(Document.doc_no).order_by(Document.doc_no)).all() == [first, *sorted(numbers)]
        assert sorted(s.scalars(select(Move.doc_no).where(Move.doc_type == "receipt", Move.actor != "setup"))) \
            == sorted(numbers)
        assert s.scalar(select(func.sum(Balance.qty))) == 40 + 12 - 40
        assert queries.check_ledger(s) == []
    eng.dispose()


def test_concurrent_retries_through_the_write_frame_post_once_and_replay_the_first_answer(any_db_url):
    """The write frame looks the key up and the ledger then skips its own look-up of the key's move: twins that
    all missed the record still post once (the moves' unique key), and every loser answers the winner's answer."""
    from service_app.transactions import Idempotency, Replay, run_write

    _arrange(any_db_url, 10)
    barrier = threading.Barrier(8)
    idem = Idempotency(key="7:same-scan", fingerprint="f", status=201)

    def retry(i):
        e = make_engine(any_db_url)
        barrier.wait()
        try:
            with Session(e) as s:
                done = run_write(s, lambda key: ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1,
                                                             actor="c", idempotency_key=key).as_dict(), idem=idem)
                return ("replay", done.body) if isinstance(done, Replay) else ("posted", done)
        finally:
            e.dispose()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(retry, range(8)))
    assert sorted(kind for kind, _ in results) == ["posted"] + ["replay"] * 7
    assert len({answer["move_id"] for _, answer in results}) == 1
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        assert s.scalar(select(func.count(Move.id)).where(Move.idempotency_key == "7:same-scan")) == 1
        assert queries.stock_of_part(s, "RACE-1")["total"] == 9
        # Outside the frame (no record looked up in this transaction) the ledger still finds the key's move.
        replay = ledger.issue(s, part_number="RACE-1", location="N-A01-01", qty=1, actor="c",
                              idempotency_key="7:same-scan")
        assert replay.replayed and replay.move_id == results[0][1]["move_id"]
    eng.dispose()
