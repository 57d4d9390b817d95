"""Every domain error reaches its reader in their language: a row per code, a template per reason, Chinese by
default, English on request, the code unchanged.

The raise sites are read from the code itself (every call of a DomainError subclass in warehouse/ and service_app/),
so an error added tomorrow is checked without a line here.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

import labels
import service_app
import warehouse
from service_app.error_messages import ERRORS, FIELDS, describe, template_for
from warehouse.errors import DomainError

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# ASCII that may stay in a Chinese message: header and setting names, formats, units, the bin-code example.
ALLOWED_ASCII = {"Idempotency-Key", "Authorization", "Bearer", "token", "CAMERA_SOURCE", "JSON", "MB", "NUL",
                 "GTIN", "data", "items", "N-A01-03"}


def _modules():
    for pkg in (warehouse, service_app):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            yield info.name


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _resolve(module, node):
    """The object a call's function names in that module (Name or dotted Attribute), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    obj = getattr(module, node.id, None)
    for attr in reversed(parts):
        try:
            obj = getattr(obj, attr, None)
        except RuntimeError:  # `request.…`, `current_app.…`: proxies with nothing behind them here
            return None
    return obj


SENTENCES: list[str] = []  # raise sites still passing a sentence (DomainError takes keyword parameters only)


def raise_sites() -> list[tuple[str, str, dict]]:
    """(file, line, code, {param: constant or None}) for every construction of a DomainError subclass."""
    sites = []
    for name in sorted(set(_modules())):
        module = importlib.import_module(name)
        path = Path(module.__file__)
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            cls = _resolve(module, node.func)
            if not (isinstance(cls, type) and issubclass(cls, DomainError)):
                continue
            params = {kw.arg: kw.value.value if isinstance(kw.value, ast.Constant) else None
                      for kw in node.keywords if kw.arg}
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if node.args and cls.__init__ is DomainError.__init__:
                SENTENCES.append(where)
            if cls.__name__ == "InvalidLabel":  # takes the labels package's error: its code is one of CODES
                for code in sorted(labels.errors.CODES):
                    sites.append((where, code, {"template": None, "field": None, "label": None, "detail": None}))
            else:
                sites.append((where, cls.code, params))
    return sites


SITES = raise_sites()


def test_the_sites_were_found():
    codes = {code for _where, code, _params in SITES}
    assert {"insufficient_stock", "wrong_store", "forbidden", "invalid_input", "unknown_stocktake",
            "missing_field", "unauthorized", "bad_image", "rate_limited"} <= codes
    assert len(SITES) > 80


def test_no_raise_site_passes_a_sentence():
    assert SENTENCES == []


def test_every_domain_error_class_has_a_row():
    for name in set(_modules()):
        importlib.import_module(name)
    codes = {cls.code for cls in _all_subclasses(DomainError) if isinstance(cls.__dict__.get("code"), str)}
    assert codes and sorted(codes - ERRORS.keys()) == []


def test_every_raise_site_has_its_row_and_reason():
    missing = []
    for where, code, params in SITES:
        status_template = template_for(code, params.get("reason"))
        reason = params.get("reason")
        if status_template is None:
            missing.append(f"{where}: code {code}")
        elif reason is not None and reason not in ERRORS[code][1]:
            missing.append(f"{where}: {code} has no template for reason {reason!r}")
        elif "reason" in params and reason is None:
            missing.append(f"{where}: {code}'s reason must be a constant")
    assert missing == []


def _sample(params: dict) -> dict:
    """Values for a site's parameters: its constants, else a number (never a word) — field: a real one."""
    sample = {}
    for k, v in params.items():
        if v is not None:
            sample[k] = v
        else:
            sample[k] = {"field": "qty", "store": "NEW", "role": "new_store_clerk"}.get(k, "101")
    return sample


def _leftover_ascii(message: str, sample: dict) -> set[str]:
    for v in sample.values():  # the parameters' own values (API names, codes) are data, not untranslated words
        if isinstance(v, str) and v not in FIELDS:
            message = message.replace(v, " ")
    for word in ALLOWED_ASCII:
        message = message.replace(word, " ")
    return set(re.findall(r"[A-Za-z]{2,}", message))


