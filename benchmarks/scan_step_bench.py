"""One scan, in process: N scan-page issues through the Flask test client on a scratch SQLite file (or
PostgreSQL with --url), timed, with the SQL statements of one scan counted by an SQLAlchemy event listener.

    .venv/bin/python benchmarks/scan_step_bench.py                 # 2,000 issues on SQLite
    .venv/bin/python benchmarks/scan_step_bench.py --n 500 --url postgresql+psycopg://postgres@127.0.0.1:5432/test

Each scan carries its own Idempotency-Key, as the scan page sends it. Prints scans/s, the median and p95 per scan,
the CPU time per scan, and the statements one scan ran (all of them, and those reading the `part` table).
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

PART_READ = re.compile(r"\b(FROM|JOIN)\s+part\b", re.IGNORECASE)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--url", help="database URL (default: a scratch SQLite file)")
    args = ap.parse_args()

    from service_app import create_app
    from service_app.extensions import db
    from tests.factories import make_bin, make_part, make_user
    from warehouse.db import Base
    from warehouse.ledger.services import receive
    from warehouse.locations.services import ensure_virtual_locations

    tmp = tempfile.TemporaryDirectory()
    url, schema = args.url or f"sqlite:///{tmp.name}/bench.db", None
    if args.url:  # a scratch schema, dropped afterwards
        from sqlalchemy import create_engine

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with create_engine(args.url).begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.url}{'&' if '?' in args.url else '?'}options=-csearch_path%3D{schema}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    try:
        with app.app_context():
            import warehouse.models  # noqa: F401

            Base.metadata.create_all(db.engine)
            ensure_virtual_locations(db.session)
            make_user(db.session, username="clerk", role="new_store_clerk")
            make_part(db.session, part_number="BENCH-1", barcodes=["6901234567892"])
            make_bin(db.session, "N-A01-01")
            db.session.commit()
            receive(db.session, part_number="BENCH-1", location="N-A01-01", qty=args.n + 100, actor="setup")
            db.session.commit()
            engine = db.engine
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "clerk", "password": "password-123"}).json["token"]
        auth = {"Authorization": f"Bearer {token}"}
        body = {"code": "BENCH-1", "mode": "issue", "location": "N-A01-01", "qty": 1, "device": "bench"}

        def scan():
            r = client.post("/api/v1/scan", json=body, headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
            assert r.status_code == 200, r.json

        for _ in range(50):  # warm up: statement caches, the token's role cache
            scan()
        statements: list[str] = []
        listen = lambda conn, cursor, stmt, *a: statements.append(stmt)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        scan()
        event.remove(engine, "before_cursor_execute", listen)

        times = []
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            t = time.perf_counter()
            scan()
            times.append(time.perf_counter() - t)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        if schema:
            from sqlalchemy import create_engine

            with app.app_context():
                db.engine.dispose()
            with create_engine(args.url).begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        tmp.cleanup()

    times.sort()
    print(f"{args.n} scan issues on {url.split(':')[0]}: {args.n / total:.0f} scans/s, "
          f"median {statistics.median(times) * 1000:.2f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, "
          f"CPU {cpu / args.n * 1000:.2f} ms per scan (this process; steadier than wall time on a busy machine)")
    print(f"statements per scan: {len(statements)}, reading the part table: "
          f"{sum(bool(PART_READ.search(s)) for s in statements)}")
    for s in statements:
        print("   ", " ".join(s.split())[:150])


if __name__ == "__main__":
    main()
