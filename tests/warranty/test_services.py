"""Warranty use cases against a real database: policies by sale date, claims, assessment routing, credit once,
intake once into the returned-parts store at zero value."""
from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_bin, make_part, today
from warehouse.db import make_engine
from warehouse.dealers import queries as dealer_queries
from warehouse.dealers.services import create_dealer, get_dealer
from warehouse.errors import DomainError
from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.warranty import queries, services as w



@pytest.fixture
def world(engine_session):
    s = engine_session
    create_dealer(s, code="D001", name="华东经销商", credit_limit="50000.00")
    w.set_model(s, code="KFR-35GW", name="分体挂机", category="AC")
    w.set_labour_rate(s, category="AC", rate="80.00")
    w.create_policy(s, model="KFR-35GW", months=12, effective_from=date(2020, 1, 1), actor="admin")
    part = make_part(s, category="compressor", dealer_price="350.00")
    w.register_unit(s, serial="sn-0001", model="KFR-35GW", sold_on=today() - timedelta(days=30), dealer="D001",
                    customer={"name": "张三", "phone": "13800000000"})
    bin_ = make_bin(s, store="RETURNED")
    s.commit()
    return s, part, bin_


def test_policy_in_force_on_the_sale_date_applies(world):
    s, part, _ = world
    # A later, shorter policy version does not change units sold before it.
    w.create_policy(s, model="KFR-35GW", months=1, effective_from=today(), actor="admin")
    view = queries.warranty_view(s, "SN-0001")
    assert view["status"] == "in_warranty"
    assert view["expires_on"] == (w.rules.add_months(today() - timedelta(days=30), 12) - timedelta(days=1)).isoformat()
    # A part category with its own terms: compressors 2 years, parts only.
    w.create_policy(s, model="KFR-35GW", category="compressor", months=24, covers_labour=False,
                    effective_from=date(2020, 1, 1), actor="admin")
    view = queries.warranty_view(s, "sn-0001", part_number=part.part_number)
    assert view["coverage"] == ["parts"] and view["category"] == "compressor"


def test_unknown_serial_and_no_policy(world):
    s, _, _ = world
    with pytest.raises(DomainError) as e:
        queries.warranty_view(s, "NOPE-1")
    assert e.value.code == "unknown_unit"
    w.register_unit(s, serial="X-1", model="UNKNOWN-MODEL", sold_on=today())
    assert queries.warranty_view(s, "X-1")["status"] == "no_policy"


def test_claim_approved_credits_the_dealer_once_and_part_goes_to_returned_store_at_zero_value(world):
    s, part, bin_ = world
    claim = w.file_claim(s, serial="SN-0001", dealer="D001", part_number=part.part_number, qty=1,
                         failure="不制冷", labour_hours="1.5", actor="clerk")
    assert claim.claim_no.startswith("CL-") and claim.warranty_status == "in_warranty"
    assert claim.amount == Decimal("470.00")  # 350 + 1.5 h × 80
    with pytest.raises(DomainError) as e:
        w.intake(s, claim_no=claim.claim_no, location=bin_.code, actor="rclerk")
    assert e.value.code == "not_assessed"
    w.assess(s, claim_no=claim.claim_no, cause="quality", decision="approve", actor="tech")
    assert claim.status == "approved"
    dealer = get_dealer(s, "D001")
    assert dealer_queries.balance(s, dealer) == Decimal("-470.00")
    with pytest.raises(DomainError) as e:  # a second assessment is refused: the credit cannot post twice
        w.assess(s, claim_no=claim.claim_no, cause="quality", decision="approve", actor="tech")
    assert e.value.code == "claim_state"
    out = w.intake(s, claim_no=claim.claim_no, location=bin_.code, actor="rclerk", role="returned_store_clerk")
    assert out["doc_no"].startswith("RI-") and out["qty_on_hand"] == 1 and out["short"] == 0
    s.commit()
    with pytest.raises(DomainError) as e:
        w.intake(s, claim_no=claim.claim_no, location=bin_.code, actor="rclerk")
    assert e.value.code == "already_taken_in"
    move = s.scalar(select(Move).where(Move.doc_no == out["doc_no"]))
    assert move.from_location.code == "@D:D001" and move.unit_cost == 0 and move.doc_type == "intake"
    val = s.scalar(select(Valuation).where(Valuation.part_id == part.id, Valuation.store == "RETURNED"))
    assert (val.qty, val.value) == (1, 0)


def test_intake_refuses_new_store_bins_and_new_store_clerks(world):
    s, part, bin_ = world
    claim = w.file_claim(s, serial="SN-0001", dealer="D001", part_number=part.part_number, qty=2,
                         failure="异响", actor="clerk")
    w.assess(s, claim_no=claim.claim_no, cause="wear", decision="charge", actor="tech")
    s.commit()
    new_bin = make_bin(s, store="NEW")
    for kwargs, code in (({"location": new_bin.code}, "wrong_store"),
                         ({"location": bin_.code, "role": "new_store_clerk"}, "forbidden"),
                         ({"location": bin_.code, "qty": 3}, "invalid_input")):
        with pytest.raises(DomainError) as e:
            w.intake(s, claim_no=claim.claim_no, actor="x", **kwargs)
        s.rollback()
        assert e.value.code == code
    out = w.intake(s, claim_no=claim.claim_no, location=bin_.code, qty=1, actor="rclerk")
    assert out["short"] == 1


