"""Import sold units from CSV or XLSX: every bad row is reported with its reason, the good rows are written in one
transaction, and importing the same file again changes nothing (a serial already registered with the same data is
skipped; with different data it is a bad row, never an overwrite).

Rows are validated in Python and written with one multi-row INSERT per chunk, and existing serials are fetched per
chunk with an IN list, so 100,000 rows cost a few hundred statements rather than 100,000 ORM flushes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable, Iterator

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from warehouse.dealers.models import Dealer
from warehouse.errors import ValidationError
from warehouse.warranty.models import Customer, Unit
from warehouse.warranty.services import MAX_USAGE, MODEL, SERIAL

CHUNK = 2000
MAX_ROWS = 1_000_000
# Header names as the department writes them, Chinese or English.
HEADERS = {
    "serial": ("serial", "vin", "序列号", "机号", "车架号", "条码"),
    "model": ("model", "机型", "型号", "车型"),
    "sold_on": ("sold_on", "sale date", "销售日期", "购买日期"),
    "dealer": ("dealer", "经销商", "经销商代码", "销售网点"),
    "customer": ("customer", "customer_name", "客户", "客户姓名", "用户"),
    "phone": ("phone", "电话", "联系电话", "手机"),
    "address": ("address", "地址", "用户地址"),
    "usage": ("usage", "里程", "使用量", "运行小时"),
}
_ALIAS = {alias: key for key, names in HEADERS.items() for alias in names}


@dataclass
class ImportResult:
    rows: int = 0
    written: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "serial": …, "reason": code, "field": …}

    def as_dict(self) -> dict:
        return {"rows": self.rows, "written": self.written, "unchanged": self.unchanged, "errors": self.errors}


FIT_HEADERS = {"part_number": ("part_number", "part", "配件号", "零件号", "物料号"),
               "model": ("model", "机型", "型号", "车型")}


def read_rows(data: bytes, filename: str, *, headers: dict | None = None,
              required: frozenset = frozenset({"serial", "model", "sold_on"})) -> Iterator[dict]:
    """Rows as dicts keyed by our field names, from XLSX (opened read-only) or CSV (UTF-8 with or without BOM,
    else GB18030, which Excel on Chinese Windows writes). `headers`: our names and their accepted captions (the
    unit list's by default)."""
    alias = _ALIAS if headers is None else {a: k for k, names in headers.items() for a in names}
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
            raise ValidationError(field="file", reason="not_a_spreadsheet") from exc
        rows = wb.worksheets[0].iter_rows(values_only=True)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="strict")
        rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header:
        raise ValidationError(field="file", reason="empty")
    keys = [alias.get(str(h or "").strip().lower()) for h in header]
    missing = set(required) - set(keys)
    if missing:
        raise ValidationError(field="file", reason="missing_columns", columns=", ".join(sorted(missing)))
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        yield {k: v for k, v in zip(keys, values) if k}


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")) if text.count("-") == 2 else text)


def _clean(row: dict, today: date, dealers: set[str]) -> tuple[dict | None, tuple[str, str] | None]:
    """(unit fields, None) or (None, (field, reason))."""
    serial = str(row.get("serial") or "").strip().upper()
    if not SERIAL.match(serial):
        return None, ("serial", "bad_serial")
    model = str(row.get("model") or "").strip()
    if not MODEL.match(model):
        return None, ("model", "bad_model")
    try:
        sold_on = _date(row.get("sold_on"))
    except (TypeError, ValueError):
        return None, ("sold_on", "bad_date")
    if sold_on > today or sold_on.year < 1990:
        return None, ("sold_on", "out_of_range")
    dealer = str(row.get("dealer") or "").strip().upper() or None
    if dealer and dealer not in dealers:
        return None, ("dealer", "unknown_dealer")
    usage = row.get("usage")
    if usage not in (None, ""):
        try:
            usage = int(str(usage).strip())
        except ValueError:
            return None, ("usage", "not_integer")
        if not 0 <= usage <= MAX_USAGE:
            return None, ("usage", "out_of_range")
    else:
        usage = None
    name = str(row.get("customer") or "").strip()[:200] or None
    phone = str(row.get("phone") or "").strip()[:40] or None
    address = str(row.get("address") or "").strip()[:300] or None
    return {"serial": serial, "model": model, "sold_on": sold_on, "dealer_code": dealer, "usage": usage,
            "customer": (name, phone, address) if name else None}, None


