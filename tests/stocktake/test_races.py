"""Real threads, own sessions, real commits, on SQLite and PostgreSQL: receipts racing a count, two managers
approving at once."""
from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.db import make_engine
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Balance, Move
from warehouse.stocktake import services
from warehouse.stocktake.models import StocktakeLine


def _run_all(*targets):
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except Exception as exc:  # surfaced below, with the thread's traceback
                errors.append(exc)
        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]


def test_receipts_racing_a_count_are_neither_lost_nor_double_counted(any_db_url):
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        part, loc = make_part(s), make_bin(s, "N-R01-01")
        ledger.receive(s, part_number=part.part_number, location=loc.code, qty=10, actor="clerk")
        take = services.open_stocktake(s, store="NEW", actor="boss").id
        pn, code = part.part_number, loc.code
        s.commit()
    receipts: list[int] = []

    def receive():
        for _ in range(25):
            with Session(eng) as s:
                receipts.append(ledger.receive(s, part_number=pn, location=code, qty=1, actor="clerk").move_id)
                s.commit()

    def count():
        for n in range(5):  # a few recounts while receipts go on; the last one stands
            with Session(eng) as s:
                services.record_count(s, stocktake_id=take, part_number=pn, location=code, physical=8 + n,
                                      actor=f"counter{n}")
                s.commit()

    _run_all(receive, count)
    with Session(eng) as s:
        line = s.scalars(select(StocktakeLine).where(StocktakeLine.is_current.is_(True))).one()
        before = [m for m in receipts if m <= line.last_move_id]
        assert line.account_at_count == 10 + len(before)  # the count saw exactly the receipts committed before it
        services.approve(s, stocktake_id=take, actor="boss")
        s.commit()
        qty = s.scalar(select(Balance.qty).where(Balance.location_id == line.location_id))
        assert qty == line.physical + len(receipts) - len(before)
    eng.dispose()


def test_two_managers_approving_at_once_post_once(any_db_url):
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        parts = [make_part(s) for _ in range(3)]
        loc = make_bin(s, "N-R01-01")
        take = services.open_stocktake(s, store="NEW", actor="boss").id
        for k, part in enumerate(parts):
            ledger.receive(s, part_number=part.part_number, location=loc.code, qty=5, actor="clerk")
            services.record_count(s, stocktake_id=take, part_number=part.part_number, location=loc.code,
                                  physical=k, actor="ann")
        s.commit()
    results = []

    def approve(who):
        def run():
            with Session(eng) as s:
                results.append(services.approve(s, stocktake_id=take, actor=who))
                s.commit()
        return run

    _run_all(approve("boss"), approve("deputy"))
    assert sorted(r["already_approved"] for r in results) == [False, True]
    with Session(eng) as s:
        assert s.scalar(select(func.count()).select_from(Move).where(Move.doc_type == "stocktake")) == 3
    eng.dispose()
