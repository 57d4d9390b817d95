"""The callback schedule across a year on a fixed clock, and the care KPI arithmetic against hand-worked cases."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from warehouse.service import callbacks as cb, care_kpis, clock, rules
from warehouse.service.models import Callback, Ticket
from warehouse.service.services import callback, create_ticket

UTC = timezone.utc


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.set_now(None)


def test_periodic_dates_first_year_quarterly_second_year_half_yearly():
    anchor = date(2025, 1, 31)
    assert cb.periodic_dates(anchor, until=date(2030, 1, 1)) == [
        date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31), date(2026, 1, 31), date(2026, 7, 31),
        date(2027, 1, 31)]
    assert cb.periodic_dates(anchor, until=date(2025, 4, 29)) == []
    # a contract keeps it going every six months after the second year
    assert cb.periodic_dates(anchor, until=date(2028, 2, 1), contract_until=date.max)[-2:] == [
        date(2027, 7, 31), date(2028, 1, 31)]
    assert cb.periodic_due(anchor, date(2025, 6, 1)) == (date(2025, 4, 30), 3)
    assert cb.periodic_due(anchor, date(2027, 7, 30)) == (date(2027, 1, 31), 24)
    assert cb.periodic_due(anchor, date(2027, 7, 31)) is None  # six months unanswered: off the list


def test_season_reminder_window():
    assert cb.seasonal_due(date(2025, 11, 7), 11, 15) is None
    assert cb.seasonal_due(date(2025, 11, 8), 11, 15) == (date(2025, 11, 8), date(2025, 11, 15))
    assert cb.seasonal_due(date(2025, 11, 14), 11, 15) == (date(2025, 11, 8), date(2025, 11, 15))
    assert cb.seasonal_due(date(2025, 11, 15), 11, 15) is None
    assert cb.seasonal_due(date(2025, 12, 29), 1, 3) == (date(2025, 12, 27), date(2026, 1, 3))  # across new year


def _at(d: date, hour=10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def test_call_list_across_a_year_on_a_fixed_clock(app, session, world):
    """An AC installed on 2025-01-10 in region 华北 (heating there from 1 November, cooling from 15 May): walk every
    day of the year and collect what the call list shows; a repair on 2025-08-20 restarts the count."""
    clock.set_now(_at(date(2025, 1, 10)))
    cb.set_season(session, season="heating", start_month=11, start_day=1, region="华北")
    cb.set_season(session, season="cooling", start_month=5, start_day=15, region="华北")
    t = create_ticket(session, category="device", kind="installation", serial="SN-0001", description="安装",
                      actor="agent", region="华北")
    session.execute(update(Ticket).where(Ticket.id == t.id).values(status="closed",
                                                                   completed_at=_at(date(2025, 1, 10))))
    session.commit()
    seen: dict[tuple, list[date]] = {}
    day = date(2025, 1, 10)
    while day <= date(2026, 1, 31):
        if day == date(2025, 8, 20):  # a later repair: the count restarts from its completion
            r = create_ticket(session, category="device", kind="repair", serial="SN-0001", description="维修",
                              actor="agent", region="华北")
            session.execute(update(Ticket).where(Ticket.id == r.id).values(status="closed",
                                                                           completed_at=_at(day)))
            session.commit()
        clock.set_now(_at(day))
        for e in cb.call_list(session, on=day, with_customers=False):
            if e["purpose"] != "job":
                seen.setdefault((e["purpose"], e["season"], e["due_on"]), []).append(day)
        session.rollback()
        day += timedelta(days=1)
    got = {k: (v[0], v[-1]) for k, v in seen.items()}
    assert got == {
        ("periodic", None, "2025-04-10"): (date(2025, 4, 10), date(2025, 7, 9)),
        ("seasonal", "cooling", "2025-05-08"): (date(2025, 5, 8), date(2025, 5, 14)),
        ("periodic", None, "2025-07-10"): (date(2025, 7, 10), date(2025, 8, 19)),  # the repair restarts it
        ("seasonal", "heating", "2025-10-25"): (date(2025, 10, 25), date(2025, 10, 31)),
        ("periodic", None, "2025-11-20"): (date(2025, 11, 20), date(2026, 1, 31)),  # 3 months after 20 August
    }


def test_answered_entry_leaves_the_list_not_reached_stays(app, session, world):
    clock.set_now(_at(date(2025, 1, 10)))
    t = create_ticket(session, category="device", kind="maintenance", serial="SN-0002", description="保养",
                      actor="agent")
    session.execute(update(Ticket).where(Ticket.id == t.id).values(status="closed",
                                                                   completed_at=_at(date(2025, 1, 10))))
    session.commit()
    clock.set_now(_at(date(2025, 4, 12)))
    [e] = cb.call_list(session, with_customers=True)
    assert e["purpose"] == "periodic" and e["due_on"] == "2025-04-10" and e["talk"]["months"] == 3
    assert e["customer"]["name"] == "李四" and e["owner"] == "agent"
    cb.record_call(session, actor="agent", purpose="periodic", serial="SN-0002", due_on=date(2025, 4, 10),
                   reached=False)
    session.commit()
    [e] = cb.call_list(session, with_customers=False)
    assert e["attempts"] == 1 and "customer" not in e or e.get("customer") is None
    cb.record_call(session, actor="agent", purpose="periodic", serial="SN-0002", due_on=date(2025, 4, 10),
                   reached=True, score=5)
    session.commit()
    assert cb.call_list(session, with_customers=False) == []
    from warehouse.errors import Conflict
    with pytest.raises(Conflict):
        cb.record_call(session, actor="agent", purpose="periodic", serial="SN-0002", due_on=date(2025, 4, 10),
                       reached=True)
    with pytest.raises(Conflict):  # not an entry of today's list
        cb.record_call(session, actor="agent", purpose="periodic", serial="SN-0002", due_on=date(2025, 4, 11),
                       reached=True)
    session.rollback()


def _job(session, *, customer, completed: datetime, agent="agentA", region="东区", kind="repair") -> Ticket:
    t = create_ticket(session, category="other", kind=kind, description="x", actor=agent,
                      customer={"name": customer, "phone": customer}, region=region)
    session.execute(update(Ticket).where(Ticket.id == t.id).values(status="completed", completed_at=completed))
    session.flush()
    return t


def _complaint(session, *, customer, at: datetime, agent="agentA", region="东区", answered: datetime | None = None):
    clock.set_now(at)
    t = create_ticket(session, category="other", kind="complaint", description="投诉", actor=agent,
                      customer={"name": customer, "phone": customer}, region=region)
    from warehouse.service.models import Complaint
    session.execute(update(Ticket).where(Ticket.id == t.id).values(created_at=at, answered_at=answered))
    session.execute(update(Complaint).where(Complaint.ticket_id == t.id)
                    .values(response_due=at + timedelta(hours=24)))
    session.flush()
    return t


def test_care_kpis_hand_worked(app, session):
    """January 2025 (UTC):
    served: C1 (agentA, 东区, 2 jobs), C2 (agentA, 东区), C3 (agentB, 西区); C4's job completes 1 February 00:00
      (February's), C5's on 31 January 23:59 (January's, agentB, 西区) → served in January: C1, C2, C3, C5 = 4
    complaints logged in January: C1 twice (counts once), C3, and C6 (served by nobody); C2's on 1 February.
      → complaint rate 3/4; agentA: C1 / {C1, C2} = 1/2; agentB: C3 / {C3, C5} = 1/2 (C6's complaint was logged
      by agentC, who served nobody: no rate)
    24-hour responses of January's complaints: C1#1 answered after 2 h (in time), C1#2 after 25 h (late), C3 not
      answered and its 24 h over at `now` (late), C6 logged 31 January 20:00 not answered, `now` = 1 February
      08:00 → still inside its 24 h, not counted → 1/3
    callbacks due (January's completed jobs: C1×2, C2, C3, C5 = 5): C1's first reached, C2's not reached only, C3's
      reached, C5's reached and not satisfied (the job reopened) → made 3/5; agentA 1/3, agentB 2/2
    satisfaction scores of reached callbacks made in January: 4 (C1, by agentA), 2 (C3, by agentB); C5's (score 1)
      made 1 February is February's → (6, 2)
    """
    jan, feb = rules.month_bounds("2025-01")[0], rules.month_bounds("2025-02")[0]
    c1a = _job(session, customer="C1", completed=jan + timedelta(days=3))
    _job(session, customer="C1", completed=jan + timedelta(days=10))
    c2 = _job(session, customer="C2", completed=jan + timedelta(days=5))
    c3 = _job(session, customer="C3", completed=jan + timedelta(days=6), agent="agentB", region="西区")
    _job(session, customer="C4", completed=feb, agent="agentB", region="西区")
    c5 = _job(session, customer="C5", completed=feb - timedelta(minutes=1), agent="agentB", region="西区")
    _complaint(session, customer="C1", at=jan + timedelta(days=4), answered=jan + timedelta(days=4, hours=2))
    _complaint(session, customer="C1", at=jan + timedelta(days=12), answered=jan + timedelta(days=13, hours=1))
    _complaint(session, customer="C3", at=jan + timedelta(days=7), agent="agentB", region="西区")
    _complaint(session, customer="C6", at=feb - timedelta(hours=4), agent="agentC", region="西区")
    _complaint(session, customer="C2", at=feb)
    session.commit()
    clock.set_now(None)
    for t, at, actor, reached, satisfied, score in (
            (c1a, jan + timedelta(days=4), "agentA", True, True, 4),
            (c2, jan + timedelta(days=6), "agentA", False, None, None),
            (c3, jan + timedelta(days=7), "agentB", True, True, 2),
            (c5, feb + timedelta(hours=9), "agentB", True, False, 1)):
        if reached:
            callback(session, ticket_no=t.ticket_no, satisfied=satisfied, score=score, actor=actor)
            session.execute(update(Callback).where(Callback.ticket_id == t.id).values(at=at))
        else:
            session.add(Callback(ticket_id=t.id, reached=False, actor=actor, at=at))
    session.commit()
    start, end = jan, feb
    assert care_kpis.complaint_rate(session, start=start, end=end) == {None: (3, 4)}
    assert care_kpis.complaint_rate(session, start=start, end=end, by="agent") == {"agentA": (1, 2),
                                                                                   "agentB": (1, 2)}
    assert care_kpis.complaint_rate(session, start=start, end=end, by="region") == {"东区": (1, 2), "西区": (2, 2)}
    now = feb + timedelta(hours=8)
    assert care_kpis.complaint_response_rate(session, start=start, end=end, now=now) == {None: (1, 3)}
    assert care_kpis.complaint_response_rate(session, start=start, end=end, now=now, by="agent") == {
        "agentA": (1, 2), "agentB": (0, 1)}
    assert care_kpis.callback_completion_rate(session, start=start, end=end) == {None: (3, 5)}
    assert care_kpis.callback_completion_rate(session, start=start, end=end, by="agent") == {
        "agentA": (1, 3), "agentB": (2, 2)}
    assert care_kpis.satisfaction_score(session, start=start, end=end) == {None: (6, 2)}
    assert care_kpis.satisfaction_score(session, start=start, end=end, by="agent") == {"agentA": (4, 1),
                                                                                       "agentB": (2, 1)}
    assert care_kpis.satisfaction_score(session, start=feb, end=rules.month_bounds("2025-03")[0],
                                        by="region") == {"西区": (1, 1)}
    assert care_kpis.complaint_rate(session, start=rules.month_bounds("2024-12")[0], end=jan) == {}
    with pytest.raises(ValueError):
        care_kpis.complaint_rate(session, start=start, end=end, by="station")
