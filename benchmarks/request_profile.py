"""Where one stock request's time goes, in process: the SQL it runs and a cProfile of N requests.

    .venv/bin/python benchmarks/request_profile.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_speed
    .venv/bin/python benchmarks/request_profile.py --op scan --n 2000 --top 30

The app is the real one (`create_app()`, every hook and extension), driven through the Flask test client with a
bearer token and a new Idempotency-Key per request, against a scratch schema (PostgreSQL) dropped afterwards.
First it prints the statements one request of each operation runs (what the floors in `scan_floor.py` run by hand),
then the profile of `--n` requests of `--op` sorted by cumulative time (and by own time with `--tottime`).
PROFILE_CPU=1 profiles CPU time (waits for the database left out); PROFILE_DUMP=path keeps the profile for pstats;
PROFILE_SQL_FULL=1 prints each statement whole (the floors copy them).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_speed"
OPS = {  # operation: (path, body)
    "receive": ("/api/v1/stock/receive", {"part_number": "B-000", "location": "N-A00-00", "qty": 1}),
    "issue": ("/api/v1/stock/issue", {"part_number": "B-000", "location": "N-A00-00", "qty": 1}),
    "transfer": ("/api/v1/stock/transfer", {"part_number": "B-000", "from_location": "N-A00-00",
                                            "to_location": "N-A00-01", "qty": 1}),
    "scan": ("/api/v1/scan", {"code": "B-000", "mode": "issue", "location": "N-A00-00", "qty": 1}),
}


def scratch_url(base: str) -> tuple[str, str]:
    schema = f"prof_{uuid.uuid4().hex[:8]}"
    with create_engine(base).begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}", schema


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT))
    ap.add_argument("--op", choices=sorted(OPS), default="issue")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--tottime", action="store_true", help="also sort by own time")
    args = ap.parse_args()

    from scan_load import PASSWORD, prepare  # the same data as the load benchmark: parts B-000… with stock in N-A00-00…

    url, schema = scratch_url(args.url)
    try:
        prepare(url)
        from service_app import create_app
        from service_app.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})
        client = app.test_client()
        tok = client.post("/api/v1/auth/token", json={"username": "bench", "password": PASSWORD}).json["token"]
        headers = {"Authorization": f"Bearer {tok}"}

        def call(op: str) -> None:
            path, body = OPS[op]
            r = client.post(path, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            assert r.status_code in (200, 201), (op, r.status_code, r.get_data(as_text=True))

        for op in OPS:
            call(op)  # warm: the virtual locations, prepared statements, the actor cache
        # The SQL log comes from an app of its own: a statement listener, even once removed, leaves the engine
        # marked as watched, and the hot path (warehouse.db.hot) then steps aside for the rest of its life.
        log_app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})
        log_client = log_app.test_client()
        with log_app.app_context():
            engine = db.engine

        def log_call(op: str) -> None:
            path, body = OPS[op]
            r = log_client.post(path, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            assert r.status_code in (200, 201), (op, r.status_code, r.get_data(as_text=True))

        for op in OPS:
            log_call(op)
        for op in OPS:
            seen: list[str] = []
            listener = lambda conn, cur, stmt, params, ctx, many: seen.append(" ".join(stmt.split()))  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            log_call(op)
            event.remove(engine, "before_cursor_execute", listener)
            print(f"\n== {op}: {len(seen)} statements (+ COMMIT)")
            for s in seen:
                print("  ", s if os.environ.get("PROFILE_SQL_FULL") else s[:300])

        for _ in range(200):
            call(args.op)
        # CPU per request without the profiler, the project and its floor (floor_app.py) through the same client.
        import floor_app

        os.environ["BARE_DSN"] = url.replace("postgresql+psycopg://", "postgresql://")
        floor = floor_app.create_app().test_client()
        path, body = OPS[args.op]

        def call_floor() -> None:
            r = floor.post(f"/floor/{args.op}", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
            assert r.status_code in (200, 201), r.get_data(as_text=True)

        for _ in range(200):
            call_floor()
        for name, fn in (("project", lambda: call(args.op)), ("floor", call_floor)) * 2:
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.n):
                fn()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"{name:8} {args.op}: {1000 * cpu / args.n:.2f} ms CPU, {1000 * wall / args.n:.2f} ms wall per "
                  f"request (load average {os.getloadavg()[0]:.1f})")
        prof = cProfile.Profile(time.process_time) if os.environ.get("PROFILE_CPU") else cProfile.Profile()
        t0, c0 = time.perf_counter(), time.process_time()
        prof.enable()
        for _ in range(args.n):
            call(args.op)
        prof.disable()
        if os.environ.get("PROFILE_DUMP"):
            prof.dump_stats(os.environ["PROFILE_DUMP"])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"\n== profile of {args.n} × {args.op} (load average {os.getloadavg()[0]:.1f}): "
              f"{1000 * wall / args.n:.2f} ms wall, {1000 * cpu / args.n:.2f} ms CPU per request (profiled)")
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        if args.tottime:
            stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        for a in (app, log_app):
            with a.app_context():
                db.engine.dispose()
    finally:
        with create_engine(args.url).begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
