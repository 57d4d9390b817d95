"""The floor for scan_floor.py: bare Flask endpoints that run by hand exactly the statements the project's stock
requests run (read from the SQL log, `benchmarks/request_profile.py` prints it), on one psycopg connection and its
one cursor per process, with nothing around them: no auth, no schema, no ORM, no checks beyond what the SQL itself
refuses.

    BARE_DSN=postgresql://postgres@127.0.0.1:5432/bench_speed?options=-csearch_path%3D… \
        gunicorn -w 2 --chdir benchmarks 'floor_app:create_app()'

- `POST /bare`: a JSON body in, a small JSON answer out (no database): Flask and gunicorn alone;
- `POST /floor/issue`, `/floor/scan`, `/floor/transfer`, `/floor/receive`: one floor per operation. The request
  body is the project's (`part_number`/`code`, `location`, …, `qty`), the answer the same fields.

Each floor: the part and bin look-up, one statement for the move (the conditional balance UPDATE — a refusal
answers 409 —, the valuation at moving-average cost (issue, scan) or its upsert (receive), the move INSERT and
a receipt's note and its number, as the project's data-modifying CTEs), the idempotency record INSERT, COMMIT —
statement for statement what `POST /api/v1/stock/…` runs on PostgreSQL. As there, the key is looked up only when a
request fails (a refusal, or a retry's unique key): a stored answer is replayed.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import datetime, timezone

import psycopg
from flask import Flask, jsonify, request

IDEM_GET = ("SELECT idempotency_record.request_hash, idempotency_record.status, idempotency_record.body FROM "
            "idempotency_record WHERE idempotency_record.key = %(k)s::VARCHAR")
IDEM_PUT = ("INSERT INTO idempotency_record (key, request_hash, status, body, created_at) VALUES (%(key)s::VARCHAR, "
            "%(h)s::VARCHAR, %(s)s::INTEGER, %(b)s::VARCHAR, %(t)s::TIMESTAMP WITH TIME ZONE)")
PART_AND_BIN = ("SELECT part.id, part.part_number, part.name, part.standard_cost, location.id AS id_1, location.code, "
                "location.kind, location.store FROM part JOIN location ON true WHERE part.part_number = "
                "%(pn)s::VARCHAR AND part.active IS true AND location.code = %(code)s::VARCHAR AND location.active "
                "IS true")
PART_AND_BINS = ("SELECT part.id, part.part_number, part.name, part.standard_cost, location.id AS id_1, "
                 "location.code, location.kind, location.store, to_location.id AS id_2, to_location.code AS code_1, "
                 "to_location.kind AS kind_1, to_location.store AS store_1 FROM part JOIN location ON true JOIN "
                 "location AS to_location ON true WHERE part.part_number = %(pn)s::VARCHAR AND part.active IS true "
                 "AND location.code = %(code)s::VARCHAR AND location.active IS true AND to_location.code = "
                 "%(to)s::VARCHAR AND to_location.active IS true")
PART_SCAN = ("SELECT part.id, part.part_number, part.name, part.standard_cost, part.name_en, part.unit, part.active, "
             "b0.id AS id_1, b0.code, b0.kind, b0.store FROM part LEFT OUTER JOIN location AS b0 ON b0.code = "
             "%(b0)s::VARCHAR AND b0.active IS true WHERE part.part_number = %(code)s::VARCHAR AND part.active IS true")
# The moving-average cost in whole ten-thousandths, rounded half away from zero (warehouse/ledger/cost.py).
_AVG = ("(CASE WHEN (CAST(round(valuation.value * 10000) AS BIGINT) < 0) THEN -((2 * abs(CAST(round(valuation.value "
        "* 10000) AS BIGINT)) + valuation.qty) / (2 * valuation.qty)) ELSE (2 * abs(CAST(round(valuation.value * "
        "10000) AS BIGINT)) + valuation.qty) / (2 * valuation.qty) END / 10000.0)")
VALUE_OUT = (f"UPDATE valuation SET qty=(valuation.qty - %(n)s::INTEGER), value=CASE WHEN (valuation.qty = "
             f"%(n)s::INTEGER) THEN 0 ELSE (CAST(round(valuation.value * 10000) AS BIGINT) - "
             f"CAST(round({_AVG} * 10000) AS BIGINT) * %(n)s::BIGINT) / 10000.0 END, last_cost={_AVG} "
             f"WHERE valuation.part_id = %(p)s::INTEGER AND valuation.store = %(s)s::VARCHAR AND valuation.qty >= "
             f"%(n)s::INTEGER RETURNING valuation.last_cost")
COUNTERPARTY = "SELECT id FROM location WHERE code = %(code)s"

# On PostgreSQL the project posts a move in one statement (warehouse.ledger.services._post_at_once): the balance
# legs in location-id order, the valuation and the move as data-modifying CTEs, each reading the one before it.
_AFTER = "EXISTS (SELECT 1 FROM {})"
_TAKE_LEG = ("UPDATE balance SET qty=(balance.qty - %(n)s::INTEGER), updated_at=%(t)s::TIMESTAMP WITH TIME ZONE "
             "WHERE balance.part_id = %(p)s::INTEGER AND balance.location_id = %({l})s::INTEGER AND balance.qty >= "
             "%(n)s::INTEGER{after} RETURNING balance.qty")
_PUT_LEG = ("INSERT INTO balance (part_id, location_id, qty, card_qty, updated_at) SELECT %(p)s::INTEGER, "
            "%({l})s::INTEGER, %(n)s::INTEGER, 0, %(t)s::TIMESTAMP WITH TIME ZONE{after} ON CONFLICT (part_id, "
            "location_id) DO UPDATE SET qty = (balance.qty + excluded.qty), updated_at = excluded.updated_at "
            "RETURNING balance.qty")
_MOVE_LEG = ("INSERT INTO move (part_id, qty, unit_cost, from_location_id, to_location_id, doc_type, doc_no, actor, "
             "device, created_at, idempotency_key, reverses_id, note, lot) SELECT %(p)s::INTEGER, %(n)s::INTEGER, "
             "{cost}, %(src)s::INTEGER, %(dst)s::INTEGER, %(doc_type)s::VARCHAR, %(doc_no)s::VARCHAR, "
             "%(actor)s::VARCHAR, NULL::VARCHAR, %(at)s::TIMESTAMP WITH TIME ZONE, %(key)s::VARCHAR, NULL::BIGINT, "
             "NULL::VARCHAR, NULL::VARCHAR {source} RETURNING move.id")
ISSUE_AT_ONCE = (
    "WITH leg0 AS (" + _TAKE_LEG.format(l="l0", after="") + "), "
    "value_out AS (" + VALUE_OUT.replace(" RETURNING", " AND EXISTS (SELECT 1 FROM leg0) RETURNING") + "), "
    "move AS (" + _MOVE_LEG.format(cost="value_out.last_cost", source="FROM value_out") + ") "
    "SELECT (SELECT qty FROM leg0), (SELECT last_cost FROM value_out), (SELECT id FROM move)")
TRANSFER_AT_ONCE = {  # by which end has the lower location id: the source (take first) or the destination
    first: "WITH leg0 AS (" + (_TAKE_LEG if first == "take" else _PUT_LEG).format(l="l0", after="") + "), "
    "leg1 AS (" + (_PUT_LEG.format(l="l1", after=" WHERE " + _AFTER.format("leg0")) if first == "take" else
                   _TAKE_LEG.format(l="l1", after=" AND " + _AFTER.format("leg0"))) + "), "
    "move AS (" + _MOVE_LEG.format(cost="%(c)s", source="WHERE " + _AFTER.format("leg1")) + ") "
    "SELECT (SELECT qty FROM leg0), (SELECT qty FROM leg1), (SELECT id FROM move)"
    for first in ("take", "put")}
# The receipt's note is numbered (the day's counter, as `{n:04d}`) and inserted by the same statement, the move
# carrying its number (documents.services.numbered_insert).
_NUMBER = "CAST(doc_sequence.last AS VARCHAR)"
RECEIVE_AT_ONCE = (
    "WITH seq AS (INSERT INTO doc_sequence (prefix, last) VALUES (%(prefix)s::VARCHAR, 1) ON CONFLICT (prefix) DO "
    f"UPDATE SET last = (doc_sequence.last + 1) RETURNING %(prefix)s::VARCHAR || '-' || lpad({_NUMBER}, "
    f"greatest(4, length({_NUMBER})), '0') AS doc_no), "
    "doc AS (INSERT INTO document (doc_no, doc_type, store, counterparty, reference, note, created_by, created_at) "
    "SELECT seq.doc_no, 'receipt', 'NEW', NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, %(actor)s::VARCHAR, "
    "%(t)s::TIMESTAMP WITH TIME ZONE FROM seq), "
    "leg0 AS (" + _PUT_LEG.format(l="l0", after="") + "), "
    "value_in AS (INSERT INTO valuation (part_id, store, qty, value, last_cost) SELECT %(p)s::INTEGER, "
    "%(s)s::VARCHAR, %(n)s::INTEGER, %(v)s, %(c)s WHERE EXISTS (SELECT 1 FROM leg0) ON CONFLICT (part_id, store) DO "
    "UPDATE SET qty = (valuation.qty + excluded.qty), value = ((CAST(round(valuation.value * 10000) AS BIGINT) + "
    "CAST(round(excluded.value * 10000) AS BIGINT)) / 10000.0), last_cost = excluded.last_cost RETURNING "
    "valuation.qty), "
    "move AS (" + _MOVE_LEG.format(cost="%(c)s", source="WHERE " + _AFTER.format("value_in"))
    .replace("%(doc_no)s::VARCHAR", "(SELECT seq.doc_no FROM seq)") + ") "
    "SELECT (SELECT qty FROM leg0), (SELECT qty FROM value_in), (SELECT id FROM move), (SELECT doc_no FROM seq)")


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
            now = datetime.now(timezone.utc)
            answer = op(c, data, key, now)
            c.execute(IDEM_PUT, {"key": key, "h": fingerprint, "s": status, "b": json.dumps(answer), "t": now})
            c.connection.commit()
        except (Refused, psycopg.errors.UniqueViolation) as exc:
            c.connection.rollback()  # a retry (its key's move or record is there) or a refusal: the record answers
            hit = c.execute(IDEM_GET, {"k": key}).fetchone()
            c.connection.rollback()
            if hit is not None:
                if hit[0] != fingerprint:
                    return jsonify({"error": {"code": "conflict"}}), 409
                return app.response_class(hit[2], status=hit[1], mimetype="application/json")
            if isinstance(exc, Refused):
                return jsonify({"error": {"code": exc.code}}), exc.status
            raise
        except BaseException:
            c.connection.rollback()
            raise
        return jsonify(answer), status

    def take_out(c, part, loc, qty, now, doc_type, key, doc_no=None):
        dst = counterparty(c, "@CUSTOMER")
        have, cost, move_id = c.execute(ISSUE_AT_ONCE, {
            "p": part[0], "l0": loc[0], "n": qty, "t": now, "at": now, "s": loc[3], "src": loc[0], "dst": dst,
            "doc_type": doc_type, "doc_no": doc_no, "actor": "bench", "key": key}).fetchone()
        if have is None:
            raise Refused(409, "insufficient_stock")
        return {"move_id": move_id, "part_number": part[1], "location": loc[1], "qty": qty, "qty_on_hand": have,
                "unit_cost": f"{cost:.4f}", "doc_no": doc_no}

    def issue(c, data, key, now):
        row = c.execute(PART_AND_BIN, {"pn": data["part_number"], "code": data["location"]}).fetchone()
        if row is None:
            raise Refused(404, "unknown_part")
        return take_out(c, row[:4], row[4:], data["qty"], now, "issue", key)

    def scan(c, data, key, now):
        part = c.execute(PART_SCAN, {"code": data["code"], "b0": data["location"]}).fetchone()
        if part is None or part[7] is None:
            raise Refused(404, "unknown")
        answer = take_out(c, part, part[7:], data["qty"], now, "issue", key)
        return {"kind": "part", "name": part[2], "name_en": part[4], "mode": "issue", **answer}

    def transfer(c, data, key, now):
        row = c.execute(PART_AND_BINS, {"pn": data["part_number"], "code": data["from_location"],
                                        "to": data["to_location"]}).fetchone()
        if row is None:
            raise Refused(404, "unknown")
        part, src, dst = row[:4], row[4:8], row[8:]
        qty = data["qty"]
        first = "take" if src[0] < dst[0] else "put"  # location-id order, as the ledger
        row = c.execute(TRANSFER_AT_ONCE[first], {
            "p": part[0], "l0": min(src[0], dst[0]), "l1": max(src[0], dst[0]), "n": qty, "t": now, "at": now,
            "c": part[3],
            "src": src[0], "dst": dst[0], "doc_type": "transfer", "doc_no": None, "actor": "bench",
            "key": key}).fetchone()
        if None in row:
            raise Refused(409, "insufficient_stock")
        have = row[1] if first == "take" else row[0]  # the destination's
        return {"move_id": row[2], "part_number": part[1], "location": dst[1], "qty": qty,
                "qty_on_hand": have, "unit_cost": f"{part[3]:.4f}", "doc_no": None}

    def receive(c, data, key, now):
        row = c.execute(PART_AND_BIN, {"pn": data["part_number"], "code": data["location"]}).fetchone()
        if row is None:
            raise Refused(404, "unknown_part")
        part, loc, qty = row[:4], row[4:], data["qty"]
        prefix = f"RN-{now:%Y%m%d}"
        src = counterparty(c, "@SUPPLIER")
        cost = part[3]
        have, _, move_id, doc_no = c.execute(RECEIVE_AT_ONCE, {
            "p": part[0], "l0": loc[0], "n": qty, "t": now, "at": now, "s": "NEW", "v": cost * qty, "c": cost,
            "src": src, "dst": loc[0], "doc_type": "receipt", "prefix": prefix, "actor": "bench",
            "key": key}).fetchone()
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
