"""Rules the probe got around: bins follow the store rule of the role, a count line stops at the quantity cap and
an implausible one never blocks the approval of the others, a barcode may not be a bin code or another part's
number."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from tests.factories import make_bin, make_part, make_user
from warehouse.errors import ValidationError
from warehouse.limits import MAX_QTY
from warehouse.locations.models import Location
from warehouse.stocktake import services as st
from warehouse.stocktake.models import StocktakeLine


@pytest.mark.parametrize("role, own, other", [("new_store_clerk", "NEW", "RETURNED"),
                                              ("returned_store_clerk", "RETURNED", "NEW")])
def test_a_store_clerk_creates_bins_of_their_own_store_only(client, auth, session, role, own, other):
    h = auth.headers(role)
    code = {"NEW": "N-Z01-01", "RETURNED": "R-Z01-01"}
    r = client.post("/api/v1/locations", json={"code": code[other], "store": other}, headers=h)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert session.scalar(select(func.count()).select_from(Location).where(Location.code == code[other])) == 0
    session.rollback()
    assert client.post("/api/v1/locations", json={"code": code[own], "store": own}, headers=h).status_code == 201
    assert client.post("/api/v1/locations", json={"code": "N-Z09-01", "store": "NEW"},
                       headers=auth.headers("manager")).status_code == 201


@pytest.fixture
def counting(engine_session):
    s = engine_session
    part, other, loc = make_part(s), make_part(s), make_bin(s, "N-C01-01")
    make_user(s, username="counter", role="new_store_clerk")
    take = st.open_stocktake(s, store="NEW", actor="boss", locations=[loc.code])
    s.commit()
    return take, part, other, loc


def test_repeated_scans_cannot_run_a_count_past_the_cap(engine_session, counting):
    s = engine_session
    take, part, _other, loc = counting
    st.count_scan(s, location=loc.code, part_number=part.part_number, actor="counter", qty=MAX_QTY - 1)
    st.count_scan(s, location=loc.code, part_number=part.part_number, actor="counter", qty=1)
    with pytest.raises(ValidationError) as err:
        st.count_scan(s, location=loc.code, part_number=part.part_number, actor="counter", qty=1)
    assert err.value.params == {"field": "physical", "reason": "too_large", "max": MAX_QTY}
    line = s.scalar(select(StocktakeLine).where(StocktakeLine.is_current.is_(True)))
    assert line.physical == MAX_QTY


def test_an_implausible_line_is_held_and_the_others_are_approved(engine_session, counting):
    s = engine_session
    take, part, other, loc = counting
    st.record_count(s, stocktake_id=take.id, part_number=part.part_number, location=loc.code, physical=5,
                    actor="counter")
    bad = st.record_count(s, stocktake_id=take.id, part_number=other.part_number, location=loc.code, physical=3,
                          actor="counter")
    # a line written before the cap held (the probe's 2,147,000,000)
    s.execute(update(StocktakeLine).where(StocktakeLine.id == bad.id).values(physical=2_147_000_000))
    s.commit()
    result = st.approve(s, stocktake_id=take.id, actor="boss")
    assert result["approved_lines"] == 1 and result["adjustments"][0]["qty"] == 5
    assert result["held"] == [{"part_number": other.part_number, "location": loc.code, "physical": 2_147_000_000}]
    assert result["state"] == "open"  # the held line still needs its recount


def test_a_barcode_may_not_be_a_bin_code_or_another_parts_number(client, auth, session):
    make_bin(session, "N-B01-01")
    make_part(session, part_number="AC-200")
    session.commit()
    h = {**auth.headers("manager"), "Accept-Language": "en"}
    for barcode, reason in (("N-B01-01", "barcode_is_bin"), ("n-b01-01", "barcode_is_bin"),
                            ("AC-200", "barcode_is_part_number")):
        r = client.post("/api/v1/parts", json={"part_number": "AC-300", "name": "x", "barcodes": [barcode]},
                        headers=h)
        assert r.status_code == 400 and r.json["error"]["details"]["reason"] == reason, r.json
    r = client.post("/api/v1/parts", json={"part_number": "AC-300", "name": "x", "barcodes": ["6901234567892"]},
                    headers=h)
    assert r.status_code == 201
    r = client.post("/api/v1/parts", json={"part_number": "6901234567892", "name": "y"}, headers=h)
    assert r.status_code == 400 and r.json["error"]["details"]["reason"] == "part_number_is_barcode"
