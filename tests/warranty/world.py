"""A small warranty world for page and browser tests: two parts (one on the KFR-35GW compatibility list), a NEW and
a RETURNED bin, a dealer, a 12-month policy with a usage limit and a 三包 threshold, a unit in warranty (with its
customer) and one long out of it, users are made as they sign in (tests/warranty/test_web.py)."""
from __future__ import annotations

from datetime import date, timedelta

from tests.factories import make_bin, make_part, today
from warehouse.dealers.services import create_dealer
from warehouse.warranty import services as warranty


def build(session) -> dict:
    sold = today() - timedelta(days=10)
    make_part(session, part_number="CMP-1", name="压缩机", name_en="Compressor", category="compressor",
              dealer_price="350.00")
    make_part(session, part_number="FAN-1", name="风扇电机", name_en="Fan motor", dealer_price="80.00")
    make_bin(session, "R-A01-01", "RETURNED")
    make_bin(session, "N-A01-01", "NEW")
    create_dealer(session, code="D001", name="华东经销商", credit_limit="50000.00")
    warranty.create_policy(session, model="KFR-35GW", months=12, usage_limit=5000, repeat_limit=2, actor="setup",
                           effective_from=date(2020, 1, 1))
    warranty.register_unit(session, serial="SN-0001", model="KFR-35GW", sold_on=sold, dealer="D001",
                           customer={"name": "张三", "phone": "13800000000", "address": "上海市"})
    warranty.register_unit(session, serial="SN-OLD", model="KFR-35GW", sold_on=date(2021, 3, 1), dealer="D001")
    warranty.set_fits(session, part_number="CMP-1", models=["KFR-35GW"])
    session.commit()
    return {"expires": (warranty.rules.add_months(sold, 12) - timedelta(days=1)).isoformat()}


def claim(session, *, serial="SN-0001", part_number="CMP-1", qty=1, assess: str | None = None,
          reject_limit=None) -> str:
    c = warranty.file_claim(session, serial=serial, dealer="D001", part_number=part_number, qty=qty,
                            failure="压缩机不启动", actor="order_clerk", labour_hours="1.5")
    if assess:
        warranty.assess(session, claim_no=c.claim_no, cause="quality", decision=assess, actor="technician",
                        reject_limit=reject_limit)
    session.commit()
    return c.claim_no
