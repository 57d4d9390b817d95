"""Stock statement and stock plan against the hand-built ledger of conftest.py, and purchase requests closed by the
receipts that name them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from warehouse.db import utcnow
from warehouse.ledger.services import receive
from warehouse.purchasing import queries, rules, services
from warehouse.purchasing.errors import RequestNotOpen
from warehouse.reports import lines
from warehouse.reports.statements import build, prepare

TODAY = date(2026, 1, 1)
D = Decimal


def stock_rows(s, day):
    rep = build(s, prepare(name="stock", fmt="pdf", period={"day": day}, today=TODAY), words=None, printed_by="",
                today=TODAY)
    keys = [c.key for c in rep.columns]
    return rep, [(kind, dict(zip(keys, v))) for kind, v in lines(rep)]


def test_stock_as_of_end_of_may(ledger):
    rep, out = stock_rows(ledger, "2024-05-31")
    rows = {(r["location"], r["part_number"]): r for kind, r in out if kind == "row"}
    # A: 11 in the store worth 143.00 → 13.0000 each; N-A01-01 holds 9 (117.00), N-A01-02 holds 2 (26.00)
    assert (rows["N-A01-01", "A"]["qty"], rows["N-A01-01", "A"]["value"]) == (9, D("117.00"))
    assert (rows["N-A01-02", "A"]["qty"], rows["N-A01-02", "A"]["value"]) == (2, D("26.00"))
    # B: 2 worth 0.67 → 0.3350 each → 0.67; below its reorder point of 5
    assert (rows["N-A01-01", "B"]["qty"], rows["N-A01-01", "B"]["unit_cost"], rows["N-A01-01", "B"]["value"]) == \
        (2, D("0.34"), D("0.67"))
    assert "Below reorder point" in rows["N-A01-01", "B"]["flag"]
    # C: received in April, never issued → a slow mover; 4 × 2.3325 = 9.33
    assert rows["N-A01-01", "C"]["value"] == D("9.33") and "Slow mover" in rows["N-A01-01", "C"]["flag"]
    assert "Slow mover" not in rows["N-A01-01", "A"]["flag"]
    total = out[-1][1]
    assert (total["qty"], total["value"]) == (17, D("153.00"))
    assert rep.notes[1] == "Slow movers (no issue in 90 days): 1; below reorder point: 1"


def test_stock_before_june_issue_and_after(ledger):
    _, out = stock_rows(ledger, "2024-06-01")
    rows = {(r["location"], r["part_number"]): r for kind, r in out if kind == "row"}
    assert rows["N-A01-01", "A"]["qty"] == 8


def test_plan_rules_by_hand():
    # 3 issued in 180 days → 0.50 a month; 30 days' lead → 1 over the lead time; target max(0, 1 + 1) = 2
    assert rules.monthly_usage(3) == D("0.50")
    p = rules.plan(usage=D("0.50"), lead_days=30, on_hand=0, on_order=0, backordered=0, reorder_point=0)
    assert (p["lead_demand"], p["target"], p["suggested"], p["shortage"]) == (1, 2, 2, 1)
    p = rules.plan(usage=D("10"), lead_days=45, on_hand=4, on_order=3, backordered=2, reorder_point=0)
    assert (p["lead_demand"], p["target"], p["available"], p["suggested"], p["shortage"]) == (15, 25, 5, 20, 10)


def test_plan_and_requests_closed_by_receipts(ledger):
    s = ledger
    now = utcnow()
    plan = {r["part_number"]: r for r in queries.stock_plan(s, until=now)}
    # B: 2 on hand, reorder point 5, usage (nothing issued in the last 180 days) 0 → suggest 3
    assert (plan["B"]["on_hand"], plan["B"]["usage"], plan["B"]["suggested"]) == (2, D("0.00"), 3)
    [no] = services.create_requests(s, lines=[{"part_number": "B", "qty": 3}], actor="clerk")
    s.commit()
    plan = {r["part_number"]: r for r in queries.stock_plan(s, until=utcnow())}
    assert (plan["B"]["on_order"], plan["B"]["suggested"]) == (3, 0)
    receive(s, part_number="B", location="N-A01-01", qty=1, unit_cost=D("0.40"), reference=no, actor="clerk")
    receive(s, part_number="B", location="N-A01-01", qty=5, unit_cost=D("0.40"), reference="OTHER", actor="clerk")
    s.commit()
    req = queries.get_request(s, no)
    assert (req["received"], req["outstanding"], req["status"]) == (1, 2, "partial")
    receive(s, part_number="B", location="N-A01-01", qty=2, unit_cost=D("0.40"), reference=no, actor="clerk")
    s.commit()
    assert queries.get_request(s, no)["status"] == "received"
    assert queries.on_order(s) == {}
    with pytest.raises(RequestNotOpen):
        services.cancel_request(s, request_no=no, actor="clerk")


def test_cancelled_request_is_no_longer_on_order(ledger):
    s = ledger
    [no] = services.create_requests(s, lines=[{"part_number": "A", "qty": 4}], actor="clerk")
    assert sum(queries.on_order(s).values()) == 4
    services.cancel_request(s, request_no=no, actor="clerk")
    s.commit()
    assert queries.on_order(s) == {} and queries.get_request(s, no)["status"] == "cancelled"


def test_stock_plan_report(ledger):
    rep = build(ledger, prepare(name="stock-plan", fmt="pdf", period={"month": "2024-05"}, today=TODAY),
                words=None, printed_by="", today=TODAY)
    keys = [c.key for c in rep.columns]
    rows = {dict(zip(keys, v))["part_number"]: dict(zip(keys, v)) for kind, v in lines(rep) if kind == "row"}
    # as of the end of May: A issued 3 in the 180 days → 0.50; on hand 11 → nothing to order
    assert (rows["A"]["usage"], rows["A"]["on_hand"], rows["A"]["suggested"]) == (D("0.50"), 11, 0)
    # B issued 1 → 0.17 a month; reorder point 5, on hand 2 → 3
    assert (rows["B"]["usage"], rows["B"]["suggested"], rows["B"]["shortage"]) == (D("0.17"), 3, 0)
