"""Failure statistics, the rate per 1,000 units sold, the batch-quality alert rule, incidents."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.factories import make_part, today
from warehouse.catalog.services import create_supplier
from warehouse.db import utcnow
from warehouse.dealers.services import create_dealer
from warehouse.errors import DomainError
from warehouse.warranty import quality, services as w
from warehouse.warranty.models import Claim


@pytest.fixture
def history(engine_session):
    """200 units of M1 and 100 of M2; compressor failures: 1 a month for six months, then 4 in the last 30 days."""
    s = engine_session
    create_supplier(s, code="S1", name="厂")
    create_dealer(s, code="D1", name="d")
    for i in range(300):
        w.register_unit(s, serial=f"SN-{i:04d}", model="M1" if i < 200 else "M2", sold_on=today() - timedelta(days=400))
    cmp_ = make_part(s, supplier="S1")
    fan = make_part(s)
    ages = [40 + 30 * k for k in range(6)] + [1, 5, 10, 20]
    for i, age in enumerate(ages):
        c = w.file_claim(s, serial=f"SN-{i:04d}", dealer="D1", part_number=cmp_.part_number, qty=1, failure="f",
                         actor="c")
        w.assess(s, claim_no=c.claim_no, cause="quality" if i % 2 else "wear", decision="approve", actor="t")
        s.execute(update(Claim).where(Claim.id == c.id).values(created_at=utcnow() - timedelta(days=age)))
    c = w.file_claim(s, serial="SN-0250", dealer="D1", part_number=fan.part_number, qty=2, failure="f", actor="c")
    s.commit()
    return s, cmp_, fan


def test_failures_by_model_with_rate_per_thousand(history):
    s, cmp_, fan = history
    rows = quality.failures(s, start=today() - timedelta(days=400), end=today() + timedelta(days=1), by="model")
    assert rows == [{"key": "M1", "claims": 10, "qty": 10, "units": 10, "units_sold": 200, "per_1000": 50.0},
                    {"key": "M2", "claims": 1, "qty": 2, "units": 1, "units_sold": 100, "per_1000": 10.0}]
    by_part = quality.failures(s, start=today() - timedelta(days=29), end=today() + timedelta(days=1), by="part")
    assert by_part[0]["key"] == cmp_.part_number and by_part[0]["claims"] == 4 and by_part[0]["per_1000"] == 20.0
    by_supplier = quality.failures(s, start=today() - timedelta(days=400), end=today() + timedelta(days=1),
                                   by="supplier")
    assert {r["key"]: r["claims"] for r in by_supplier} == {"S1": 10, "": 1}
    with pytest.raises(DomainError):
        quality.failures(s, start=today(), end=today(), by="colour")


def test_alert_when_recent_failures_exceed_the_usual_rate(history):
    s, cmp_, fan = history
    alerts = quality.alerts(s, today=today())
    assert alerts == [{"part_number": cmp_.part_number, "name": cmp_.name, "recent": 4, "usual": 1.0}]
    # Two months later the burst has aged into the baseline: no alert.
    assert quality.alerts(s, today=today() + timedelta(days=60)) == []


def test_incident_lists_units_and_closes_only_when_decided(history):
    s, cmp_, _ = history
    inc = quality.open_incident(s, part_number=cmp_.part_number, title="压缩机批量失效", actor="qe", model="M1")
    units = quality.affected_units(s, inc, with_customers=False)
    assert len(units) == 200 and {u["model"] for u in units} == {"M1"} and "customer" not in units[0]
    with pytest.raises(DomainError) as e:
        quality.close_incident(s, incident_no=inc.incident_no, actor="boss")
    assert e.value.code == "incident_state"
    quality.record_decision(s, incident_no=inc.incident_no, decision="召回更换", customers_told_on=today())
    assert quality.close_incident(s, incident_no=inc.incident_no, actor="boss").status == "closed"
