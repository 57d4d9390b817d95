"""Reconciliation at scale: a store with 100,000 bin–part pairs and 5,000,000 moves, reconciled in one query.

Builds the data set with set-based SQL into the real tables of a scratch schema (PostgreSQL) or a scratch file
(SQLite), keeps it consistent (each balance equals the sum of its moves; every 20th card misses its last receipt;
a stocktake has counted 90 % of the pairs, a few wrongly), then times `warehouse.reconciliation.queries.reconcile`
— the function the API calls — and the API request itself, cold (first call on a new connection) and warm (p50).

    .venv/bin/python benchmarks/recon_bench.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/recon_bench.py --url sqlite:////tmp/recon_bench.db --pairs 20000 --moves 1000000
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Boolean, bindparam, create_engine, insert, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import warehouse.models  # noqa: E402,F401  (every table on the metadata)
from warehouse.catalog.models import Part  # noqa: E402
from warehouse.db import Base, UTCDateTime, make_engine, utcnow  # noqa: E402
from warehouse.locations.models import Location  # noqa: E402
from warehouse.locations.services import ensure_virtual_locations  # noqa: E402
from warehouse.reconciliation.queries import reconcile  # noqa: E402

PARTS_PER_BIN = 20
PAIRS_PER_PART = 5


def numbers(dialect: str, n: int, alias: str = "nums") -> str:
    """SQL for a one-column table `alias(n)` holding 0 … n−1."""
    if dialect == "postgresql":
        return f"(SELECT generate_series(0, {n - 1}) AS n) {alias}"
    return (f"(WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n < {n - 1}) SELECT n FROM r)"
            f" {alias}")


def run(s: Session, sql: str, **params) -> None:
    """Execute SQL text with `at` bound as a UTC timestamp and `t` as a boolean, the same on both databases."""
    stmt = text(sql).bindparams(*[bindparam(k, type_=UTCDateTime() if k == "at" else Boolean()) for k in params])
    s.execute(stmt, params)


def bin_code(i: int) -> str:
    return f"N-{chr(65 + i // 10000)}{i // 100 % 100:02d}-{i % 100:02d}"


def build(url: str, pairs: int, moves: int) -> tuple[str, int]:
    """Create the data set; returns (url to use, stocktake id)."""
    schema = None
    if url.startswith("postgresql"):
        schema = f"recon_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(url).begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    elif url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    eng = make_engine(url)
    dialect = eng.dialect.name
    per_pair = moves // pairs
    bins, nparts = pairs // PARTS_PER_BIN, pairs // PAIRS_PER_PART
    t0 = time.perf_counter()
    Base.metadata.create_all(eng)
    now = utcnow()
    with Session(eng) as s:
        ensure_virtual_locations(s)
        s.commit()
        s.execute(insert(Location), [{"code": bin_code(i), "kind": "bin", "store": "NEW", "zone": bin_code(i)[2],
                                      "active": True} for i in range(bins)])
        s.execute(insert(Part), [{"part_number": f"BP-{i:06d}", "name": f"基准零件{i}", "name_en": f"Bench part {i}",
                                  "unit": "pcs", "standard_cost": 10, "dealer_price": 15, "reorder_point": 0,
                                  "active": True, "created_at": now} for i in range(nparts)])
        first_bin = s.scalar(select(Location.id).where(Location.code == bin_code(0)))
        first_part = s.scalar(select(Part.id).where(Part.part_number == "BP-000000"))
        supplier = s.scalar(select(Location.id).where(Location.code == "@SUPPLIER"))
        customer = s.scalar(select(Location.id).where(Location.code == "@CUSTOMER"))
        s.execute(text("CREATE TABLE bench_pair (n INTEGER PRIMARY KEY, part_id INTEGER, location_id INTEGER)"))
        s.execute(text(f"INSERT INTO bench_pair SELECT n, {first_part} + n % {nparts}, {first_bin} + n / "
                       f"{PARTS_PER_BIN} FROM {numbers(dialect, pairs)}"))
        s.commit()
        if dialect == "postgresql":
            s.execute(text("SET session_replication_role = replica"))  # skip FK triggers on the bulk load
        # Even steps receive 3 from the supplier, odd steps issue 1 to a customer: each pair ends at 25×3 − 25×1.
        run(s,
            f"INSERT INTO move (part_id, qty, from_location_id, to_location_id, unit_cost, doc_type, actor, created_at)"
            f" SELECT p.part_id, CASE WHEN k.n % 2 = 0 THEN 3 ELSE 1 END,"
            f" CASE WHEN k.n % 2 = 0 THEN {supplier} ELSE p.location_id END,"
            f" CASE WHEN k.n % 2 = 0 THEN p.location_id ELSE {customer} END, 10,"
            f" CASE WHEN k.n % 2 = 0 THEN 'receipt' ELSE 'issue' END, 'bench', :at"
            f" FROM bench_pair p CROSS JOIN {numbers(dialect, per_pair, 'k')}", at=now - timedelta(days=1))
        on_hand = (per_pair + 1) // 2 * 3 - per_pair // 2
        run(s, f"INSERT INTO balance (part_id, location_id, qty, card_qty, updated_at) SELECT part_id, location_id,"
               f" {on_hand}, CASE WHEN n % 20 = 0 THEN {on_hand - 3} ELSE {on_hand} END, :at FROM bench_pair", at=now)
        s.execute(text(f"INSERT INTO valuation (part_id, store, qty, value, last_cost) SELECT part_id, 'NEW',"
                       f" SUM({on_hand}), SUM({on_hand}) * 10, 10 FROM bench_pair GROUP BY part_id"))
        run(s, "INSERT INTO stocktake (store, state, scope, blind, opened_by, opened_at, version)"
               " VALUES ('NEW', 'open', 'full', :t, 'bench', :at, 0)", t=True, at=now)
        take = s.scalar(text("SELECT max(id) FROM stocktake"))
        s.execute(text(f"INSERT INTO stocktake_bin (stocktake_id, location_id) SELECT {take}, id FROM location"
                       f" WHERE kind = 'bin'"))
        # 90 % counted; a few short, a few over (some of which pair up as "found in the wrong bin").
        run(s,
            f"INSERT INTO stocktake_line (stocktake_id, location_id, part_id, physical, counter, counted_at,"
            f" account_at_count, card_at_count, last_move_id, state, is_current, adjusted)"
            f" SELECT {take}, p.location_id, p.part_id, b.qty + CASE WHEN p.n % 97 = 0 THEN -1"
            f" WHEN p.n % 89 = 0 THEN 1 ELSE 0 END, 'bench', :at, b.qty, b.card_qty, 0, 'counted', :t, 0"
            f" FROM bench_pair p JOIN balance b ON b.part_id = p.part_id AND b.location_id = p.location_id"
            f" WHERE p.n % 10 <> 9", at=now, t=True)
        s.execute(text("DROP TABLE bench_pair"))
        s.commit()
    with eng.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT")
        c.execute(text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE"))
        n_moves = c.scalar(text("SELECT count(*) FROM move"))
    eng.dispose()
    print(f"built {pairs:,} bin–part pairs, {n_moves:,} moves, {bins:,} bins, {nparts:,} parts"
          f" in {time.perf_counter() - t0:.1f} s ({dialect}{', schema ' + schema if schema else ''})")
    return url, take


def timed(fn, runs: int) -> tuple[float, float, float, object]:
    """(first call, median and best of `runs` more, the first result)."""
    first_t = time.perf_counter()
    result = fn()
    first = time.perf_counter() - first_t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return first, statistics.median(times), min(times), result


def line(label: str, cold: float, warm: float, best: float, extra: str = "") -> None:
    print(f"{label:<28} cold {cold:6.3f} s  warm p50 {warm:6.3f} s  best {best:6.3f} s  {extra}")


def measure(url: str, take: int, runs: int) -> None:
    eng = make_engine(url)

    def domain(**kw):
        with Session(eng) as s:
            return reconcile(s, store="NEW", **kw)

    cold, warm, best, report = timed(lambda: domain(stocktake=take), runs)
    line("reconcile(stocktake)", cold, warm, best, f"{len(report['rows']):,} rows {report['summary']}")
    cold, warm, best, report = timed(domain, runs)
    line("reconcile(store-wide)", cold, warm, best, f"{len(report['rows']):,} rows")
    eng.dispose()

    from service_app import create_app
    from service_app.extensions import db
    from warehouse.accounts.services import create_user
    from warehouse.errors import AlreadyExists

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        try:
            create_user(db.session, username="bench-manager", password="bench-pass-1", role="manager")
            db.session.commit()
        except AlreadyExists:  # measuring again on a kept schema
            db.session.rollback()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "bench-manager", "password": "bench-pass-1"}).json
    headers = {"Authorization": f"Bearer {token['token']}"}

    def http():
        r = client.get(f"/api/v1/reconciliation?store=NEW&stocktake={take}", headers=headers)
        assert r.status_code == 200, r.json
        return len(r.data)

    cold, warm, best, size = timed(http, runs)
    line("GET /api/v1/reconciliation", cold, warm, best, f"{size / 1e6:.1f} MB JSON")
    print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"),
                    help="postgresql+psycopg://… (a scratch schema is created) or sqlite:////path (overwritten)")
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--moves", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=5, help="warm runs for the median")
    ap.add_argument("--keep", action="store_true", help="keep the scratch schema (PostgreSQL)")
    ap.add_argument("--schema", help="measure again on a schema kept by --keep, without building")
    args = ap.parse_args()
    if not args.url:
        ap.error("give --url (or set BENCH_DATABASE_URL / TEST_DATABASE_URL)")
    print(" ".join([Path(sys.executable).name, *sys.argv]))
    if args.schema:
        url = f"{args.url}{'&' if '?' in args.url else '?'}options=-csearch_path%3D{args.schema}"
        with create_engine(url).connect() as c:
            take = c.scalar(text("SELECT max(id) FROM stocktake"))
    else:
        url, take = build(args.url, args.pairs, args.moves)
    try:
        measure(url, take, args.runs)
    finally:
        if args.url.startswith("postgresql") and not args.keep and not args.schema:
            schema = url.rsplit("%3D", 1)[1]
            with create_engine(args.url).begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
