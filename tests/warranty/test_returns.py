"""Failed parts back to the supplier: batch by claim tags, ship posts moves, settle line by line, scrap what was
refused with a manager's approval, recovery per supplier and month; part–model compatibility flags claims."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_bin, make_part, today
from warehouse.catalog.services import create_supplier
from warehouse.dealers.services import create_dealer
from warehouse.errors import DomainError
from warehouse.ledger.models import Balance, Move
from warehouse.ledger.queries import stock_in_bin
from warehouse.warranty import returns, services as w



@pytest.fixture
def taken_in(engine_session):
    """Two approved claims for supplier S1's compressor, taken into R bins; one claim for another supplier."""
    s = engine_session
    create_supplier(s, code="S1", name="压缩机厂")
    create_supplier(s, code="S2", name="电机厂")
    create_dealer(s, code="D001", name="经销商")
    w.create_policy(s, model="M1", months=12, effective_from=date(2020, 1, 1), actor="a")
    w.register_unit(s, serial="SN-1", model="M1", sold_on=today() - timedelta(days=5))
    cmp_ = make_part(s, supplier="S1", dealer_price="300.00")
    motor = make_part(s, supplier="S2", dealer_price="80.00")
    bin_ = make_bin(s, store="RETURNED")
    claims = []
    for part, qty in ((cmp_, 2), (cmp_, 1), (motor, 1)):
        c = w.file_claim(s, serial="SN-1", dealer="D001", part_number=part.part_number, qty=qty, failure="f",
                         actor="c")
        w.assess(s, claim_no=c.claim_no, cause="quality", decision="approve", actor="t")
        w.intake(s, claim_no=c.claim_no, location=bin_.code, actor="r")
        claims.append(c.claim_no)
    s.commit()
    return s, claims, bin_, cmp_


def test_batch_ship_settle_scrap_close(taken_in):
    s, (c1, c2, c3), bin_, part = taken_in
    batch = returns.open_batch(s, supplier="S1", actor="r")
    returns.add_claim(s, batch_no=batch.batch_no, claim_no=c1)
    returns.add_claim(s, batch_no=batch.batch_no, claim_no=c2)
    with pytest.raises(DomainError) as e:
        returns.add_claim(s, batch_no=batch.batch_no, claim_no=c3)
    assert e.value.code == "wrong_supplier"
    with pytest.raises(DomainError) as e:
        returns.add_claim(s, batch_no=batch.batch_no, claim_no=c1)
    assert e.value.code == "conflict"
    returns.ship(s, batch_no=batch.batch_no, actor="r", role="returned_store_clerk")
    s.commit()
    left = {p["part_number"]: p["qty"] for p in stock_in_bin(s, bin_.code)["parts"]}
    assert left.get(part.part_number, 0) == 0  # the compressors left the bin; the motor stays
    moves = s.scalars(select(Move).where(Move.doc_no == batch.batch_no)).all()
    assert {m.to_location.code for m in moves} == {"@S:S1"} and sum(m.qty for m in moves) == 3
    returns.settle_line(s, batch_no=batch.batch_no, claim_no=c1, accepted_qty=1, recovered="300.00")
    returns.settle_line(s, batch_no=batch.batch_no, claim_no=c2, accepted_qty=1, recovered="300.00")
    assert batch.status == "shipped"  # one part of c1 refused and not yet written off
    returns.approve_scrap(s, batch_no=batch.batch_no, claim_no=c1, actor="boss")
    assert batch.status == "closed"
    s.commit()
    scrap = s.scalar(select(Move).where(Move.doc_type == "scrap"))
    assert (scrap.from_location.code, scrap.to_location.code, scrap.qty) == ("@S:S1", "@SCRAP", 1)
    rec = returns.recovery(s)
    assert rec == [{"supplier": "S1", "month": f"{today():%Y-%m}", "lines": 2, "claimed": "900.00",
                    "recovered": "600.00", "outstanding": "300.00"}]


def test_ship_is_all_or_nothing(taken_in):
    s, (c1, c2, _), bin_, part = taken_in
    batch = returns.open_batch(s, supplier="S1", actor="r")
    returns.add_claim(s, batch_no=batch.batch_no, claim_no=c1)
    returns.add_claim(s, batch_no=batch.batch_no, claim_no=c2)
    s.commit()
    # Someone moved one compressor out of the bin meanwhile: the batch cannot ship, and nothing moves.
    from warehouse.ledger.services import issue

    issue(s, part_number=part.part_number, location=bin_.code, qty=1, to="@SCRAP", actor="x")
    s.commit()
    with pytest.raises(DomainError) as e:
        returns.ship(s, batch_no=batch.batch_no, actor="r")
    s.rollback()
    assert e.value.code == "insufficient_stock"
    assert s.scalar(select(Move.id).where(Move.doc_no == batch.batch_no)) is None
    assert s.scalar(select(Balance.qty).where(Balance.part_id == part.id, Balance.location_id == bin_.id)) == 2


def test_settle_refuses_nonsense(taken_in):
    s, (c1, *_), _, _ = taken_in
    batch = returns.open_batch(s, supplier="S1", actor="r")
    returns.add_claim(s, batch_no=batch.batch_no, claim_no=c1)
    with pytest.raises(DomainError) as e:
        returns.settle_line(s, batch_no=batch.batch_no, claim_no=c1, accepted_qty=1, recovered="1")
    assert e.value.code == "batch_state"  # not shipped yet
    returns.ship(s, batch_no=batch.batch_no, actor="r")
    for qty, money, code in ((3, "1.00", "invalid_input"), (-1, "1.00", "invalid_input"),
                             (1, "-5", "invalid_input"), (1, "1.001", "invalid_input")):
        with pytest.raises(DomainError) as e:
            returns.settle_line(s, batch_no=batch.batch_no, claim_no=c1, accepted_qty=qty, recovered=money)
        assert e.value.code == code


def test_compatibility_flags_a_claim_for_a_part_that_does_not_fit(engine_session):
    s = engine_session
    create_dealer(s, code="D1", name="d")
    w.register_unit(s, serial="SN-9", model="M1", sold_on=today())
    p_any, p_fit = make_part(s), make_part(s)
    assert w.set_fits(s, part_number=p_fit.part_number, models=["M2", "M3"]) == 2
    c_any = w.file_claim(s, serial="SN-9", dealer="D1", part_number=p_any.part_number, qty=1, failure="f", actor="c")
    c_bad = w.file_claim(s, serial="SN-9", dealer="D1", part_number=p_fit.part_number, qty=1, failure="f", actor="c")
    assert (c_any.fits_model, c_bad.fits_model) == (None, False)
    w.set_fits(s, part_number=p_fit.part_number, models=["M1"])
    assert w.fits(s, part_id=p_fit.id, model="M1") is True