def _chunks(rows: Iterable[dict], n: int) -> Iterator[list[tuple[int, dict]]]:
    chunk = []
    for i, row in enumerate(rows, start=2):  # row 1 is the header, as the user sees it in Excel
        chunk.append((i, row))
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_units(session: Session, rows: Iterable[dict], *, today: date, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Validate every row; unless `dry_run`, write the good ones (the caller commits once, or rolls back)."""
    result = ImportResult()
    dealers = set(session.scalars(select(Dealer.code)))
    seen: set[str] = set()
    for chunk in _chunks(rows, CHUNK):
        cleaned = []
        for n, row in chunk:
            result.rows += 1
            if result.rows > MAX_ROWS:
                raise ValidationError(field="file", reason="too_many_rows", max=MAX_ROWS)
            unit, problem = _clean(row, today, dealers)
            if problem is None and unit["serial"] in seen:
                problem = ("serial", "duplicate_in_file")
            if problem:
                result.errors.append({"row": n, "serial": str(row.get("serial") or "")[:40], "field": problem[0],
                                      "reason": problem[1]})
                continue
            seen.add(unit["serial"])
            cleaned.append((n, unit))
        existing = {u.serial: u for u in session.execute(
            select(Unit.serial, Unit.model, Unit.sold_on, Unit.dealer_code)
            .where(Unit.serial.in_([u["serial"] for _, u in cleaned])))}
        fresh = []
        for n, unit in cleaned:
            old = existing.get(unit["serial"])
            if old is None:
                fresh.append(unit)
            elif (old.model, old.sold_on, old.dealer_code) == (unit["model"], unit["sold_on"], unit["dealer_code"]):
                result.unchanged += 1
            else:
                result.errors.append({"row": n, "serial": unit["serial"], "field": "serial",
                                      "reason": "exists_with_other_data"})
        if not dry_run and fresh:
            _write(session, fresh)
        result.written += 0 if dry_run else len(fresh)
        if progress:
            progress(result.rows)
    return result


def _write(session: Session, units: list[dict]) -> None:
    conn = session.connection()
    people = [u for u in units if u["customer"]]
    ids = []
    if people:
        ids = conn.execute(insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
                           [{"name": c[0], "phone": c[1], "address": c[2], "key_account": False}
                            for c in (u["customer"] for u in people)]).scalars().all()
    customer_of = {id(u): cid for u, cid in zip(people, ids)}
    conn.execute(insert(Unit), [{"serial": u["serial"], "model": u["model"], "sold_on": u["sold_on"],
                                 "dealer_code": u["dealer_code"], "usage": u["usage"],
                                 "customer_id": customer_of.get(id(u))} for u in units])


def read_fit_rows(data: bytes, filename: str) -> Iterator[dict]:
    return read_rows(data, filename, headers=FIT_HEADERS, required=frozenset(FIT_HEADERS))


def import_fits(session: Session, rows: Iterable[dict], *, dry_run: bool = False,
                progress: Callable[[int], None] | None = None) -> ImportResult:
    """The part–model compatibility list: each part named in the file gets exactly the models the file lists for
    it (its earlier list is replaced); parts not in the file keep theirs. Unknown parts and bad model codes are row
    errors. Importing the same file again changes nothing. `written` counts the parts whose list was set."""
    from warehouse.catalog.models import Part
    from warehouse.warranty.services import set_fits

    result = ImportResult()
    wanted: dict[str, set[str]] = {}
    for n, row in enumerate(rows, start=2):
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise ValidationError(field="file", reason="too_many_rows", max=MAX_ROWS)
        pn = str(row.get("part_number") or "").strip()
        model = str(row.get("model") or "").strip()
        if not pn or len(pn) > 40:
            result.errors.append({"row": n, "part_number": pn[:40], "field": "part_number", "reason": "required"})
        elif not MODEL.match(model):
            result.errors.append({"row": n, "part_number": pn, "field": "model", "reason": "bad_model"})
        else:
            wanted.setdefault(pn, set()).add(model)
        if progress and result.rows % CHUNK == 0:
            progress(result.rows)
    known = set()
    names = sorted(wanted)
    for i in range(0, len(names), CHUNK):
        known |= set(session.scalars(select(Part.part_number).where(Part.part_number.in_(names[i:i + CHUNK]),
                                                                     Part.active.is_(True))))
    for pn in names:
        if pn not in known:
            result.errors.append({"row": None, "part_number": pn, "field": "part_number", "reason": "unknown_part"})
            continue
        if not dry_run:
            set_fits(session, part_number=pn, models=sorted(wanted[pn]))
        result.written += 0 if dry_run else 1
    if progress:
        progress(result.rows)
    return result