def _placeholders(template) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", str(template)))


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/api/v1/anything"):
        yield


def test_every_raise_site_renders_in_chinese_and_english(request_ctx):
    problems = []
    for where, code, params in SITES:
        sample = _sample(params)
        status_template = template_for(code, params.get("reason"))
        if status_template is None:
            continue  # reported by the test above
        named = _placeholders(status_template[1])
        if named - set(sample):
            problems.append(f"{where}: {code} template names {sorted(named - set(sample))}, not passed")
        with force_locale("zh_CN"):
            zh = describe(code, sample)[1]
        with force_locale("en"):
            en = describe(code, sample)[1]
        if not CJK.search(zh) or (left := _leftover_ascii(zh, sample)):
            problems.append(f"{where}: {code} in Chinese: {zh!r}")
        if CJK.search(en) or not re.search(r"[A-Za-z]{3,}", en) or "…" in en or "…" in zh:
            problems.append(f"{where}: {code} in English: {en!r}")
    assert problems == []


def test_every_template_of_the_table_is_translated(request_ctx):
    problems = []
    for code, (status, templates) in ERRORS.items():
        assert 400 <= status < 600, code
        for reason, template in (templates.items() if isinstance(templates, dict) else [(None, templates)]):
            sample = {name: "101" for name in _placeholders(template)} | {"reason": reason}
            with force_locale("zh_CN"):
                zh = describe(code, sample)[1]
            with force_locale("en"):
                en = describe(code, sample)[1]
            if not CJK.search(zh) or _leftover_ascii(zh, sample) or CJK.search(en) or zh == en:
                problems.append(f"{code}/{reason}: {zh!r} / {en!r}")
    assert problems == []


def test_a_ticket_or_complaint_refusal_names_state_and_step_in_words(request_ctx):
    """Every ticket status and every step a refusal can name has its words: no raw key in the Chinese message
    (工单 TK-1 当前状态为 已派工，现在不能执行 派工), and the English one says them in English."""
    from warehouse.service import rules

    steps = [*rules.ALLOWED, "hand_off", "handoff_answer"]
    for code, statuses, names in (("ticket_state", (*rules.STATUSES, "answered", "quote_accepted"), steps),
                                  ("complaint_state", ("closed",), ("respond", "assign", "opinion", "result",
                                                                    "close"))):
        for status in statuses:
            for step in names:
                with force_locale("zh_CN"):
                    zh = describe(code, {"ticket_no": "TK-1", "status": status, "step": step})[1]
                assert not re.search(r"[a-z]{3,}", zh), zh
    with force_locale("zh_CN"):
        zh = describe("ticket_state", {"ticket_no": "TK-1", "status": "dispatched", "step": "dispatch"})[1]
    with force_locale("en"):
        en = describe("ticket_state", {"ticket_no": "TK-1", "status": "dispatched", "step": "dispatch"})[1]
    assert "已派工" in zh and en == "Ticket TK-1 is dispatched: the step dispatch is not possible now"


# --- end to end: the API in the caller's language, the pages in the session's -----------------------------------

@pytest.fixture
def stocked(app, session):
    from tests.factories import make_bin, make_part
    from warehouse.ledger.services import receive

    make_part(session, part_number="AC-100")
    make_bin(session, "N-A01-01", "NEW")
    make_bin(session, "R-A01-01", "RETURNED")
    session.commit()
    receive(session, part_number="AC-100", location="N-A01-01", qty=2, actor="setup")
    session.commit()


