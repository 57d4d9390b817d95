"""Scan load: the app under gunicorn (2 workers) on SQLite and PostgreSQL, driven by 1, 8 and 32 concurrent
clients posting receive/issue calls for a fixed time; then the final balances are checked against what the clients
saw committed, and the "last 1,000 units" race is run.

    .venv/bin/python benchmarks/scan_load.py                      # both databases, 1/8/32 clients, 10 s each
    .venv/bin/python benchmarks/scan_load.py --db sqlite --clients 8 --seconds 3

PostgreSQL comes from TEST_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test); the benchmark
works in a scratch schema it drops afterwards. Prints requests/s, committed moves/s, p50 and p99 per run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PARTS = 16
STOCK = 1_000_000
PASSWORD = "Lade-Rampe-4711"  # the password policy refuses one that contains the user name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a minimal keep-alive HTTP/1.1 client: the load generator must cost far less CPU than the server ---------------
class Conn:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict | None, headers: dict) -> tuple[int, dict]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(data)}",
                "Content-Type: application/json"] + [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
            elif k.lower() == "connection" and v.strip().lower() == "close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.writer = None
        return status, (json.loads(payload) if payload else {})


class Server:
    """gunicorn with 2 workers (gthread), the contract's production command."""

    def __init__(self, db_url: str, workers: int = 2, threads: int = 4, worker_class: str = "gthread",
                 root: Path = ROOT):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "bench-secret"}
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-k", worker_class, "--threads", str(threads),
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "service_app:create_app()"],
            cwd=root, env=env, start_new_session=True)  # `root`: another checkout of the app (a comparison)
        self._wait()

    def _wait(self):
        deadline = time.time() + 120  # a loaded machine takes a while to import the app
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def prepare(db_url: str, parts: int = PARTS) -> None:
    """Schema by the real migrations, a user, `parts` parts with stock in their own bins."""
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "bench-secret"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "service_app"]
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["create-user", "bench", "--role", "manager", "--password", PASSWORD],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    from sqlalchemy.orm import Session

    from warehouse.catalog.services import create_part
    from warehouse.db import make_engine
    from warehouse.ledger.services import receive
    from warehouse.locations.services import create_bin

    eng = make_engine(db_url)
    with Session(eng) as s:
        for i in range(parts):
            create_part(s, part_number=f"B-{i:03d}", name=f"压测零件{i}", standard_cost="10.00")
            create_bin(s, code=f"N-A{i // 10:02d}-{i % 10:02d}", store="NEW")
            receive(s, part_number=f"B-{i:03d}", location=f"N-A{i // 10:02d}-{i % 10:02d}", qty=STOCK, actor="bench")
        create_part(s, part_number="LAST-1000", name="最后一千件", standard_cost="1.00")
        create_bin(s, code="N-Z01-01", store="NEW")
        receive(s, part_number="LAST-1000", location="N-Z01-01", qty=1000, actor="bench")
        s.commit()
    eng.dispose()


def final_state(db_url: str) -> dict:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from warehouse.catalog.models import Part
    from warehouse.db import make_engine
    from warehouse.ledger.models import Balance, Move
    from warehouse.ledger.queries import check_ledger

    eng = make_engine(db_url)
    with Session(eng) as s:
        bal = {pn: int(q) for pn, q in s.execute(
            select(Part.part_number, func.sum(Balance.qty)).join(Balance, Balance.part_id == Part.id)
            .group_by(Part.part_number))}
        moves = {t: n for t, n in s.execute(select(Move.doc_type, func.count()).group_by(Move.doc_type))}
        bad = check_ledger(s)
    eng.dispose()
    return {"balances": bal, "moves": moves, "ledger_errors": len(bad)}


async def token(port: int) -> str:
    status, body = await Conn(port).request("POST", "/api/v1/auth/token",
                                            {"username": "bench", "password": PASSWORD}, {})
    assert status == 200, body
    return body["token"]


async def drive(port: int, tok: str, clients: int, seconds: float, receive_every: int = 4) -> dict:
    """Each client alternates receive and issue (by default 3 issues : 1 receive) on its part, as a clerk's scans
    would; receive_every=0 issues only."""
    headers = {"Authorization": f"Bearer {tok}"}
    lat: list[float] = []
    done = {"receive": {}, "issue": {}}
    errors: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds

    async def client(i: int):
        conn, n = Conn(port), 0
        pn, loc = f"B-{i % PARTS:03d}", f"N-A{(i % PARTS) // 10:02d}-{(i % PARTS) % 10:02d}"
        while time.perf_counter() < stop_at:
            kind = "receive" if receive_every and n % receive_every == receive_every - 1 else "issue"
            t = time.perf_counter()
            status, _ = await conn.request("POST", f"/api/v1/stock/{kind}",
                                           {"part_number": pn, "location": loc, "qty": 1}, headers)
            lat.append(time.perf_counter() - t)
            if status == 201:
                done[kind][pn] = done[kind].get(pn, 0) + 1
            else:
                errors[status] = errors.get(status, 0) + 1
            n += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - t0
    lat.sort()
    return {"clients": clients, "seconds": elapsed, "requests": len(lat), "errors": errors, "done": done,
            "rps": len(lat) / elapsed,
            "issues_per_s": sum(done["issue"].values()) / elapsed,
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))]}


