"""Warranty lookup under load: 1,000,000 sold units of 200 models on PostgreSQL, `GET /api/v1/warranty/<serial>`
through HTTP (gunicorn, real sockets, bearer token of a technician), random serials.

1. 4 concurrent clients for `--seconds`: p50 / p99 (target p99 < 20 ms).
2. 32 concurrent clients on the app, then on a bare Flask endpoint (benchmarks/bare_lookup.py) doing the same
   indexed SELECT by hand, served by the same gunicorn settings in the same run: the app's throughput as a ratio
   of the bare one's.

Data is generated in SQL (INSERT … SELECT generate_series), in a database of its own (`warranty_bench`, created on
first use and kept: a second run reuses it; `--fresh` rebuilds it).

    .venv/bin/python benchmarks/warranty_bench.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/warranty_bench]
                                                  [--seconds 10] [--fresh]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scan_load import Conn, free_port  # noqa: E402  (the keep-alive HTTP client the scan benchmark uses)

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/warranty_bench"
UNITS = 1_000_000
MODELS = 200

GENERATE = [
    f"""INSERT INTO product_model (code, name, category)
        SELECT 'M-' || lpad(i::text, 3, '0'), '机型' || i, 'C' || (i % 10) FROM generate_series(0, {MODELS - 1}) i""",
    # two versions per model (the later one must not apply to units sold before it) and a part-category exception
    f"""INSERT INTO warranty_policy (model, category, months, usage_limit, covers_parts, covers_labour,
                                     effective_from, created_by, created_at)
        SELECT 'M-' || lpad(i::text, 3, '0'), NULL, 12 + (i % 3) * 12, CASE WHEN i % 2 = 0 THEN 100000 END,
               true, true, date '2015-01-01', 'bench', now() FROM generate_series(0, {MODELS - 1}) i
        UNION ALL
        SELECT 'M-' || lpad(i::text, 3, '0'), NULL, 36, NULL, true, true, date '2022-01-01', 'bench', now()
        FROM generate_series(0, {MODELS - 1}) i
        UNION ALL
        SELECT 'M-' || lpad(i::text, 3, '0'), 'compressor', 60, NULL, true, false, date '2015-01-01', 'bench', now()
        FROM generate_series(0, {MODELS - 1}) i""",
    f"""INSERT INTO unit (serial, model, sold_on, usage, created_at)
        SELECT 'SN' || lpad(i::text, 9, '0'), 'M-' || lpad((i % {MODELS})::text, 3, '0'),
               date '2018-01-01' + (i % 3000), i % 50000, now() FROM generate_series(1, {UNITS}) i""",
    # one unit in 50 bought an extension
    """INSERT INTO warranty_extension (unit_id, months, bought_on)
       SELECT id, 12, sold_on + 300 FROM unit WHERE id % 50 = 0""",
    "ANALYZE",
]


def ensure_database(url: str, fresh: bool) -> None:
    import psycopg

    base, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')


def prepare(url: str, fresh: bool) -> float:
    """Schema by the real migrations, a technician, and the units; returns the seconds the data took (0: reused)."""
    import psycopg

    ensure_database(url, fresh)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "service_app"]
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["create-user", "bench-tech", "--role", "technician", "--password", "bench-password"],
                   cwd=ROOT, env=env, capture_output=True)  # exists on a reused database: fine
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as c:
        if c.execute("SELECT count(*) FROM unit").fetchone()[0] >= UNITS:
            return 0.0
        t = time.perf_counter()
        for stmt in GENERATE:
            c.execute(stmt)
        return time.perf_counter() - t


class Gunicorn:
    """gunicorn as production runs it (2 workers, gthread, 4 threads: scan_load.py's settings)."""

    def __init__(self, app: str, env: dict, cwd: Path, workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.cmd = [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
                    "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", app]
        self.proc = subprocess.Popen(self.cmd, cwd=cwd, env={**os.environ, **env}, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{app} did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


async def drive(port: int, path_of, headers: dict, clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds

    async def client(i: int):
        conn, rnd = Conn(port), random.Random(i)
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            status, _ = await conn.request("GET", path_of(rnd.randint(1, UNITS)), None, headers)
            lat.append(time.perf_counter() - t)
            if status != 200:
                errors[status] = errors.get(status, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - t0
    lat.sort()
    return {"clients": clients, "requests": len(lat), "rps": len(lat) / elapsed, "errors": errors,
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))]}


async def token(port: int) -> str:
    status, body = await Conn(port).request("POST", "/api/v1/auth/token",
                                            {"username": "bench-tech", "password": "bench-password"}, {})
    assert status == 200, body
    return body["token"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=PG_DEFAULT)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database")
    args = ap.parse_args()
    print("command:", " ".join([".venv/bin/python", "benchmarks/warranty_bench.py"] + sys.argv[1:]))
    took = prepare(args.pg, args.fresh)
    print(f"data: {UNITS:,} units, {MODELS} models" + (f", generated in {took:.1f} s" if took else " (reused)"))
    app = Gunicorn("service_app:create_app()", {"DATABASE_URL": args.pg, "SECRET_KEY": "bench-secret"}, ROOT)
    bare = Gunicorn("bare_lookup:create_app()",
                    {"BARE_DSN": args.pg.replace("postgresql+psycopg://", "postgresql://")}, ROOT / "benchmarks")
    try:
        tok = asyncio.run(token(app.port))
        headers = {"Authorization": f"Bearer {tok}"}
        app_path = lambda n: f"/api/v1/warranty/SN{n:09d}"  # noqa: E731
        bare_path = lambda n: f"/bare/SN{n:09d}"  # noqa: E731
        asyncio.run(drive(app.port, app_path, headers, 4, 2))  # warm-up: connections, prepared statements, caches
        asyncio.run(drive(bare.port, bare_path, {}, 4, 2))
        four = asyncio.run(drive(app.port, app_path, headers, 4, args.seconds))
        app32 = asyncio.run(drive(app.port, app_path, headers, 32, args.seconds))
        bare32 = asyncio.run(drive(bare.port, bare_path, {}, 32, args.seconds))
        bare4 = asyncio.run(drive(bare.port, bare_path, {}, 4, args.seconds))
    finally:
        app.stop()
        bare.stop()
    print(f"server: {' '.join(app.cmd)}")
    print(f"{'what':<34}{'clients':>8}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  errors")
    for name, r in (("app GET /api/v1/warranty/<serial>", four), ("bare SELECT", bare4),
                    ("app GET /api/v1/warranty/<serial>", app32), ("bare SELECT", bare32)):
        print(f"{name:<34}{r['clients']:>8}{r['requests']:>10}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}"
              f"{r['p99_ms']:>9.1f}  {r['errors'] or '-'}")
    print(f"p99 at 4 clients: {four['p99_ms']:.1f} ms (target < 20 ms: {'met' if four['p99_ms'] < 20 else 'MISSED'})")
    print(f"throughput at 32 clients, app / bare: {app32['rps'] / bare32['rps']:.2f}")


if __name__ == "__main__":
    main()
