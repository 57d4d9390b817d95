"""Order entry's part autocomplete over 20,000 parts: `GET /api/v1/orders/part-suggestions` through the Flask app
(bearer token, the order clerk's role), on SQLite and on PostgreSQL. Target: p95 under 50 ms.

    .venv/bin/python benchmarks/order_autocomplete_bench.py [--parts 20000] [--requests 600]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]   (default: TEST_DATABASE_URL; none: SQLite only)

The catalogue: part numbers in 12 families (CMP-00001 …), Chinese names built from part words (压缩机总成, 过滤器滤芯,
…) with their pinyin initials computed as the app computes them, 3 of 4 parts in stock in one of 500 NEW bins,
1 in 20 superseded by another part, a dealer on price level A with a price for every third part. The queries are
what a clerk types, keystroke by keystroke: part-number prefixes (C, CM, CMP-, CMP-0, CMP-001…), pinyin initials
(y, ys, ysj, ysjz…), Chinese name prefixes (压, 压缩, 压缩机…) and a few that match nothing; each answer is checked
(it is 200 and every part in it starts with what was typed). PostgreSQL runs in a scratch schema dropped afterwards.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import warehouse.models  # noqa: E402,F401  (every table)
from warehouse.catalog.models import Part  # noqa: E402
from warehouse.catalog.search import initials  # noqa: E402
from warehouse.db import Base, make_engine, utcnow  # noqa: E402
from warehouse.dealers.models import Dealer, PriceList, PriceListItem  # noqa: E402
from warehouse.ledger.models import Balance  # noqa: E402
from warehouse.locations.models import Location  # noqa: E402
from warehouse.locations.services import ensure_virtual_locations  # noqa: E402

FAMILIES = ["CMP", "FLT", "VLV", "PMP", "MTR", "BRG", "SEN", "PCB", "HSE", "GSK", "FAN", "BLT"]
HEADS = ["压缩机", "过滤器", "电磁阀", "水泵", "电机", "轴承", "传感器", "控制板", "软管", "密封圈", "风扇", "皮带",
         "冷凝器", "蒸发器", "膨胀阀", "继电器", "温控器", "电容", "接触器", "变压器"]
TAILS = ["总成", "滤芯", "线圈", "叶轮", "端盖", "支架", "外壳", "接头", "垫片", "组件", "套件", "护罩", "底座", "", "盖板"]


def build(url: str, n: int) -> None:
    rnd = random.Random(7)
    eng = make_engine(url)
    Base.metadata.create_all(eng)
    now = utcnow()
    t0 = time.perf_counter()
    with Session(eng) as s:
        ensure_virtual_locations(s)
        rows = []
        for i in range(n):
            fam = FAMILIES[i % len(FAMILIES)]
            name = f"{HEADS[rnd.randrange(len(HEADS))]}{TAILS[rnd.randrange(len(TAILS))]}{i % 97}型"
            rows.append({"part_number": f"{fam}-{i:05d}", "name": name, "name_en": f"part {i}", "unit": "pcs",
                         "standard_cost": Decimal("10"), "dealer_price": Decimal("15.00"), "reorder_point": 0,
                         "active": i % 50 != 0, "created_at": now, "pinyin": initials(name)})
        s.execute(insert(Part), rows)
        ids = list(s.scalars(select(Part.id).order_by(Part.id)))
        # 1 in 20 parts is superseded by the next one (替代件).
        s.execute(text("UPDATE part SET superseded_by_id = id + 1 WHERE id % 20 = 0 AND id < :top"),
                  {"top": ids[-1]})
        s.execute(insert(Location), [{"code": f"N-{chr(65 + b // 100)}{b % 100:02d}-01", "kind": "bin",
                                      "store": "NEW", "zone": chr(65 + b // 100), "active": True}
                                     for b in range(500)])
        bins = list(s.scalars(select(Location.id).where(Location.kind == "bin")))
        s.execute(insert(Balance), [{"part_id": pid, "location_id": bins[k % len(bins)], "qty": 1 + k % 30,
                                     "card_qty": 1 + k % 30, "updated_at": now}
                                    for k, pid in enumerate(ids) if k % 4])
        s.execute(insert(PriceList), [{"code": "A", "name": "一级经销商价", "kind": "dealer"}])
        pl = s.scalar(select(PriceList.id))
        s.execute(insert(PriceListItem), [{"price_list_id": pl, "part_id": pid, "price": Decimal("13.50")}
                                          for pid in ids[::3]])
        s.execute(insert(Dealer), [{"code": "D001", "name": "华东经销商", "credit_limit": Decimal("100000"),
                                    "price_level": "A", "kind": "dealer", "payment_terms_days": 30,
                                    "active": True, "blocked": False, "created_at": now}])
        s.commit()
    with eng.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT")
        c.execute(text("VACUUM ANALYZE" if eng.dialect.name == "postgresql" else "ANALYZE"))
    eng.dispose()
    print(f"  built {n:,} parts in {time.perf_counter() - t0:.1f} s")


def queries(rnd: random.Random, count: int) -> list[str]:
    """What a clerk types, prefix by prefix."""
    words = []
    for _ in range(count):
        kind = rnd.random()
        if kind < 0.4:
            pn = f"{rnd.choice(FAMILIES)}-{rnd.randrange(20000):05d}"
            words.append(pn[:rnd.randint(1, len(pn))])
        elif kind < 0.7:
            py = initials(rnd.choice(HEADS) + rnd.choice(TAILS))
            words.append(py[:rnd.randint(1, len(py))])
        elif kind < 0.95:
            name = rnd.choice(HEADS) + rnd.choice(TAILS)
            words.append(name[:rnd.randint(1, len(name))])
        else:
            words.append(rnd.choice(["zzz", "XYZ-9", "没有"]))
    return words


def measure(url: str, label: str, n_requests: int) -> dict:
    from service_app import create_app
    from service_app.extensions import db
    from warehouse.accounts.services import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        create_user(db.session, username="bench-clerk", password="bench-pass-1", role="order_clerk")
        db.session.commit()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "bench-clerk", "password": "bench-pass-1"}).json
    headers = {"Authorization": f"Bearer {token['token']}"}
    rnd = random.Random(11)
    for q in queries(rnd, 30):  # warm the caches and the connection pool
        client.get("/api/v1/orders/part-suggestions", query_string={"q": q, "dealer": "D001"}, headers=headers)
    times, found = [], 0
    for q in queries(rnd, n_requests):
        t = time.perf_counter()
        r = client.get("/api/v1/orders/part-suggestions", query_string={"q": q, "dealer": "D001"}, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.json
        parts = r.json["parts"]
        found += bool(parts)
        for p in parts:
            assert any(v and v.startswith(q) for v in (p["part_number"], p["part_number"].lower(), p["name"])) \
                or initials(p["name"]).startswith(q.lower()), (q, p)
    with app.app_context():
        db.engine.dispose()
    times.sort()
    out = {"label": label, "n": len(times), "p50": statistics.median(times),
           "p95": times[int(0.95 * len(times)) - 1], "max": times[-1], "hits": found}
    print(f"  {label}: {out['n']} requests, p50 {out['p50']:.1f} ms, p95 {out['p95']:.1f} ms, "
          f"max {out['max']:.1f} ms ({found} answered with parts)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    args = ap.parse_args()
    print(" ".join([Path(sys.executable).name, *sys.argv]))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        print("SQLite")
        build(url, args.parts)
        results.append(measure(url, "SQLite", args.requests))
    if args.pg_url:
        schema = f"autocomplete_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(args.pg_url).begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.pg_url}{'&' if '?' in args.pg_url else '?'}options=-csearch_path%3D{schema}"
        try:
            print("PostgreSQL")
            build(url, args.parts)
            results.append(measure(url, "PostgreSQL", args.requests))
        finally:
            with create_engine(args.pg_url).begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    failed = [r["label"] for r in results if r["p95"] >= 50]
    print("p95 < 50 ms: " + ("MISSED on " + ", ".join(failed) if failed else "met"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
