"""The demo data set: a few hundred parts with Chinese and English names, bins in both stores, users for every
role and two months of history. Deterministic (fixed seed) and idempotent."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.accounts.models import User
from warehouse.accounts.roles import ROLES
from warehouse.accounts.services import create_user
from warehouse.catalog.models import Part
from warehouse.catalog.services import add_barcode, create_part, create_supplier
from warehouse.db import utcnow
from warehouse.documents.services import open_document
from warehouse.ledger.cost import round_money
from warehouse.ledger.services import post_move
from warehouse.locations.models import Location
from warehouse.locations.services import create_bin, ensure_virtual_locations, virtual

DEMO_PASSWORD = "demo-pass-1"
# What the user box shows for each demo user (the user name stays the role code, so the demo is easy to sign in to).
DISPLAY_NAMES = {"admin": "王强", "manager": "李明", "new_store_clerk": "张伟", "returned_store_clerk": "刘洋",
                 "shipper": "陈杰", "technician": "赵磊", "order_clerk": "孙丽", "finance": "周敏",
                 "service_agent": "吴芳", "customer_supervisor": "郑华", "quality": "冯涛"}

SUPPLIERS = [("S001", "格力零部件有限公司", "Gree Components Co."), ("S002", "美的压缩机厂", "Midea Compressor Works"),
             ("S003", "海信电子配件", "Hisense Electronic Parts"), ("S004", "宁波电机制造", "Ningbo Motor Mfg."),
             ("S005", "上海铜管厂", "Shanghai Copper Tube Works"), ("S006", "苏州控制器科技", "Suzhou Controller Tech")]

COMPONENTS = [("CMP", "压缩机", "Compressor", "制冷系统", 820), ("FAN", "风扇电机", "Fan motor", "电机", 145),
              ("PCB", "主控板", "Main control board", "电控", 260), ("DSP", "显示板", "Display board", "电控", 85),
              ("SNS", "温度传感器", "Temperature sensor", "电控", 12), ("VLV", "四通阀", "Four-way valve", "制冷系统", 96),
              ("EXV", "电子膨胀阀", "Electronic expansion valve", "制冷系统", 110),
              ("CAP", "启动电容", "Start capacitor", "电气", 18), ("RLY", "继电器", "Relay", "电气", 9),
              ("FLT", "过滤网", "Air filter", "附件", 15), ("RMT", "遥控器", "Remote control", "附件", 28),
              ("PMP", "排水泵", "Drain pump", "电机", 65), ("HEX", "蒸发器", "Evaporator", "换热器", 410),
              ("CND", "冷凝器", "Condenser", "换热器", 530), ("BLT", "风叶", "Fan blade", "结构件", 34),
              ("GSK", "密封圈", "Gasket", "结构件", 4)]
SERIES = [("KF26", "1匹挂机"), ("KF35", "1.5匹挂机"), ("KF50", "2匹柜机"), ("KF72", "3匹柜机"),
          ("RF12", "变频多联机"), ("WH60", "热水器"), ("DW10", "洗碗机"), ("FR45", "冰箱"), ("XQ80", "洗衣机"),
          ("KT90", "中央空调"), ("EV02", "电动车"), ("MC15", "微波炉"), ("AP30", "空气净化器"), ("RC10", "电饭煲"),
          ("DH20", "除湿机"), ("FH18", "风幕机"), ("HP40", "热泵机组"), ("CF33", "冷风机"), ("ZK05", "智控面板")]


def _ean13(body12: str) -> str:
    s = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - s % 10) % 10)


def seed(session: Session) -> bool:
    """Load the demo set; returns False when it is already there. One demo user per role (user name = role) is
    made either way, so a database seeded before a role was added gets that role's user too."""
    ensure_virtual_locations(session)
    for role in ROLES:
        if session.scalar(select(User.id).where(User.username == role)) is None:
            create_user(session, username=role, password=DEMO_PASSWORD, role=role,
                        display_name=DISPLAY_NAMES.get(role, role))
    if session.scalar(select(Part.id).where(Part.part_number == "KF26-CMP-01")) is not None:
        return False
    rng = random.Random(20261123)
    suppliers = [create_supplier(session, code=c, name=n, name_en=e) for c, n, e in SUPPLIERS]
    parts = []
    for si, (series, series_zh) in enumerate(SERIES):
        for ci, (code, zh, en, cat, cost) in enumerate(COMPONENTS):
            sup = suppliers[(si + ci) % len(suppliers)]
            std = Decimal(cost) * Decimal(rng.randint(85, 120)) / 100
            part = create_part(session, part_number=f"{series}-{code}-01", name=f"{series_zh}{zh}",
                               name_en=f"{en} ({series})", category=cat, supplier=sup.code,
                               standard_cost=f"{std:.2f}", dealer_price=f"{std * Decimal('1.35'):.2f}",
                               reorder_point=rng.choice([0, 2, 5, 10]))
            if ci % 3 == 0:  # some parts carry the supplier's EAN-13 as well
                add_barcode(session, part=part, code=_ean13(f"69{si:03d}{ci:03d}{len(parts):04d}"[:12]),
                            kind="ean", supplier=sup)
            parts.append(part)
    new_bins = [create_bin(session, code=f"N-{z}{a:02d}-{lv:02d}", store="NEW")
                for z in "ABCD" for a in range(1, 6) for lv in range(1, 5)]
    for z in "AB":
        for a in range(1, 4):
            for lv in range(1, 5):
                create_bin(session, code=f"R-{z}{a:02d}-{lv:02d}", store="RETURNED")
    _history(session, rng, parts, new_bins)
    return True


def _history(session: Session, rng: random.Random, parts: list[Part], bins: list[Location]) -> None:
    """Sixty days of receipts, issues and transfers, posted through the ledger like real work."""
    supplier, customer = virtual(session, "@SUPPLIER"), virtual(session, "@CUSTOMER")
    start = utcnow() - timedelta(days=60)
    home = {p.id: rng.choice(bins) for p in parts}
    on_hand: dict[int, int] = {}
    for day in range(60):
        at = start + timedelta(days=day, hours=9)
        if day % 3 == 0:
            doc = open_document(session, doc_type="receipt", actor="new_store_clerk", store="NEW",
                                reference=f"DN-{day:03d}", on=at.date())
            for p in rng.sample(parts, 12):
                q = rng.randint(5, 40)
                post_move(session, part=p, qty=q, src=supplier, dst=home[p.id], doc_type="receipt",
                          doc_no=doc.doc_no, actor="new_store_clerk", device="demo", at=at,
                          unit_cost=round_money(p.standard_cost * Decimal(rng.randint(95, 105)) / 100))
                on_hand[p.id] = on_hand.get(p.id, 0) + q
        for p in rng.sample([p for p in parts if on_hand.get(p.id)], min(8, len(on_hand))):
            q = rng.randint(1, max(1, on_hand[p.id] // 3))
            post_move(session, part=p, qty=q, src=home[p.id], dst=customer, doc_type="issue", actor="shipper",
                      device="demo", at=at + timedelta(hours=4))
            on_hand[p.id] -= q
    session.flush()
