"""The monthly movements statement (配件收发月统计表) and the monthly profit statement (售后配件月利润表) over a large
ledger, as PDF (and CSV, XLSX): 1,000,000 moves, 20,000 parts of which 5,000 move in the month measured (May 2024),
50 bins, 50 dealers, 23 months of history before it. Half the moves are receipts from the supplier, half are
shipments to a dealer, each on a dealer order of its own (500,000 orders and order lines), so the profit statement
joins every shipment to its order line as it does in production.

Builds the data set with set-based SQL (`INSERT … SELECT generate_series` on PostgreSQL, a recursive CTE on
SQLite) into the real tables of a scratch schema or file, then times `flask report`'s own path
(`statements.prepare` + `produce`) end to end: the SQL aggregation, streaming the rows, writing the file.

    .venv/bin/python benchmarks/report_bench.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/report_bench.py --url sqlite:////tmp/report_bench.db
    .venv/bin/python benchmarks/report_bench.py --url … --reports monthly-profit --profile   # where the time goes
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import warehouse.models  # noqa: E402,F401
from warehouse.db import Base, make_engine, utcnow  # noqa: E402
from warehouse.dealers.models import Dealer  # noqa: E402
from warehouse.dealers.services import create_dealer  # noqa: E402
from warehouse.locations.models import Location  # noqa: E402
from warehouse.locations.services import ensure_virtual_locations  # noqa: E402
from warehouse.reports import statements  # noqa: E402

ZH = {"Monthly parts receipts and issues": "配件收发月统计表", "New-parts store": "新件库", "Total": "合计",
      "Subtotal": "小计", "Page {page} of {pages}": "第 {page} 页，共 {pages} 页",
      "Monthly parts profit statement": "售后配件月利润表", "By category": "按类别", "By dealer": "按经销商",
      "By part": "按配件"}
REPORTS = ("monthly-profit", "monthly-movements")


def numbers(dialect: str, n: int) -> str:
    if dialect == "postgresql":
        return f"generate_series(1, {n}) AS g(n)"
    return f"(WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < {n}) SELECT n FROM r) g"


def at_seconds(dialect: str, start: str, seconds: str) -> str:
    """SQL for `start` + `seconds`, stored as the ledger stores times on each database."""
    if dialect == "postgresql":
        return f"(TIMESTAMPTZ '{start} 00:00:00+00' + ({seconds}) * INTERVAL '1 second')"
    return f"(datetime('{start}', '+' || ({seconds}) || ' seconds') || '.000000')"


def build(url: str, moves: int, parts: int, moving: int, in_month: int) -> str:
    if url.startswith("postgresql"):
        schema = f"report_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(url).begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    eng = make_engine(url)
    d = eng.dialect.name
    t0 = time.perf_counter()
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        ensure_virtual_locations(s)
        s.execute(insert(Location), [{"code": f"N-A{i:02d}-01", "kind": "bin", "store": "NEW", "active": True}
                                     for i in range(50)])
        s.commit()
        for i in range(50):
            create_dealer(s, code=f"B{i:03d}", name=f"基准经销商{i}", credit_limit="1000000")
        s.commit()
        first_bin = s.scalar(select(Location.id).where(Location.code == "N-A00-01"))
        sup = s.scalar(select(Location.id).where(Location.code == "@SUPPLIER"))
        dealer_locs = sorted(s.scalars(select(Location.id).where(Location.code.like("@D:B%"))))
        dealer_ids = sorted(s.scalars(select(Dealer.id).where(Dealer.code.like("B%"))))
        assert dealer_locs[-1] - dealer_locs[0] == 49 and dealer_ids[-1] - dealer_ids[0] == 49  # contiguous
        true = "true" if d == "postgresql" else "1"
        now = "now()" if d == "postgresql" else "datetime('now')"
        pad = "lpad(n::text, 6, '0')" if d == "postgresql" else "substr('000000' || n, -6)"
        s.execute(text(f"INSERT INTO part (id, part_number, name, unit, category, standard_cost, dealer_price,"
                       f" reorder_point, active, created_at, lead_time_days) SELECT n, 'BP-' || {pad},"
                       f" '基准配件' || n, 'pcs', '类别' || (n % 20), 10, 15, 0, {true}, {now}, 30"
                       f" FROM {numbers(d, parts)}"))
        if d == "postgresql":
            s.execute(text("SET session_replication_role = replica"))  # no FK triggers on the bulk load
        # Moves 1 … in_month fall in May 2024 on the first `moving` parts; the rest spread over the 694 days
        # before it on every part (one a minute). Even moves receive from the supplier, odd ones ship to a dealer on order BO-n
        # (one order line: the part, the qty, a price).
        part = f"CASE WHEN n <= {in_month} THEN 1 + n % {moving} ELSE 1 + n % {parts} END"
        bin_ = f"{first_bin} + n % 50"
        when = (f"CASE WHEN n <= {in_month} THEN {at_seconds(d, '2024-05-01', 'n % 2678400')}"
                f" ELSE {at_seconds(d, '2022-06-01', '(n * 60) % 60000000')} END")
        false = "false" if d == "postgresql" else "0"
        s.execute(text(
            f"INSERT INTO dealer_order (id, order_no, dealer_id, channel, credit_hold, status, total, created_by,"
            f" created_at) SELECT n, 'BO-' || n, {dealer_ids[0]} + n % 50, 'phone', {false}, 'shipped', 0,"
            f" 'bench', {when} FROM {numbers(d, moves)} WHERE n % 2 = 1"))
        s.execute(text(
            f"INSERT INTO dealer_order_line (order_id, line_no, part_id, qty, picked, unit_price)"
            f" SELECT n, 1, {part}, 1 + n % 7, 1 + n % 7, 20 + n % 50 + 0.55 FROM {numbers(d, moves)}"
            f" WHERE n % 2 = 1"))
        s.execute(text(
            f"INSERT INTO move (part_id, qty, from_location_id, to_location_id, unit_cost, doc_type, doc_no, actor,"
            f" created_at) SELECT {part}, 1 + n % 7, CASE WHEN n % 2 = 0 THEN {sup} ELSE {bin_} END,"
            f" CASE WHEN n % 2 = 0 THEN {bin_} ELSE {dealer_locs[0]} + n % 50 END, 10 + n % 90 + 0.1234,"
            f" CASE WHEN n % 2 = 0 THEN 'receipt' ELSE 'shipment' END,"
            f" CASE WHEN n % 2 = 0 THEN NULL ELSE 'BO-' || n END, 'bench', {when} FROM {numbers(d, moves)}"))
        s.commit()
    with eng.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT")
        c.execute(text("VACUUM ANALYZE" if d == "postgresql" else "ANALYZE"))
        n = c.scalar(text("SELECT count(*) FROM move"))
    eng.dispose()
    print(f"built {n:,} moves, {parts:,} parts ({moving:,} moving in 2024-05) in {time.perf_counter() - t0:.1f} s"
          f" ({d})")
    return url


def measure(url: str, name: str, fmt: str, runs: int, profile: bool = False) -> None:
    eng = make_engine(url)
    order = statements.prepare(name=name, fmt=fmt, period={"month": "2024-05"}, today=date(2026, 1, 1))
    times = []
    for _ in range(runs):
        out = io.BytesIO()
        with Session(eng) as s:
            wall, cpu = time.perf_counter(), time.process_time()
            if profile:
                import cProfile
                import pstats
                prof = cProfile.Profile()
                prof.enable()
            statements.produce(s, order, out, words=ZH, printed_by="bench", today=date(2026, 1, 1))
            times.append((time.perf_counter() - wall, time.process_time() - cpu))
            if profile:
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    eng.dispose()
    best = min(times)
    print(f"{name:17} {fmt:4}  wall {best[0]:5.2f} s (first {times[0][0]:5.2f} s)  python cpu "
          f"{best[1]:5.2f} s  {len(out.getvalue()) / 1e6:5.2f} MB  load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--moves", type=int, default=1_000_000)
    ap.add_argument("--parts", type=int, default=20_000)
    ap.add_argument("--moving", type=int, default=5_000)
    ap.add_argument("--in-month", type=int, default=40_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the scratch schema (PostgreSQL) or file")
    ap.add_argument("--schema", help="measure again on a schema kept by --keep, without building")
    ap.add_argument("--reports", default=",".join(REPORTS), help="comma-separated statement names")
    ap.add_argument("--formats", default="pdf,csv,xlsx")
    ap.add_argument("--profile", action="store_true", help="cProfile each run (the 25 costliest calls)")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.schema:
        url = f"{args.url}{'&' if '?' in args.url else '?'}options=-csearch_path%3D{args.schema}"
        args.keep = True
    elif args.url.startswith("sqlite") and args.keep and Path(args.url.removeprefix("sqlite:///")).exists():
        url = args.url
    else:
        url = build(args.url, args.moves, args.parts, args.moving, args.in_month)
    try:
        for name in args.reports.split(","):
            for fmt in args.formats.split(","):
                measure(url, name, fmt, args.runs if fmt == "pdf" else 1, args.profile)
    finally:
        if url.startswith("postgresql") and not args.keep:
            schema = url.rsplit("%3D", 1)[1]
            with create_engine(args.url).begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
