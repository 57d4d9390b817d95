"""The yardstick for warranty_bench.py: a bare Flask endpoint doing the warranty lookup's indexed SELECT by hand
(unit by serial, the policy version in force on the sale date, the extension months), one psycopg connection per
thread, no ORM, no auth, no schema. Served by gunicorn exactly like the app: `gunicorn 'bare_lookup:create_app()'`
with `BARE_DSN=postgresql://…`."""
from __future__ import annotations

import os
import threading

import psycopg
from flask import Flask, abort, jsonify

SQL = """
SELECT u.serial, u.model, u.sold_on, p.months, p.usage_limit,
       (SELECT coalesce(sum(e.months), 0) FROM warranty_extension e WHERE e.unit_id = u.id) AS extra
FROM unit u
LEFT JOIN LATERAL (SELECT months, usage_limit FROM warranty_policy p
                   WHERE p.model = u.model AND p.category IS NULL AND p.effective_from <= u.sold_on
                   ORDER BY p.effective_from DESC, p.id DESC LIMIT 1) p ON true
WHERE u.serial = %s
"""


def create_app() -> Flask:
    app = Flask(__name__)
    local = threading.local()
    dsn = os.environ["BARE_DSN"]

    def conn():
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn, autocommit=True)
        return local.conn

    @app.get("/bare/<serial>")
    def lookup(serial):
        row = conn().execute(SQL, (serial,), prepare=True).fetchone()
        if row is None:
            abort(404)
        return jsonify({"serial": row[0], "model": row[1], "sold_on": row[2].isoformat(), "months": row[3],
                        "usage_limit": row[4], "extra_months": int(row[5])})

    return app