async def last_units(port: int, tok: str, clients: int = 32) -> dict:
    """32 clients issue the last 1,000 units of one part until refused: exactly 1,000 must succeed."""
    headers = {"Authorization": f"Bearer {tok}"}
    ok = refused = other = 0

    async def client():
        nonlocal ok, refused, other
        conn = Conn(port)
        while True:
            status, body = await conn.request("POST", "/api/v1/stock/issue",
                                              {"part_number": "LAST-1000", "location": "N-Z01-01", "qty": 1}, headers)
            if status == 201:
                ok += 1
            elif status == 409 and body["error"]["code"] == "insufficient_stock":
                refused += 1
                return
            else:
                other += 1
                return

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return {"issued": ok, "refused": refused, "other": other, "seconds": time.perf_counter() - t0}


def run_db(name: str, db_url: str, clients_list: list[int], seconds: float, worker_class: str = "gthread",
           threads: int = 4, receive_every: int = 4) -> list[dict]:
    prepare(db_url)
    server = Server(db_url, worker_class=worker_class, threads=threads)
    rows = []
    try:
        tok = asyncio.run(token(server.port))
        asyncio.run(drive(server.port, tok, 4, 1.0))  # warm-up: connections, prepared statements
        before = final_state(db_url)
        sent = {"receive": {}, "issue": {}}
        for c in clients_list:
            r = asyncio.run(drive(server.port, tok, c, seconds, receive_every))
            for kind in sent:
                for pn, n in r["done"][kind].items():
                    sent[kind][pn] = sent[kind].get(pn, 0) + n
            r["db"] = name
            rows.append(r)
            print(f"{name:10} clients={c:3d}  {r['rps']:7.0f} req/s  {r['issues_per_s']:7.0f} issues/s  "
                  f"p50={r['p50_ms']:6.1f} ms  p99={r['p99_ms']:6.1f} ms  errors={r['errors']}", flush=True)
        race = asyncio.run(last_units(server.port, tok))
    finally:
        server.stop()
    after = final_state(db_url)
    # Every committed answer the clients saw must be in the ledger, and nothing else.
    mismatches = []
    for i in range(PARTS):
        pn = f"B-{i:03d}"
        expected = before["balances"][pn] + sent["receive"].get(pn, 0) - sent["issue"].get(pn, 0)
        if after["balances"].get(pn) != expected:
            mismatches.append((pn, after["balances"].get(pn), expected))
    lost_or_dup = (after["moves"].get("issue", 0) - before["moves"].get("issue", 0)
                   - sum(sent["issue"].values()) - race["issued"])
    print(f"{name:10} last-1000 race: issued={race['issued']} refused={race['refused']} other={race['other']}  "
          f"final LAST-1000 balance={after['balances'].get('LAST-1000')}", flush=True)
    print(f"{name:10} check: balance mismatches={len(mismatches)} lost/duplicated issue moves={lost_or_dup} "
          f"ledger errors={after['ledger_errors']}", flush=True)
    ok = (not mismatches and lost_or_dup == 0 and after["ledger_errors"] == 0 and race["issued"] == 1000
          and after["balances"].get("LAST-1000") == 0)
    for r in rows:
        r["verified"] = ok
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--receive-every", type=int, default=4, help="every Nth call is a receive (0: issues only)")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    print(f"# scan_load: {' '.join(sys.argv)}  ({os.cpu_count()} cores, gunicorn -w 2 -k {args.worker_class} "
          f"--threads {args.threads})")
    results, ok = [], True
    if args.db in ("sqlite", "both"):
        tmp = Path(tempfile.mkdtemp(prefix="scanload-"))
        try:
            rows = run_db("sqlite", f"sqlite:///{tmp / 'bench.db'}", clients, args.seconds, args.worker_class,
                          args.threads, args.receive_every)
            results += rows
            ok &= all(r["verified"] for r in rows)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.db in ("postgres", "both"):
        from sqlalchemy import create_engine, text

        base = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            rows = run_db("postgres", f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}",
                          clients, args.seconds, args.worker_class, args.threads, args.receive_every)
            results += rows
            ok &= all(r["verified"] for r in rows)
        finally:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print("verified: every committed answer is in the ledger, nothing more" if ok else "VERIFICATION FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
