"""Two shippers, one last unit, real threads and commits, on SQLite and PostgreSQL: one picks it, the other gets
a clear shortage (`insufficient_stock`), and nothing is half-written. Two shippers shipping one order: it ships
and is invoiced once."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part
from warehouse.dealers.models import AccountEntry
from warehouse.dealers.services import create_dealer
from warehouse.db import make_engine
from warehouse.errors import DomainError
from warehouse.ledger import services as ledger
from warehouse.ledger.models import Move
from warehouse.orders import services as orders
from warehouse.orders.models import OrderLine


def _arrange(url: str, n_orders: int) -> list[str]:
    eng = make_engine(url)
    with Session(eng) as s:
        make_part(s, part_number="LAST-1", dealer_price="10.00")
        make_bin(s, "N-A01-01")
        ledger.receive(s, part_number="LAST-1", location="N-A01-01", qty=1, actor="setup")
        create_dealer(s, code="D9", name="经销商", credit_limit="100000")
        nos = [orders.place_order(s, dealer="D9", lines=[{"part_number": "LAST-1", "qty": 1}], channel="fax",
                                  actor="clerk").order_no for _ in range(n_orders)]
        s.commit()
    eng.dispose()
    return nos


def _race(url: str, fn, args: list) -> list:
    barrier = threading.Barrier(len(args))

    def one(arg):
        eng = make_engine(url)
        try:
            with Session(eng) as s:
                barrier.wait()
                try:
                    out = fn(s, arg)
                    s.commit()
                    return ("ok", out)
                except DomainError as exc:
                    s.rollback()
                    return (exc.code, exc.params.get("reason"))
        finally:
            eng.dispose()

    with ThreadPoolExecutor(len(args)) as pool:
        return list(pool.map(one, args))


def test_two_shippers_one_last_unit(any_db_url):
    nos = _arrange(any_db_url, 2)
    results = _race(any_db_url, lambda s, no: orders.pick(s, order_no=no, code="LAST-1", location="N-A01-01", qty=1,
                                                          actor="shipper")["status"], nos)
    assert sorted(r[0] for r in results) == ["insufficient_stock", "ok"]
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        assert s.scalar(select(func.sum(OrderLine.picked))) == 1  # the loser's line was rolled back too
        assert s.scalar(select(func.count(Move.id)).where(Move.doc_type == "pick")) == 1
        loser = nos[[r[0] for r in results].index("insufficient_stock")]
        try:
            orders.ship(s, order_no=loser, actor="shipper")
            raise AssertionError("an unpicked order shipped")
        except DomainError as exc:
            assert (exc.code, exc.params["reason"]) == ("order_state", "not_picked")
    eng.dispose()


def test_one_order_ships_once(any_db_url):
    [no] = _arrange(any_db_url, 1)
    eng = make_engine(any_db_url)
    with Session(eng) as s:
        orders.pick(s, order_no=no, code="LAST-1", location="N-A01-01", qty=1, actor="shipper")
        s.commit()
    results = _race(any_db_url, lambda s, _: orders.ship(s, order_no=no, actor="shipper").status, [1, 2])
    assert sorted(results) == [("ok", "shipped"), ("order_state", "shipped")]
    with Session(eng) as s:
        assert s.scalar(select(func.count(AccountEntry.id)).where(AccountEntry.kind == "invoice")) == 1
        assert s.scalar(select(func.count(Move.id)).where(Move.doc_type == "shipment")) == 1
    eng.dispose()
