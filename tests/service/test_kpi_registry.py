"""KPI arithmetic against hand-made cases (the expected figures are worked out beside each case), on SQLite and
PostgreSQL: month boundaries, reassigned jobs, repeat complainers, empty denominators, the registry's plug."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.factories import make_bin, make_part
from warehouse.dealers.models import Dealer
from warehouse.service import kpi_registry as registry
from warehouse.service import rules
from warehouse.service.models import Callback, Station, Ticket
from warehouse.stocktake.models import Stocktake, StocktakeLine
from warehouse.warranty.models import Claim, Customer, Unit

UTC = timezone.utc
JAN = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
FEB = (datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC))
_no = itertools.count(1)


def at(day, hour=0, minute=0, month=1):
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


def ticket(s, *, kind="repair", created, agent="agent1", assignee=None, assignee_kind="technician", region=None,
           customer=None, unit=None, **clocks):
    t = Ticket(ticket_no=f"TK-T-{next(_no):05d}", kind=kind, category="device", description="x", created_by=agent,
               created_at=created, assignee=assignee, assignee_kind=assignee_kind if assignee else None,
               region=region, customer_id=customer, unit_id=unit, status="open", **clocks)
    s.add(t)
    s.flush()
    return t


def kpi(s, name, period=JAN, by=None):
    """{key: value} of one KPI ({None: value} overall)."""
    entry = registry.evaluate(s, start=period[0], end=period[1], by=by, names=(name,))[0]
    if by is None:
        return entry["value"], entry["numerator"], entry["denominator"]
    return {b["key"]: (b["value"], b["numerator"], b["denominator"]) for b in entry["by"]}


@pytest.fixture
def s(engine_session):
    return engine_session


def test_every_kpi_is_null_on_an_empty_month(s):
    for e in registry.evaluate(s, start=JAN[0], end=JAN[1]):
        assert e["value"] is None, e["name"]
    by = registry.evaluate(s, start=JAN[0], end=JAN[1], by="technician")
    assert all(e["by"] == [] for e in by)
    assert rules.median([]) is None and rules.rate(0, 0) is None and rules.average(0, 0) is None


def test_repair_timeliness_across_the_month_boundary_with_a_reassigned_job(s):
    # A: due 31 Jan 23:00, reached 22:00 by tech1 → January, in time
    ticket(s, created=at(31, 8), assignee="tech1", due_at=at(31, 23), arrived_at=at(31, 22))
    # B: due 31 Jan 23:30, reassigned tech1 → tech2 (the assignee is tech2 now), reached 1 Feb 00:30 → January, late,
    #    counted once, for tech2
    ticket(s, created=at(31, 8), assignee="tech2", due_at=at(31, 23, 30), arrived_at=at(1, 0, 30, month=2))
    # C: due 1 Feb 00:30 → February only
    ticket(s, created=at(31, 8), assignee="tech2", due_at=at(1, 0, 30, month=2), arrived_at=at(1, 0, 10, month=2))
    # D: a station's job due 10 Jan, never reached, January is over → late; has no technician
    ticket(s, created=at(9), assignee="ST01", assignee_kind="station", region="江北", due_at=at(10))
    s.flush()
    # January: A in time; B, D late → 1 / 3
    assert kpi(s, "repair_timeliness_rate") == (round(1 / 3, 4), 1, 3)
    assert kpi(s, "repair_timeliness_rate", by="technician") == {"tech1": (1.0, 1, 1), "tech2": (0.0, 0, 1)}
    assert kpi(s, "repair_timeliness_rate", by="station") == {"ST01": (0.0, 0, 1)}
    assert kpi(s, "repair_timeliness_rate", by="region") == {"江北": (0.0, 0, 1)}
    assert kpi(s, "repair_timeliness_rate", by="agent") == {"agent1": (round(1 / 3, 4), 1, 3)}
    # February: C only
    assert kpi(s, "repair_timeliness_rate", FEB) == (1.0, 1, 1)


def test_first_response_median_and_its_month(s):
    # minutes from logging to the first response; the response's month is the ticket's month
    ticket(s, created=at(5, 9), contacted_at=at(5, 9, 10), arrived_at=at(5, 12))   # 10 (contact before arrival)
    ticket(s, created=at(6, 9), arrived_at=at(6, 9, 30))                           # 30 (no contact: the arrival)
    ticket(s, kind="inquiry", created=at(7, 9), answered_at=at(7, 10))             # 60
    ticket(s, kind="complaint", created=at(8, 9), answered_at=at(8, 11), agent="agent2")  # 120
    ticket(s, created=at(31, 23), contacted_at=at(1, 0, 20, month=2))              # 80, February
    ticket(s, created=at(9, 9))                                                    # no response yet: not counted
    # January: 10, 30, 60, 120 → median (30 + 60) / 2 = 45
    assert kpi(s, "first_response_minutes") == (45.0, None, 4)
    assert kpi(s, "first_response_minutes", by="agent") == {"agent1": (30.0, None, 3), "agent2": (120.0, None, 1)}
    assert kpi(s, "first_response_minutes", FEB) == (80.0, None, 1)


def _customer_unit(s, n):
    c = Customer(name=f"客户{n}")
    s.add(c)
    s.flush()
    u = Unit(serial=f"SN-K{n:04d}", model="KFR-35GW", sold_on=date(2024, 1, 1), customer_id=c.id)
    s.add(u)
    s.flush()
    return c.id, u.id


def test_complaint_rate_counts_a_repeat_complainer_once(s):
    (c1, u1), (c2, u2), (c3, _u3) = (_customer_unit(s, n) for n in (1, 2, 3))
    # served in January: c1 (twice), c2 → 2 customers
    for c, u, day in ((c1, u1, 3), (c1, u1, 20), (c2, u2, 4)):
        ticket(s, created=at(day), customer=c, unit=u, region="江南", completed_at=at(day, 5))
    # c3's job completes 1 Feb: served in February, not January
    ticket(s, created=at(31), customer=c3, completed_at=at(1, 1, month=2), region="江南")
    # complaints logged in January: c1 twice, c3 once → 2 customers
    for c in (c1, c1, c3):
        ticket(s, kind="complaint", created=at(21), customer=c, region="江南")
    assert kpi(s, "complaint_rate") == (1.0, 2, 2)
    assert kpi(s, "complaint_rate", by="region") == {"江南": (1.0, 2, 2)}
    assert kpi(s, "complaint_rate", by="technician") == {}  # not read by technician
    assert kpi(s, "complaint_rate", FEB) == (0.0, 0, 1)


def test_repeat_repairs_within_30_days(s):
    (_c1, u1), (_c2, u2), (_c3, u3) = (_customer_unit(s, n) for n in (11, 12, 13))
    # u1: repaired by tech1, completed 10 Jan 00:00; repaired again, logged 9 Feb 00:00 (exactly 30 days) → repeat
    ticket(s, created=at(8), unit=u1, assignee="tech1", completed_at=at(10))
    ticket(s, created=at(9, 0, 0, month=2), unit=u1, assignee="tech2", completed_at=at(10, month=2))
    # u2: completed 5 Jan by tech1, next repair logged 5 Feb 00:01 (31 days later) → not a repeat
    ticket(s, created=at(4), unit=u2, assignee="tech1", completed_at=at(5))
    ticket(s, created=at(5, 0, 1, month=2), unit=u2, assignee="tech1")
    # u3: a maintenance visit is not a repair; tech2's repair completed 20 Jan, no later repair → not a repeat
    ticket(s, kind="maintenance", created=at(1), unit=u3, completed_at=at(2))
    ticket(s, created=at(19), unit=u3, assignee="tech2", completed_at=at(20))
    # January: 3 repairs completed (u1, u2, u3), one repeat (u1, counted against tech1, who did the first repair)
    assert kpi(s, "repeat_repair_rate") == (round(1 / 3, 4), 1, 3)
    assert kpi(s, "repeat_repair_rate", by="technician") == {"tech1": (0.5, 1, 2), "tech2": (0.0, 0, 1)}


def test_satisfaction_by_the_agent_who_called(s):
    t1 = ticket(s, created=at(2), assignee="tech1", completed_at=at(3))
    t2 = ticket(s, created=at(2), assignee="tech2", completed_at=at(3))
    for tk, who, ok, score, when in ((t1, "agent1", False, 2, at(4)), (t1, "agent1", True, 5, at(31, 23, 59)),
                                     (t2, "agent2", True, None, at(5)), (t2, "agent2", True, 4, at(1, month=2))):
        s.add(Callback(ticket_id=tk.id, satisfied=ok, score=score, notes=None, actor=who, at=when))
    s.flush()
    # January: 3 callbacks, 2 satisfied; scores 2, 5 (one without a score) → 3.5
    assert kpi(s, "satisfaction") == (round(2 / 3, 4), 2, 3)
    assert kpi(s, "satisfaction_score") == (3.5, 7.0, 2)
    assert kpi(s, "satisfaction", by="agent") == {"agent1": (0.5, 1, 2), "agent2": (1.0, 1, 1)}
    # the average score is the customer-care measure (care_kpis): by the agent who called, or region
    assert kpi(s, "satisfaction_score", by="agent") == {"agent1": (3.5, 7.0, 2)}
    assert kpi(s, "satisfaction_score", by="technician") == {}


def test_claim_approval_rate_by_the_month_of_the_decision(s):
    _c, unit = _customer_unit(s, 21)
    part = make_part(s)
    dealer = Dealer(code="D1", name="经销商", region="华东")
    s.add(dealer)
    s.add(Station(code="ST9", name="维修站", dealer_code="D1", region="华东"))
    s.flush()

    def claim(status, assessed, confirmed=None, by="tech1"):
        s.add(Claim(claim_no=f"CL-T{next(_no):05d}", unit_id=unit, dealer_id=dealer.id, part_id=part.id, qty=1,
                    failure="x", warranty_status="in_warranty", status=status, assessed_at=assessed,
                    confirmed_at=confirmed, assessed_by=by, created_by="clerk", created_at=at(1)))
    claim("approved", at(3))
    claim("rejected", at(4), by="tech2")
    claim("charged", at(5))
    claim("approved", at(31, 20), at(1, 9, month=2))  # confirmed by quality in February → a February decision
    claim("pending_quality", at(6))  # not decided
    claim("filed", None)
    s.flush()
    # January: approved, rejected, charged → 1 / 3
    assert kpi(s, "claim_approval_rate") == (round(1 / 3, 4), 1, 3)
    assert kpi(s, "claim_approval_rate", FEB) == (1.0, 1, 1)
    assert kpi(s, "claim_approval_rate", by="technician") == {"tech1": (0.5, 1, 2), "tech2": (0.0, 0, 1)}
    assert kpi(s, "claim_approval_rate", by="station") == {"ST9": (round(1 / 3, 4), 1, 3)}


def test_stock_accuracy_by_each_bins_last_count(s):
    p1, p2 = make_part(s), make_part(s)
    b1, b2, b3 = make_bin(s, "N-K01-01"), make_bin(s, "N-K01-02"), make_bin(s, "N-K01-03")
    st = Stocktake(store="NEW", scope="full", opened_by="m")
    s.add(st)
    s.flush()

    def line(loc, part, physical, account, card_at, when, card=None, state="counted"):
        s.add(StocktakeLine(stocktake_id=st.id, location_id=loc.id, part_id=part.id, physical=physical, card=card,
                            counter="c", counted_at=when, account_at_count=account, card_at_count=card_at,
                            state=state, is_current=state == "counted"))
        s.flush()
    # b1: p1 miscounted 10 Jan (9 vs 10), recounted 12 Jan: 10 = 10 = 10; p2 agrees → b1 agrees at its last count
    line(b1, p1, 9, 10, 10, at(10), state="rejected")  # recount requested
    line(b1, p1, 10, 10, 10, at(12))
    line(b1, p2, 3, 3, 3, at(12))
    # b2: p1 agrees, but p2's paper card says 4 while account and shelf say 5 → b2 disagrees
    line(b2, p1, 1, 1, 1, at(15))
    line(b2, p2, 5, 5, 5, at(15), card=4)
    # b3: counted 1 Feb only → February
    line(b3, p1, 2, 3, 3, at(1, 8, month=2))
    # January: 2 bins counted, b1 agrees → 1 / 2; February: b3 disagrees → 0 / 1
    assert kpi(s, "stock_accuracy") == (0.5, 1, 2)
    assert kpi(s, "stock_accuracy", FEB) == (0.0, 0, 1)


def test_a_plugged_measure_fills_a_declared_kpi(s, monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", dict(registry.REGISTRY))
    registry.declare(registry.Kpi("test_rate", "test rate", "ratio", True, None, target_max=1))
    entry = registry.evaluate(s, start=JAN[0], end=JAN[1], names=("test_rate",))[0]
    assert entry["available"] is False and entry["value"] is None
    registry.plug("test_rate", lambda session, *, start, end, by=None:
                  {None: (3, 4)} if by is None else {"agent1": (3, 4)}, ("agent",))
    assert kpi(s, "test_rate") == (0.75, 3, 4)
    assert kpi(s, "test_rate", by="agent") == {"agent1": (0.75, 3, 4)}
    with pytest.raises(KeyError):
        registry.plug("no_such_kpi", lambda *a, **k: {})
