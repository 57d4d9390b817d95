"""Quality feedback (from warranty.quality) and the stocktake statements, by hand."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pypdfium2
import pytest
from sqlalchemy import update

from tests.factories import make_bin, make_part
from warehouse.catalog.services import create_supplier
from warehouse.dealers.services import create_dealer
from warehouse.ledger.services import receive
from warehouse.reports import lines, render
from warehouse.reports.statements import build, prepare
from warehouse.stocktake import services as stocktake
from warehouse.stocktake.errors import UnknownStocktake
from warehouse.stocktake.models import StocktakeLine
from warehouse.warranty import services as w
from warehouse.warranty.models import Claim

TODAY = date(2026, 1, 1)
D = Decimal


def rows_of(rep):
    keys = [c.key for c in rep.columns]
    return [(kind, dict(zip(keys, v))) for kind, v in lines(rep)]


@pytest.fixture
def claims(s):
    """100 units of M1 sold in 2023; in May 2024 three claims on the compressor (supplier S1): two quality, one
    wear, on three units; one claim in April."""
    create_supplier(s, code="S1", name="华意压缩机厂")
    create_dealer(s, code="D1", name="经销商一")
    for i in range(100):
        w.register_unit(s, serial=f"SN-{i:04d}", model="M1", sold_on=date(2023, 6, 1))
    part = make_part(s, part_number="CMP-1", name="压缩机", supplier="S1")
    for i, (cause, day) in enumerate([("quality", date(2024, 5, 3)), ("quality", date(2024, 5, 9)),
                                      ("wear", date(2024, 5, 20)), ("quality", date(2024, 4, 2))]):
        c = w.file_claim(s, serial=f"SN-{i:04d}", dealer="D1", part_number=part.part_number, qty=1, failure="f",
                         actor="c")
        w.assess(s, claim_no=c.claim_no, cause=cause, decision="approve", actor="t")
        s.execute(update(Claim).where(Claim.id == c.id)
                  .values(created_at=datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)))
    s.commit()
    return s


def test_quality_feedback(claims):
    rep = build(claims, prepare(name="quality-feedback", fmt="pdf", period={"month": "2024-05"}, today=TODAY),
                words={"Quality information feedback": "质量信息反馈表", "By part": "按配件"}, printed_by="",
                today=TODAY)
    out = rows_of(rep)
    part = next(r for k, r in out if k == "row" and r["key"] == "CMP-1")
    # 3 claims on 3 units of M1, of which 100 were sold: 30 per 1,000
    assert (part["name"], part["claims"], part["units"], part["units_sold"], part["per_1000"]) == \
        ("压缩机", 3, 3, 100, D("30.00"))
    supplier = next(r for k, r in out if k == "row" and r["key"] == "S1")
    assert supplier["name"] == "华意压缩机厂" and supplier["claims"] == 3
    causes = {r["key"]: r["claims"] for k, r in out if k == "row" and r["dimension"] == "By failure cause"}
    assert causes == {"quality": 2, "wear": 1}
    assert all(r["claims"] == 3 for k, r in out if k == "subtotal")  # every grouping adds up to the month
    chart = rep.charts[0]
    assert chart.categories[-2:] == ["2024-04", "2024-05"] and list(chart.series[0][1][-2:]) == [1, 3]
    pdf = pypdfium2.PdfDocument(render(rep, "pdf"))
    text = pdf[0].get_textpage().get_text_range().replace("\r\n", "")
    assert "质量信息反馈表" in text and "华意压缩机厂" in text and "30.00" in text


@pytest.fixture
def counted(s):
    make_part(s, part_number="P1", name="风扇电机")
    make_part(s, part_number="P2", name="温控器")
    make_bin(s, "N-B01-01")
    receive(s, part_number="P1", location="N-B01-01", qty=10, unit_cost=D("8.25"), actor="t")
    receive(s, part_number="P2", location="N-B01-01", qty=5, unit_cost=D("3.00"), actor="t")
    st = stocktake.open_stocktake(s, store="NEW", actor="m0")
    stocktake.record_count(s, stocktake_id=st.id, part_number="P1", location="N-B01-01", physical=7, actor="ann")
    stocktake.record_count(s, stocktake_id=st.id, part_number="P2", location="N-B01-01", physical=6, actor="ann")
    s.commit()
    return s, st.id


def test_variance_before_and_after_approval(counted):
    s, st_id = counted
    order = prepare(name="stocktake-variance", fmt="pdf", period={}, options={"stocktake": str(st_id)}, today=TODAY)
    out = rows_of(build(s, order, words=None, printed_by="", today=TODAY))
    rows = {r["part_number"]: r for k, r in out if k == "row"}
    assert (rows["P1"]["difference"], rows["P1"]["value"], rows["P1"]["state"]) == (-3, D("-24.75"),
                                                                                   "Awaiting approval")
    assert (rows["P2"]["difference"], rows["P2"]["value"]) == (1, D("3.00"))
    assert out[-1][1]["value"] == D("-21.75")
    stocktake.approve(s, stocktake_id=st_id, actor="boss")
    s.commit()
    rows = {r["part_number"]: r for k, r in rows_of(build(s, order, words=None, printed_by="", today=TODAY))
            if k == "row"}
    assert (rows["P1"]["value"], rows["P2"]["value"], rows["P1"]["state"]) == (D("-24.75"), D("3.00"), "Approved")
    with pytest.raises(UnknownStocktake):
        build(s, prepare(name="stocktake-variance", fmt="pdf", period={}, options={"stocktake": "999"},
                         today=TODAY), words=None, printed_by="", today=TODAY)


def test_monthly_stocktake_statistics(counted):
    s, st_id = counted
    stocktake.approve(s, stocktake_id=st_id, actor="boss")
    s.execute(update(StocktakeLine).values(reviewed_at=datetime(2024, 5, 20, tzinfo=timezone.utc)))
    s.commit()
    order = prepare(name="stocktake-monthly", fmt="xlsx", period={"month": "2024-05"}, today=TODAY)
    [(_, row), (_, total)] = rows_of(build(s, order, words=None, printed_by="", today=TODAY))
    assert (row["doc_no"], row["lines"], row["exact"], row["gain_q"], row["gain_v"], row["loss_q"], row["loss_v"],
            row["net_v"], row["accuracy"]) == (f"ST-{st_id}", 2, 0, 1, D("3.00"), 3, D("24.75"), D("-21.75"), 0)
    assert total["net_v"] == D("-21.75")
    empty = prepare(name="stocktake-monthly", fmt="xlsx", period={"month": "2024-04"}, today=TODAY)
    assert [k for k, _ in rows_of(build(s, empty, words=None, printed_by="", today=TODAY))] == ["total"]
