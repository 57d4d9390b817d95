"""On PostgreSQL `post_move` sends a move's balance legs, its valuation and the move itself as one statement
(`ledger.services._post_at_once`, data-modifying CTEs); SQLite, and a move valued out of one store into another,
take the steps one statement each. The two must book the same ledger and refuse the same way."""
from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import make_engine
from warehouse.documents.models import Document
from warehouse.errors import InsufficientStock
from warehouse.ledger import queries, services as ledger
from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.locations.services import create_bin


@contextmanager
def _session(url: str):
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            yield s
    finally:
        engine.dispose()


def _watch(s: Session) -> list[str]:
    """The statements sent from now on (a listener: the hot path steps aside for it, SQLAlchemy sends them)."""
    sent: list[str] = []
    event.listen(s.get_bind(), "before_cursor_execute", lambda c, cur, stmt, *a: sent.append(" ".join(stmt.split())))
    return sent


def _day(s: Session) -> None:
    """Receipts at three costs, issues at the moving average, transfers both ways (so the source's location id is
    the lower one in one and the higher in the other), a refused issue, the reversal of an issue and of a receipt,
    one more receipt, and an issue that empties the bin."""
    part = make_part(s, part_number="AO-1", standard_cost="7.00")
    a, b = make_bin(s, "N-O01-01"), make_bin(s, "N-O01-02")
    s.commit()
    pn = part.part_number
    first = ledger.receive(s, part_number=pn, location=a.code, qty=3, actor="t", unit_cost=Decimal("10.0000"))
    ledger.receive(s, part_number=pn, location=a.code, qty=4, actor="t", unit_cost=Decimal("11.3333"))
    ledger.receive(s, part_number=pn, location=b.code, qty=2, actor="t")  # at the standard cost
    issued = ledger.issue(s, part_number=pn, location=a.code, qty=2, actor="t")
    ledger.transfer(s, part_number=pn, from_location=a.code, to_location=b.code, qty=1, actor="t")
    ledger.transfer(s, part_number=pn, from_location=b.code, to_location=a.code, qty=3, actor="t")
    s.commit()
    with pytest.raises(InsufficientStock) as refused:
        ledger.issue(s, part_number=pn, location=b.code, qty=99, actor="t")
    assert refused.value.params["on_hand"] == 0  # b: 2 + 1 - 3
    s.rollback()
    ledger.reverse(s, move_id=issued.move_id, actor="t", reason="wrong part")
    ledger.issue(s, part_number=pn, location=a.code, qty=5, actor="t", to="@SCRAP")
    ledger.receive(s, part_number=pn, location=a.code, qty=3, actor="t", unit_cost=Decimal("9.9999"))
    s.commit()
    ledger.reverse(s, move_id=first.move_id, actor="t")  # out of the store at the receipt's cost, not the average
    ledger.issue(s, part_number=pn, location=a.code, qty=s.scalar(
        select(Balance.qty).where(Balance.part_id == part.id, Balance.location_id == a.id)), actor="t")
    s.commit()
    assert queries.check_ledger(s) == []


def _book(s: Session) -> dict:
    moves = s.execute(select(Move.qty, Move.from_location_id, Move.to_location_id, Move.unit_cost, Move.doc_type,
                             Move.doc_no, Move.reverses_id).order_by(Move.id)).all()
    first = s.scalar(select(Move.id).order_by(Move.id).limit(1))
    return {
        "moves": [(*m[:6], None if m.reverses_id is None else m.reverses_id - first) for m in moves],
        "balances": sorted(s.execute(select(Balance.location_id, Balance.qty)).all()),
        "valuations": sorted(s.execute(select(Valuation.store, Valuation.qty, Valuation.value,
                                              Valuation.last_cost)).all()),
        # a receipt's new note: inserted in the move's statement on PostgreSQL, before the steps otherwise
        "documents": s.execute(select(Document.doc_no, Document.doc_type, Document.store, Document.counterparty,
                                      Document.reference, Document.note, Document.created_by)
                               .order_by(Document.id)).all(),
    }