def test_rejected_claim_and_routing_through_quality_and_manager(world):
    s, part, bin_ = world
    w.create_policy(s, model="KFR-35GW", category="compressor", months=12, quality_confirm_above="0",
                    effective_from=date(2020, 1, 1), actor="admin")
    c1 = w.file_claim(s, serial="SN-0001", dealer="D001", part_number=part.part_number, qty=1, failure="f",
                      actor="clerk")
    w.assess(s, claim_no=c1.claim_no, cause="quality", decision="approve", actor="tech")
    assert c1.status == "pending_quality"
    assert dealer_queries.balance(s, get_dealer(s, "D001")) == 0  # nothing credited before confirmation
    with pytest.raises(DomainError) as e:
        w.confirm(s, claim_no=c1.claim_no, agree=True, actor="tech")
    assert e.value.code == "own_assessment"
    w.confirm(s, claim_no=c1.claim_no, agree=True, actor="qe")
    assert c1.status == "approved"
    assert dealer_queries.balance(s, get_dealer(s, "D001")) == Decimal("-350.00")

    c2 = w.file_claim(s, serial="SN-0001", dealer="D001", part_number=part.part_number, qty=10, failure="f",
                      actor="clerk")
    w.assess(s, claim_no=c2.claim_no, cause="human", decision="reject", actor="tech", reject_limit=Decimal("2000"))
    assert c2.status == "pending_manager"
    w.confirm(s, claim_no=c2.claim_no, agree=True, actor="boss", step="pending_manager")
    assert c2.status == "rejected"
    with pytest.raises(DomainError) as e:
        w.intake(s, claim_no=c2.claim_no, location=bin_.code, actor="rclerk")
    assert e.value.code == "claim_rejected"


def test_replaced_part_warranty_and_repeat_repairs(world):
    s, part, _ = world
    w.create_policy(s, model="KFR-35GW", category="compressor", months=12, replaced_part_months=36, repeat_limit=2,
                    effective_from=date(2020, 1, 1), actor="admin")
    for _ in range(2):
        c = w.file_claim(s, serial="SN-0001", dealer="D001", part_number=part.part_number, qty=1, failure="f",
                         actor="clerk")
        w.assess(s, claim_no=c.claim_no, cause="quality", decision="approve", actor="tech")
    view = queries.warranty_view(s, "SN-0001", part_number=part.part_number, on=today() + timedelta(days=700))
    assert view["status"] == "in_warranty"  # the unit's 12 months are over, the replaced part's 36 are not
    assert view["repeat_repairs"] == 2 and view["replace_or_refund"] is True


@pytest.mark.parametrize("bad, code", [
    ({"qty": 0}, "invalid_input"), ({"qty": 1.5}, "invalid_input"), ({"qty": True}, "invalid_input"),
    ({"part_number": "NOPE"}, "unknown_part"), ({"serial": "NOPE"}, "unknown_unit"),
    ({"dealer": "NOPE"}, "unknown_dealer"), ({"failure": ""}, "invalid_input"),
    ({"labour_hours": "-1"}, "invalid_input"), ({"labour_hours": "1.234"}, "invalid_input"),
])
def test_bad_claims_write_nothing(world, bad, code):
    s, part, _ = world
    from warehouse.warranty.models import Claim

    args = dict(serial="SN-0001", dealer="D001", part_number=part.part_number, qty=1, failure="f", actor="c")
    with pytest.raises(DomainError) as e:
        w.file_claim(s, **{**args, **bad})
    s.rollback()
    assert e.value.code == code
    assert s.scalar(select(func.count()).select_from(Claim)) == 0


def test_two_clerks_take_in_one_claim_once(world, db_url):
    s, part, bin_ = world
    claim = w.file_claim(s, serial="SN-0001", dealer="D001", part_number=part.part_number, qty=1, failure="f",
                         actor="clerk")
    w.assess(s, claim_no=claim.claim_no, cause="quality", decision="approve", actor="tech")
    s.commit()
    engine = make_engine(db_url)
    results, barrier = [], threading.Barrier(4)

    def clerk(i):
        with Session(engine) as mine:
            barrier.wait()
            try:
                w.intake(mine, claim_no=claim.claim_no, location=bin_.code, actor=f"c{i}")
                mine.commit()
                results.append("ok")
            except DomainError as exc:
                mine.rollback()
                results.append(exc.code)

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    engine.dispose()
    assert sorted(results) == ["already_taken_in"] * 3 + ["ok"]
    s.expire_all()
    assert s.scalar(select(Balance.qty).where(Balance.part_id == part.id)) == 1