CASES = [  # (role, method, path, body, status, code, a Chinese phrase, an English phrase)
    ("new_store_clerk", "post", "/api/v1/stock/issue", {"part_number": "AC-100", "location": "N-A01-01", "qty": 5},
     409, "insufficient_stock", "仅有 2 件", "Only 2 of AC-100"),
    ("new_store_clerk", "post", "/api/v1/scan/resolve", {"code": "NO-SUCH-THING-9"},
     404, "unknown_code", "NO-SUCH-THING-9", "NO-SUCH-THING-9"),
    ("new_store_clerk", "post", "/api/v1/stock/receive", {"part_number": "AC-100", "location": "R-A01-01", "qty": 1},
     403, "forbidden", "不负责旧件库", "does not work in the returned-parts store"),
    ("admin", "post", "/api/v1/stock/receive", {"part_number": "AC-100", "location": "R-A01-01", "qty": 1},
     409, "wrong_store", "旧件库", "returned-parts store"),
    ("shipper", "post", "/api/v1/stock/receive", {"part_number": "AC-100", "location": "N-A01-01", "qty": 1},
     403, "forbidden", "无权", "may not do this"),
    ("new_store_clerk", "post", "/api/v1/stock/issue", {"part_number": "AC-100", "location": "N-A01-01", "qty": 0},
     400, "invalid_input", "数量必须大于零", "Quantity must be greater than zero"),
    ("new_store_clerk", "post", "/api/v1/stock/issue", {"part_number": "AC-100", "location": "N-A01-01", "qty": "x"},
     400, "invalid_input", "部分字段无效", "Some fields are not valid"),
]


@pytest.mark.parametrize("role,method,path,body,status,code,zh,en", CASES, ids=[c[5] + "-" + c[0] for c in CASES])
def test_api_errors_speak_chinese_by_default_and_english_on_request(client, auth, stocked, role, method, path, body,
                                                                     status, code, zh, en):
    h = auth.headers(role)
    for headers, phrase, chinese in (({}, zh, True), ({"Accept-Language": "zh-CN,zh;q=0.9"}, zh, True),
                                     ({"Accept-Language": "en-US,en;q=0.8"}, en, False)):
        r = getattr(client, method)(path, json=body, headers=h | headers)
        assert r.status_code == status, r.json
        assert r.json["error"]["code"] == code
        message = r.json["error"]["message"]
        assert phrase in message, message
        assert bool(CJK.search(message)) == chinese, message


def test_the_api_ignores_the_page_language_of_the_session(client, auth, stocked):
    """A browser whose pages are in English still gets the language its Accept-Language asks for from the API."""
    auth.login("new_store_clerk")
    client.get("/lang/en")
    r = client.post("/api/v1/stock/issue", json={"part_number": "AC-100", "location": "N-A01-01", "qty": 5},
                    headers=auth.headers("new_store_clerk"))
    assert r.status_code == 409 and "仅有 2 件" in r.json["error"]["message"]


def test_a_page_flashes_the_domain_error_in_the_session_language(client, auth, stocked):
    auth.login("new_store_clerk")
    form = {"part_number": "AC-100", "location": "N-A01-01", "qty": "5"}
    r = client.post("/stock/issue", data=form)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "货位 N-A01-01 中 AC-100 仅有 2 件，无法出 5 件。" in page
    client.get("/lang/en")
    page = client.post("/stock/issue", data=form).get_data(as_text=True)
    assert "Only 2 of AC-100 in bin N-A01-01; cannot take 5." in page


def test_the_error_page_speaks_the_session_language(client, auth):
    auth.login("new_store_clerk")
    r = client.get("/print-queue/999999/reprint")  # GET on a POST-only page: the HTML error page
    assert r.status_code == 405 and "此地址不支持该请求方法" in r.get_data(as_text=True)
    client.get("/lang/en")
    r = client.get("/print-queue/999999/reprint")
    assert r.status_code == 405 and "This address does not take that method." in r.get_data(as_text=True)


def test_the_cli_speaks_its_environment_language(runner, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    out = runner.invoke(args=["create-user", "someone", "--role", "boss", "--password", "password-123"])
    assert out.exit_code != 0 and "invalid_input: 角色只能是以下之一" in out.output
    monkeypatch.setenv("LANG", "C.UTF-8")
    out = runner.invoke(args=["create-user", "someone", "--role", "boss", "--password", "password-123"])
    assert out.exit_code != 0 and "invalid_input: Role must be one of: admin" in out.output