def _played(url: str, monkeypatch, at_once: bool) -> tuple[dict, list[str]]:
    """The day on a schema of its own; the steps' statements are watched (the at-once run is not: a listener makes
    the hot path step aside, and that path is the one to test)."""
    if not at_once:
        monkeypatch.setattr(ledger, "AT_ONCE_DIALECTS", frozenset())
    try:
        with _session(url) as s:
            sent = [] if at_once else _watch(s)
            _day(s)
            return _book(s), sent
    finally:
        monkeypatch.undo()


def test_one_statement_books_what_the_steps_book(pg_url, monkeypatch):
    from tests.conftest import fresh_pg_schema

    at_once, _ = _played(pg_url, monkeypatch, at_once=True)
    with fresh_pg_schema() as other:
        steps, sent_steps = _played(other, monkeypatch, at_once=False)
    assert not any(s.startswith("WITH ") for s in sent_steps)
    assert at_once == steps
    assert [d.doc_type for d in at_once["documents"]] == ["receipt"] * 4  # one note per receipt, none lost
    # Worked by hand: the last 4 held 39.7034 after the first receipt left at its own 10.0000; 39.7034 / 4 = 9.92585
    assert at_once["valuations"][0][1:] == (0, Decimal("0.0000"), Decimal("9.9259"))


@pytest.mark.parametrize("at_once", [True, False], ids=["at_once", "steps"])
def test_a_valuation_that_disagrees_refuses_the_issue_and_writes_nothing(pg_url, monkeypatch, at_once):
    """Balance and valuation out of step (what check_ledger reports): the issue is refused, naming the valuation,
    and the balance it had already taken in the same statement is rolled back with it."""
    if not at_once:
        monkeypatch.setattr(ledger, "AT_ONCE_DIALECTS", frozenset())
    with _session(pg_url) as s:
        part, a = make_part(s, part_number="AO-2"), make_bin(s, "N-O02-01")
        ledger.receive(s, part_number="AO-2", location=a.code, qty=5, actor="t")
        s.execute(update(Valuation).where(Valuation.part_id == part.id).values(qty=1))
        s.commit()
        moves = s.scalar(select(Move.id).order_by(Move.id.desc()).limit(1))
        with pytest.raises(InsufficientStock) as refused:
            ledger.issue(s, part_number="AO-2", location=a.code, qty=3, actor="t")
        assert refused.value.params.get("reason") == "valuation"
        s.rollback()
        assert s.scalar(select(Balance.qty).where(Balance.part_id == part.id)) == 5
        assert s.scalar(select(Move.id).order_by(Move.id.desc()).limit(1)) == moves


def test_a_move_between_two_stores_takes_the_steps(pg_url):
    """Valued out of one store and into the other at the cost just taken: not one of the statement's shapes."""
    with _session(pg_url) as s:
        part, n = make_part(s, part_number="AO-3"), make_bin(s, "N-O03-01")
        r = create_bin(s, code="R-O03-01", store="RETURNED")
        ledger.receive(s, part_number="AO-3", location=n.code, qty=4, actor="t", unit_cost=Decimal("3.5000"))
        s.commit()
        sent = _watch(s)
        src, dst = ledger.loc_ref(s, n.code), ledger.loc_ref(s, r.code)
        posted = ledger.post_move(s, part=ledger.part_ref(s, "AO-3"), qty=1, src=src, dst=dst, doc_type="test",
                                  actor="t")
        s.commit()
        assert posted.unit_cost == Decimal("3.5000") and posted.on_hand == {n.id: 3, r.id: 1}
        assert not any(stmt.startswith("WITH") for stmt in sent)
        assert queries.check_ledger(s) == []


