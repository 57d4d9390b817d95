"""Hostile input never answers 500 and never writes (CONTRACT §4), on SQLite and PostgreSQL.

Generated from the OpenAPI document, so a new endpoint is covered by being documented: every operation gets NUL
characters and lone surrogates in each string of its body, integers beyond every column (2**31, 2**63, -2**63-1, a
5,000-digit number) in each integer of its body, query string and path, NUL in each string of its query and path,
and a body nested 100,000 deep. Each answer must be a 4xx in the contract's error shape, and the business tables
must hold what they held before (idempotency records may change). The web pages get the same values in their forms
and query strings and answer the HTML error page with 400.
"""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part

# --- the hostile values --------------------------------------------------------------------------------------------
HUGE = "1" + "0" * 4999  # Python refuses int() of more than 4,300 digits
STR_VALUES = ['"a\\u0000b"', '"\\ud800"', '"x\\udfff"']  # JSON text: NUL, lone high and low surrogates
DEEP = "[" * 100_000 + "]" * 100_000


def int_values(schema: dict, *, where: str) -> list[str]:
    """Integers no column behind this slot holds: just past its documented range (2**31 for a 32-bit field), past
    64 bits both ways, 5,000 digits; in a query string -1 too (a negative limit). A path int has no sign (-1 does
    not route: 404)."""
    path = where == "path"
    values = {str(2**63), HUGE} | (set() if path else {str(-2**63 - 1)}) | ({"-1"} if where == "query" else set())
    if "maximum" in schema and schema["maximum"] < 2**63 - 1:
        values.add(str(schema["maximum"] + 1))
    if "minimum" in schema and schema["minimum"] > -2**63 and not path:
        values.add(str(schema["minimum"] - 1))
    return sorted(values, key=len)


def _spec() -> dict:
    from service_app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SECRET_KEY": "x"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


SPEC = _spec()
OPERATIONS = [(path, method) for path, item in SPEC["paths"].items() for method in item
              if method in ("get", "post", "put", "patch", "delete")]


def _schema(ref_or_schema: dict) -> dict:
    while "$ref" in ref_or_schema:
        ref_or_schema = SPEC["components"]["schemas"][ref_or_schema["$ref"].rsplit("/", 1)[1]]
    return ref_or_schema


def _params(path: str, method: str) -> list[dict]:
    item = SPEC["paths"][path]
    return item.get("parameters", []) + item[method].get("parameters", [])


def _body_schema(path: str, method: str) -> dict | None:
    content = SPEC["paths"][path][method].get("requestBody", {}).get("content", {})
    return _schema(content["application/json"]["schema"]) if "application/json" in content else None


# --- valid values around the hostile one, so that the hostile value is what the request is judged by -------------
GOOD = {"part_number": "AC-100", "location": "N-A01-01", "code": "N-A01-01", "from_location": "N-A01-01",
        "to_location": "N-A01-02", "store": "NEW", "username": "u_admin", "password": "password-123",
        "template": "part", "url": "file:///tmp/hostile-printer", "name": "刹车片", "mode": "issue"}


