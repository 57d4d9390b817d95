"""The floor for scan_floor.py: bare Flask endpoints that run by hand exactly the statements the project's stock
requests run (read from the SQL log, `benchmarks/request_profile.py` prints it), on one psycopg connection and its
one cursor per process, with nothing around them: no auth, no schema, no ORM, no checks beyond what the SQL itself
refuses.

    BARE_DSN=postgresql://postgres@127.0.0.1:5432/bench_speed?options=-csearch_path%3D… \
        gunicorn -w 2 --chdir benchmarks 'floor_app:create_app()'

- `POST /bare`: a JSON body in, a small JSON answer out (no database): Flask and gunicorn alone;
- `POST /floor/issue`, `/floor/scan`, `/floor/transfer`, `/floor/receive`: one floor per operation. The request
  body is the project's (`part_number`/`code`, `location`, …, `qty`), the answer the same fields.

Each floor: idempotency look-up (a hit replays the stored answer), the part and bin look-up, the conditional balance
UPDATE (a refusal answers 409), the valuation UPDATE at moving-average cost (issue, scan) or upsert (receive), the
move INSERT, the idempotency record INSERT, COMMIT — statement for statement what `POST /api/v1/stock/…` runs.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import datetime, timezone

import psycopg
from flask import Flask, jsonify, request

IDEM_GET = ("SELECT idempotency_record.key, idempotency_record.request_hash, idempotency_record.status, "
            "idempotency_record.body, idempotency_record.created_at FROM idempotency_record "
            "WHERE idempotency_record.key = %(k)s::VARCHAR")
IDEM_PUT = ("INSERT INTO idempotency_record (key, request_hash, status, body, created_at) VALUES (%(key)s::VARCHAR, "
            "%(h)s::VARCHAR, %(s)s::INTEGER, %(b)s::VARCHAR, %(t)s::TIMESTAMP WITH TIME ZONE)")
PART_AND_BIN = ("SELECT part.id, part.part_number, part.name, part.standard_cost, location.id AS id_1, location.code, "
                "location.kind, location.store FROM part JOIN location ON true WHERE part.part_number = "
                "%(pn)s::VARCHAR AND part.active IS true AND location.code = %(code)s::VARCHAR AND location.active "
                "IS true")
PART = ("SELECT part.id, part.part_number, part.name, part.standard_cost FROM part WHERE part.part_number = "
        "%(pn)s::VARCHAR AND part.active IS true")
PART_SCAN = ("SELECT part.id, part.part_number, part.name, part.standard_cost, part.name_en, part.unit, part.active "
             "FROM part WHERE part.part_number = %(pn)s::VARCHAR AND part.active IS true")
LOC = ("SELECT location.id, location.code, location.kind, location.store FROM location WHERE location.code = "
       "%(code)s::VARCHAR AND location.active IS true")
TAKE = ("UPDATE balance SET qty=(balance.qty - %(n)s::INTEGER), updated_at=%(t)s::TIMESTAMP WITH TIME ZONE "
        "WHERE balance.part_id = %(p)s::INTEGER AND balance.location_id = %(l)s::INTEGER AND balance.qty >= "
        "%(n)s::INTEGER RETURNING balance.qty")
PUT = ("INSERT INTO balance (part_id, location_id, qty, card_qty, updated_at) VALUES (%(p)s::INTEGER, %(l)s::INTEGER, "
       "%(n)s::INTEGER, 0, %(t)s::TIMESTAMP WITH TIME ZONE) ON CONFLICT (part_id, location_id) DO UPDATE SET "
       "qty = (balance.qty + excluded.qty), updated_at = excluded.updated_at RETURNING balance.qty")
# The moving-average cost in whole ten-thousandths, rounded half away from zero (warehouse/ledger/cost.py).
_AVG = ("(CASE WHEN (CAST(round(valuation.value * 10000) AS BIGINT) < 0) THEN -((2 * abs(CAST(round(valuation.value "
        "* 10000) AS BIGINT)) + valuation.qty) / (2 * valuation.qty)) ELSE (2 * abs(CAST(round(valuation.value * "
        "10000) AS BIGINT)) + valuation.qty) / (2 * valuation.qty) END / 10000.0)")
VALUE_OUT = (f"UPDATE valuation SET qty=(valuation.qty - %(n)s::INTEGER), value=CASE WHEN (valuation.qty = "
             f"%(n)s::INTEGER) THEN 0 ELSE (CAST(round(valuation.value * 10000) AS BIGINT) - "
             f"CAST(round({_AVG} * 10000) AS BIGINT) * %(n)s::BIGINT) / 10000.0 END, last_cost={_AVG} "
             f"WHERE valuation.part_id = %(p)s::INTEGER AND valuation.store = %(s)s::VARCHAR AND valuation.qty >= "
             f"%(n)s::INTEGER RETURNING valuation.last_cost")
VALUE_IN = ("INSERT INTO valuation (part_id, store, qty, value, last_cost) VALUES (%(p)s::INTEGER, %(s)s::VARCHAR, "
            "%(n)s::INTEGER, %(v)s, %(c)s) ON CONFLICT (part_id, store) DO UPDATE SET qty = (valuation.qty + "
            "excluded.qty), value = ((CAST(round(valuation.value * 10000) AS BIGINT) + CAST(round(excluded.value * "
            "10000) AS BIGINT)) / 10000.0), last_cost = excluded.last_cost")
MOVE = ("INSERT INTO move (part_id, qty, from_location_id, to_location_id, unit_cost, doc_type, doc_no, actor, device, "
        "created_at, idempotency_key, reverses_id, note, lot) VALUES (%(part_id)s::INTEGER, %(qty)s::INTEGER, "
        "%(src)s::INTEGER, %(dst)s::INTEGER, %(cost)s, %(doc_type)s::VARCHAR, %(doc_no)s::VARCHAR, "
        "%(actor)s::VARCHAR, NULL::VARCHAR, %(t)s::TIMESTAMP WITH TIME ZONE, %(key)s::VARCHAR, NULL::BIGINT, "
        "NULL::VARCHAR, NULL::VARCHAR) RETURNING move.id")
SEQ_NEXT = ("INSERT INTO doc_sequence (prefix, last) VALUES (%(prefix)s::VARCHAR, 1) ON CONFLICT (prefix) DO UPDATE "
            "SET last = (doc_sequence.last + 1) RETURNING doc_sequence.last")
DOCUMENT = ("INSERT INTO document (doc_no, doc_type, store, counterparty, reference, note, created_by, created_at) "
            "VALUES (%(doc_no)s::VARCHAR, 'receipt', 'NEW', NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, "
            "%(actor)s::VARCHAR, %(t)s::TIMESTAMP WITH TIME ZONE) RETURNING document.id")
COUNTERPARTY = "SELECT id FROM location WHERE code = %(code)s"


class Refused(Exception):
    def __init__(self, status: int, code: str):
        self.status, self.code = status, code


def create_app() -> Flask:
    app = Flask(__name__)
    local = threading.local()
    dsn = os.environ["BARE_DSN"]
    counterparties: dict[str, int] = {}

    def cursor() -> psycopg.Cursor:
        """The connection's one cursor, kept for every statement (as the project's hot path keeps it)."""
        if getattr(local, "cur", None) is None:
            local.cur = psycopg.connect(dsn).cursor()
            local.seq = psycopg.connect(dsn, autocommit=True)  # the receipt counter in autocommit, as in the project
        return local.cur

    def counterparty(c, code: str) -> int:
        if code not in counterparties:  # the project keeps these ids per process too
            counterparties[code] = c.execute(COUNTERPARTY, {"code": code}).fetchone()[0]
            c.connection.commit()
        return counterparties[code]

    def run(op, status=201):
        """The idempotency frame around one operation: look-up, the statements, the record, COMMIT."""
        body = request.get_data()
        data = json.loads(body)
        key = "1:" + request.headers["Idempotency-Key"]
        fingerprint = hashlib.sha256(b"POST " + request.path.encode() + b"\n" + body).hexdigest()
        c = cursor()
        try:
            hit = c.execute(IDEM_GET, {"k": key}).fetchone()
            if hit is not None:
                c.connection.rollback()
                return app.response_class(hit[3], status=hit[2], mimetype="application/json")
            now = datetime.now(timezone.utc)
            answer = op(c, data, key, now)
            c.execute(IDEM_PUT, {"key": key, "h": fingerprint, "s": status, "b": json.dumps(answer), "t": now})
            c.connection.commit()
        except Refused as exc:
            c.connection.rollback()
            return jsonify({"error": {"code": exc.code}}), exc.status
        except BaseException:
            c.connection.rollback()
            raise
        return jsonify(answer), status

    def take_out(c, part, loc, qty, now, doc_type, key, doc_no=None):
        dst = counterparty(c, "@CUSTOMER")
        have = c.execute(TAKE, {"p": part[0], "l": loc[0], "n": qty, "t": now}).fetchone()
        if have is None:
            raise Refused(409, "insufficient_stock")
        cost = c.execute(VALUE_OUT, {"p": part[0], "s": loc[3], "n": qty}).fetchone()[0]
        move_id = c.execute(MOVE, {"part_id": part[0], "qty": qty, "src": loc[0], "dst": dst, "cost": cost,
                                   "doc_type": doc_type, "doc_no": doc_no, "actor": "bench", "t": now,
                                   "key": key}).fetchone()[0]
        return {"move_id": move_id, "part_number": part[1], "location": loc[1], "qty": qty, "qty_on_hand": have[0],
                "unit_cost": f"{cost:.4f}", "doc_no": doc_no}

    def issue(c, data, key, now):
        row = c.execute(PART_AND_BIN, {"pn": data["part_number"], "code": data["location"]}).fetchone()
        if row is None:
            raise Refused(404, "unknown_part")
        return take_out(c, row[:4], row[4:], data["qty"], now, "issue", key)

    def scan(c, data, key, now):
        part = c.execute(PART_SCAN, {"pn": data["code"]}).fetchone()
        loc = c.execute(LOC, {"code": data["location"]}).fetchone()
        if part is None or loc is None:
            raise Refused(404, "unknown")
        answer = take_out(c, part, loc, data["qty"], now, "issue", key)
        return {"kind": "part", "name": part[2], "name_en": part[4], "mode": "issue", **answer}

    def transfer(c, data, key, now):
        part = c.execute(PART, {"pn": data["part_number"]}).fetchone()
        src = c.execute(LOC, {"code": data["from_location"]}).fetchone()
        dst = c.execute(LOC, {"code": data["to_location"]}).fetchone()
        if part is None or src is None or dst is None:
            raise Refused(404, "unknown")
        qty, have = data["qty"], {}
        for loc, sign in sorted(((src, -1), (dst, +1)), key=lambda p: p[0][0]):  # location-id order, as the ledger
            row = c.execute(TAKE if sign < 0 else PUT, {"p": part[0], "l": loc[0], "n": qty, "t": now}).fetchone()
            if row is None:
                raise Refused(409, "insufficient_stock")
            have[loc[0]] = row[0]
        move_id = c.execute(MOVE, {"part_id": part[0], "qty": qty, "src": src[0], "dst": dst[0], "cost": part[3],
                                   "doc_type": "transfer", "doc_no": None, "actor": "bench", "t": now,
                                   "key": key}).fetchone()[0]
        return {"move_id": move_id, "part_number": part[1], "location": dst[1], "qty": qty,
                "qty_on_hand": have[dst[0]], "unit_cost": f"{part[3]:.4f}", "doc_no": None}

    def receive(c, data, key, now):
        row = c.execute(PART_AND_BIN, {"pn": data["part_number"], "code": data["location"]}).fetchone()
        if row is None:
            raise Refused(404, "unknown_part")
        part, loc, qty = row[:4], row[4:], data["qty"]
        prefix = f"RN-{now:%Y%m%d}"
        seq = local.seq
        n = seq.execute(SEQ_NEXT, {"prefix": prefix}).fetchone()[0]
        doc_no = f"{prefix}-{n:04d}"
        c.execute(DOCUMENT, {"doc_no": doc_no, "actor": "bench", "t": now})
        src = counterparty(c, "@SUPPLIER")
        have = c.execute(PUT, {"p": part[0], "l": loc[0], "n": qty, "t": now}).fetchone()[0]
        cost = part[3]
        c.execute(VALUE_IN, {"p": part[0], "s": "NEW", "n": qty, "v": cost * qty, "c": cost})
        move_id = c.execute(MOVE, {"part_id": part[0], "qty": qty, "src": src, "dst": loc[0], "cost": cost,
                                   "doc_type": "receipt", "doc_no": doc_no, "actor": "bench", "t": now,
                                   "key": key}).fetchone()[0]
        return {"move_id": move_id, "part_number": part[1], "location": loc[1], "qty": qty, "qty_on_hand": have,
                "unit_cost": f"{cost:.4f}", "doc_no": doc_no}

    @app.post("/bare")
    def bare():
        data = json.loads(request.get_data())
        return jsonify({"ok": True, "qty": data.get("qty")}), 201

    for name, op, status in (("issue", issue, 201), ("scan", scan, 200), ("transfer", transfer, 201),
                             ("receive", receive, 201)):  # the project's statuses: a scan step answers 200
        app.add_url_rule(f"/floor/{name}", f"floor_{name}", (lambda op, st: lambda: run(op, st))(op, status),
                         methods=["POST"])
    return app