def test_a_transfer_reads_its_part_and_both_bins_in_one_statement(any_db_url):
    """One SELECT for the part and both bins; on a miss the single look-ups name what is unknown."""
    from warehouse.errors import UnknownLocation, UnknownPart

    with _session(any_db_url) as s:
        make_part(s, part_number="AO-4")
        a, b = make_bin(s, "N-O04-01"), make_bin(s, "N-O04-02")
        ledger.receive(s, part_number="AO-4", location=a.code, qty=3, actor="t")
        s.commit()
        sent = _watch(s)
        done = ledger.transfer(s, part_number="AO-4", from_location=" n-o04-01", to_location=b.code, qty=2,
                               actor="t", idempotency_key="k-4")
        s.commit()
        assert (done.location, done.qty_on_hand) == (b.code, 2)
        reads = [stmt for stmt in sent if stmt.startswith("SELECT")]
        assert len(reads) == 2 and "FROM part JOIN location" in reads[0] and "FROM move" in reads[1], reads
        with pytest.raises(UnknownLocation) as unknown:
            ledger.transfer(s, part_number="AO-4", from_location=a.code, to_location="N-O04-99", qty=1, actor="t")
        assert unknown.value.params["location"] == "N-O04-99"
        with pytest.raises(UnknownPart):
            ledger.transfer(s, part_number="AO-404", from_location=a.code, to_location="N-O04-99", qty=1,
                            actor="t")
        s.rollback()


def test_a_backdated_move_keeps_its_time_and_the_balance_says_when_it_changed(any_db_url):
    """`at` (a technician's visit booked later, the demo's history) dates the move; the cached balance's
    `updated_at` is when it changed, on both paths."""
    from datetime import timedelta

    from warehouse.db import utcnow

    with _session(any_db_url) as s:
        make_part(s, part_number="AO-5")
        a = make_bin(s, "N-O05-01")
        ledger.receive(s, part_number="AO-5", location=a.code, qty=3, actor="t")
        s.commit()
        then, start = utcnow() - timedelta(days=3), utcnow()
        posted = ledger.post_move(s, part=ledger.part_ref(s, "AO-5"), qty=1, src=ledger.loc_ref(s, a.code),
                                  dst=ledger.loc_ref(s, "@CUSTOMER"), doc_type="issue", actor="t", at=then)
        s.commit()
        assert s.scalar(select(Move.created_at).where(Move.id == posted.id)) == then
        assert s.scalar(select(Balance.updated_at).where(Balance.location_id == a.id)) >= start


def test_a_receipt_takes_the_day_counter_after_its_balance_and_valuation(pg_url):
    """The receipt's statement locks the day's counter row last: held by another transaction, the counter keeps the
    receipt waiting with its balance and valuation rows already locked (so the counter is held only from there to
    COMMIT, and a receipt never holds it while waiting for stock rows)."""
    import threading

    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    with _session(pg_url) as s:
        make_part(s, part_number="LK-1")
        make_bin(s, "N-K01-01")
        s.commit()
        first = ledger.receive(s, part_number="LK-1", location="N-K01-01", qty=1, actor="setup")
        s.commit()
        ids = s.execute(select(Balance.part_id, Balance.location_id)).one()
    prefix = first.doc_no.rsplit("-", 1)[0]
    engine = make_engine(pg_url)
    try:
        with engine.connect() as holder, engine.connect() as probe:
            holder.execute(text("SELECT 1 FROM doc_sequence WHERE prefix = :p FOR UPDATE"), {"p": prefix})
            done = []

            def receipt():
                with Session(engine) as r:
                    done.append(ledger.receive(r, part_number="LK-1", location="N-K01-01", qty=1, actor="c").doc_no)
                    r.commit()

            waiting = threading.Thread(target=receipt)
            waiting.start()
            locked = []
            for table, where in (("balance", "part_id = :p AND location_id = :l"), ("valuation", "part_id = :p")):
                for _ in range(100):  # until the receipt holds the row (it then waits on the counter)
                    try:
                        probe.execute(text(f"SELECT 1 FROM {table} WHERE {where} FOR UPDATE NOWAIT"),
                                      {"p": ids.part_id, "l": ids.location_id})
                        probe.rollback()
                        threading.Event().wait(0.02)
                    except OperationalError as exc:
                        assert "lock" in str(exc.orig).lower()
                        probe.rollback()
                        locked.append(table)
                        break
            assert locked == ["balance", "valuation"] and not done
            holder.rollback()
            waiting.join(10)
        assert done == [f"{prefix}-0002"]
    finally:
        engine.dispose()