def _good(name: str, schema: dict):
    schema = _schema(schema)
    if name in GOOD:
        return GOOD[name]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return [_good(name, schema.get("items", {}))]
    if kind == "object":
        return {k: _good(k, v) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    return "x" * max(schema.get("minLength", 1), 1)


def _slots(schema: dict, prefix=()):
    """(path of keys into the body, the slot's schema) for every string and integer the body can carry."""
    schema = _schema(schema)
    for name, prop in schema.get("properties", {}).items():
        prop = _schema(prop)
        kind = prop.get("type")
        if kind in ("string", "integer"):
            yield prefix + (name,), prop
        elif kind == "array":
            inner = _schema(prop.get("items", {}))
            if inner.get("type") in ("string", "integer"):
                yield prefix + (name, 0), inner
            elif inner.get("type") == "object" and inner.get("properties"):
                yield from _slots(inner, prefix + (name, 0))
            elif inner.get("type") == "object":  # free-form objects (label data): a hostile value under a key
                yield prefix + (name, 0, "field"), {"type": "string"}
        elif kind == "object" and not prop.get("properties"):
            yield prefix + (name, "field"), {"type": "string"}


def _with(body: dict, where: tuple, marker: str):
    """A copy of body with `marker` at `where` (creating lists and objects on the way)."""
    body = json.loads(json.dumps(body))
    node = body
    for key, nxt in zip(where, where[1:]):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({} if isinstance(nxt, str) else [])
            if not isinstance(node[key], (dict, list)):
                node[key] = {} if isinstance(nxt, str) else []
        elif not isinstance(node.get(key), (dict, list)):
            node[key] = [] if isinstance(nxt, int) else {}
        node = node[key]
    last = where[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = marker
    return body


def hostile_requests(path: str, method: str, ids: dict) -> list[tuple[str, str, bytes | None]]:
    """(description, url, raw JSON body or None) for one operation."""
    params = _params(path, method)
    good_path = {p["name"]: str(ids.get(p["name"], _good(p["name"], p["schema"]))) for p in params
                 if p["in"] == "path"}
    body_schema = _body_schema(path, method)
    base = _good("body", body_schema) if body_schema else None
    raw_base = json.dumps(base).encode() if base is not None else None

    def url(path_values=None, query=""):
        values = good_path | (path_values or {})
        filled = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
        return filled + (f"?{query}" if query else "")

    out = [("query q=a%00b (any parameter, listed or not)", url(query="q=a%00b"), raw_base)]
    for p in params:
        kind = p["schema"].get("type")
        if p["in"] == "path":
            values = int_values(p["schema"], where="path") if kind == "integer" else ["%00", "a%00b"]
            out += [(f"path {p['name']}={v[:20]}", url({p["name"]: v}), raw_base) for v in values]
        elif p["in"] == "query":
            values = int_values(p["schema"], where="query") if kind == "integer" else ["%00", "a%00b"]
            out += [(f"query {p['name']}={v[:20]}", url(query=f"{p['name']}={v}"), raw_base) for v in values]
    if body_schema is not None:
        for where, prop in _slots(body_schema):
            values = int_values(prop, where="body") if prop.get("type") == "integer" else STR_VALUES
            text = json.dumps(_with(base, where, "@@HOSTILE@@"))
            out += [(f"body {'.'.join(map(str, where))}={v[:20]}", url(),
                     text.replace('"@@HOSTILE@@"', v).encode()) for v in values]
        out.append(("body nested 100,000 deep", url(), DEEP.encode()))
    return out


# --- the database, before and after -----------------------------------------------------------------------------
@pytest.fixture
def db_url(any_db_url):
    return any_db_url


@pytest.fixture
def world(app, session, auth):
    """Stock to act on, an open stocktake, a print job; and an admin's token."""
    from warehouse.ledger.services import receive
    from warehouse.printing.services import enqueue
    from warehouse.stocktake.services import open_stocktake

    make_part(session, part_number="AC-100")
    for code, store in (("N-A01-01", "NEW"), ("N-A01-02", "NEW"), ("R-A01-01", "RETURNED")):
        make_bin(session, code, store)
    session.commit()
    posted = receive(session, part_number="AC-100", location="N-A01-01", qty=5, actor="setup")
    st = open_stocktake(session, store="NEW", actor="setup")
    job = enqueue(session, template="bin", items=[{"code": "N-A01-01"}], printer_url=app.config["PRINTER_URL"],
                  actor="setup")
    session.commit()
    ids = {"move_id": posted.move_id, "stocktake_id": st.id, "job_id": job.id}
    return auth.headers("admin"), ids


def snapshot(session) -> dict:
    """Rows per business table and the stock they hold (idempotency records may change: they are not business)."""
    import warehouse.models  # noqa: F401
    from warehouse.db import Base
    from warehouse.ledger.models import Balance

    counts = {name: session.scalar(select(func.count()).select_from(table))
              for name, table in sorted(Base.metadata.tables.items()) if name != "idempotency_record"}
    counts["stock"] = session.scalar(select(func.coalesce(func.sum(Balance.qty), 0)))
    session.rollback()  # SQLite: release the read snapshot before the app writes
    return counts


def assert_error_shape(r, what: str) -> None:
    assert 400 <= r.status_code < 500, f"{what}: {r.status_code} {r.get_data(as_text=True)[:300]}"
    body = r.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"}, f"{what}: {r.get_data(as_text=True)[:300]}"
    err = body["error"]
    assert re.fullmatch(r"[a-z_]+", err.get("code", "")) and isinstance(err.get("message"), str) and err["message"]
    assert set(err) <= {"code", "message", "details"}, what


@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_hostile_values_answer_4xx_and_write_nothing(client, session, world, path, method):
    headers, ids = world
    requests = hostile_requests(path, method, ids)
    before = snapshot(session)
    for what, url, body in requests:
        r = client.open(url, method=method.upper(), data=body, content_type="application/json", headers=headers)
        assert_error_shape(r, f"{method.upper()} {what}")
    assert snapshot(session) == before


def test_the_generator_reaches_every_kind_of_slot():
    """The generated requests cover path ints and strings, query ints, body strings, body ints, nested bodies."""
    described = {what for p, m in OPERATIONS for what, _u, _b in hostile_requests(p, m, {})}
    assert any(w.startswith("path move_id") for w in described)
    assert any(w.startswith("path part_number") for w in described)
    assert any(w.startswith("query limit=-1") for w in described)
    assert any(w.startswith("query before_id") for w in described)
    assert any(w.startswith("body qty=") for w in described)
    assert any(w.startswith("body reorder_point=") for w in described)
    assert any(w.startswith("body lines.0.part_number=") for w in described)
    assert any(w.startswith("body items.0.field=") for w in described)
    assert any(w.startswith("body physical=") for w in described)


# --- query-string integers the OpenAPI document does not list (read with request.args.get(type=int)) ------------
@pytest.mark.parametrize("url", [
    "/api/v1/parts?limit=-1", "/api/v1/parts?offset=9223372036854775808", f"/api/v1/parts?limit={HUGE}",
    "/api/v1/print-jobs?limit=-5", f"/api/v1/print-jobs?limit={2**63}",
])
def test_undocumented_query_ints_are_bounded_too(client, world, url):
    headers, _ids = world
    assert_error_shape(client.get(url, headers=headers), url)


# --- the web pages -----------------------------------------------------------------------------------------------
def _page_400(r, what):
    assert r.status_code == 400, f"{what}: {r.status_code}"
    assert "<h1>400</h1>" in r.get_data(as_text=True), what


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("value", ["a\x00b", "\x00"])
def test_login_form_with_nul_is_a_400_page(client, world, field, value):
    form = {"username": "u_admin", "password": "password-123"} | {field: value}
    _page_400(client.post("/login", data=form), f"login {field}")


@pytest.mark.parametrize("url", [
    f"/parts?page={2**63}", f"/parts?page={HUGE}", "/parts?page=-3", "/parts?q=a%00b",
    "/bins?store=%00", f"/reconciliation?stocktake={2**63}", "/reconciliation?zone=%00",
    f"/stocktakes/{2**63}", f"/stocktakes/{HUGE}", "/parts/AC%00100", "/bins/N-A01-01%00",
])
def test_pages_with_hostile_query_or_path_are_400(client, auth, world, url):
    auth.login("admin")
    _page_400(client.get(url), url)


@pytest.mark.parametrize("form", [
    {"part_number": "AC-100", "location": "N-A01-01\x00", "qty": "1"},
    {"part_number": "AC-100", "location": "N-A01-01", "qty": "1", "reference": "DN\x00"},
    {"part_number": "AC-100", "location": "N-A01-01", "qty": str(2**63)},
    {"part_number": "AC-100", "location": "N-A01-01", "qty": HUGE},
    {"part_number": "AC-100", "location": "N-A01-01", "qty": "1", "unit_cost": "1e999999"},
    {"part_number": "AC-100", "location": "N-A01-01", "qty": "1", "unit_cost": "99999999999999999999"},
])
def test_page_forms_with_hostile_values_are_refused_and_write_nothing(client, session, auth, world, form):
    auth.login("admin")
    before = snapshot(session)
    r = client.post("/stock/receive", data=form)
    assert r.status_code in (200, 400), r.status_code  # 200: the form again, with its errors
    assert snapshot(session) == before


def test_stocktake_count_form_with_a_huge_card_balance(client, session, auth, world):
    headers, ids = world
    auth.login("admin")
    before = snapshot(session)
    r = client.post(f"/stocktakes/{ids['stocktake_id']}/count",
                    data={"location": "N-A01-01", "part_number": "AC-100", "physical": "1", "card": str(2**40)})
    assert r.status_code in (302, 400)
    assert snapshot(session) == before

