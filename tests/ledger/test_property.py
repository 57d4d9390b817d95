"""The ledger as a hypothesis state machine: random receive / issue / transfer / reverse steps, some of them racing
in threads, against the database and a dict model. After every step: balances = the model = the sum of moves, and
nothing is negative."""
from __future__ import annotations

import itertools
import threading

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import fresh_pg_schema
from tests.factories import make_bin, make_part
from warehouse.db import make_engine
from warehouse.errors import AlreadyReversed, InsufficientStock
from warehouse.ledger import queries, services as ledger
from warehouse.ledger.models import Balance, Move

BINS = ("N-A01-01", "N-A01-02", "N-A01-03")
_parts = itertools.count(1)


def machine_for(url: str):
    engine = make_engine(url)
    with Session(engine) as s:
        for code in BINS:
            make_bin(s, code)
        s.commit()

    class LedgerMachine(RuleBasedStateMachine):
        @initialize()
        def new_part(self):
            self.pn = f"H-{next(_parts):05d}"
            with Session(engine) as s:
                self.part_id = make_part(s, part_number=self.pn).id
                s.commit()
            self.model = {b: 0 for b in BINS}
            self.posted: list[tuple[int, str, str | None, int]] = []  # (move id, from bin, to bin, qty)
            self.reversed: set[int] = set()

        def _run(self, fn):
            with Session(engine) as s:
                try:
                    out = fn(s)
                    s.commit()
                    return out
                except Exception:
                    s.rollback()
                    raise

        @rule(b=st.sampled_from(BINS), qty=st.integers(1, 20))
        def receive(self, b, qty):
            p = self._run(lambda s: ledger.receive(s, part_number=self.pn, location=b, qty=qty, actor="h"))
            self.model[b] += qty
            self.posted.append((p.move_id, None, b, qty))

        @rule(b=st.sampled_from(BINS), qty=st.integers(1, 25))
        def issue(self, b, qty):
            if qty > self.model[b]:
                with pytest.raises(InsufficientStock):
                    self._run(lambda s: ledger.issue(s, part_number=self.pn, location=b, qty=qty, actor="h"))
                return
            p = self._run(lambda s: ledger.issue(s, part_number=self.pn, location=b, qty=qty, actor="h"))
            self.model[b] -= qty
            self.posted.append((p.move_id, b, None, qty))

        @rule(src=st.sampled_from(BINS), dst=st.sampled_from(BINS), qty=st.integers(1, 15))
        def transfer(self, src, dst, qty):
            if src == dst:
                return
            call = lambda s: ledger.transfer(s, part_number=self.pn, from_location=src, to_location=dst, qty=qty,  # noqa: E731
                                             actor="h")
            if qty > self.model[src]:
                with pytest.raises(InsufficientStock):
                    self._run(call)
                return
            p = self._run(call)
            self.model[src] -= qty
            self.model[dst] += qty
            self.posted.append((p.move_id, src, dst, qty))

        @precondition(lambda self: self.posted)
        @rule(data=st.data())
        def reverse(self, data):
            move_id, src, dst, qty = data.draw(st.sampled_from(self.posted))
            call = lambda s: ledger.reverse(s, move_id=move_id, actor="h")  # noqa: E731
            if move_id in self.reversed:
                with pytest.raises(AlreadyReversed):
                    self._run(call)
                return
            if dst is not None and self.model[dst] < qty:  # the stock it would take back has left the bin
                with pytest.raises(InsufficientStock):
                    self._run(call)
                return
            self._run(call)
            self.reversed.add(move_id)
            if dst:
                self.model[dst] -= qty
            if src:
                self.model[src] += qty

        @rule(b=st.sampled_from(BINS), clerks=st.integers(2, 5), qty=st.integers(1, 6))
        def racing_issues(self, b, clerks, qty):
            """Several clerks issue from one bin at the same moment: exactly as many succeed as stock allows."""
            barrier, wins = threading.Barrier(clerks), []

            def clerk():
                barrier.wait()
                with Session(engine) as s:
                    try:
                        ledger.issue(s, part_number=self.pn, location=b, qty=qty, actor="race")
                        s.commit()
                        wins.append(1)
                    except InsufficientStock:
                        s.rollback()

            threads = [threading.Thread(target=clerk) for _ in range(clerks)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(wins) == min(clerks, self.model[b] // qty)
            self.model[b] -= qty * len(wins)

        @invariant()
        def balances_match_model_and_moves(self):
            with Session(engine) as s:
                rows = dict(s.execute(
                    select(Balance.location_id, Balance.qty).where(Balance.part_id == self.part_id)).all())
                codes = {loc.id: loc.code for loc in s.scalars(select(ledger.Location))}
                got = {b: 0 for b in BINS}
                for loc_id, qty in rows.items():
                    assert qty >= 0
                    got[codes[loc_id]] = qty
                assert got == self.model
                for b in BINS:
                    loc_id = next(i for i, c in codes.items() if c == b)
                    moved_in = s.scalar(select(func.coalesce(func.sum(Move.qty), 0)).where(
                        Move.part_id == self.part_id, Move.to_location_id == loc_id))
                    moved_out = s.scalar(select(func.coalesce(func.sum(Move.qty), 0)).where(
                        Move.part_id == self.part_id, Move.from_location_id == loc_id))
                    assert moved_in - moved_out == self.model[b]

        def teardown(self):
            with Session(engine) as s:
                assert queries.check_ledger(s) == []

    return LedgerMachine


SETTINGS = settings(max_examples=20, stateful_step_count=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def test_ledger_state_machine_sqlite(sqlite_url):
    run_state_machine_as_test(machine_for(sqlite_url), settings=SETTINGS)


def test_ledger_state_machine_postgresql():
    with fresh_pg_schema() as url:
        run_state_machine_as_test(machine_for(url), settings=SETTINGS)
