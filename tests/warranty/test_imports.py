"""Unit import: bad rows reported with reasons, good rows written once, the same file again changes nothing."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from warehouse.dealers.services import create_dealer
from warehouse.db import utcnow
from warehouse.errors import DomainError
from warehouse.warranty.imports import import_units, read_rows
from warehouse.warranty.models import Customer, Unit

CSV = ("序列号,机型,销售日期,经销商,客户,电话,里程\n"
       "sn-1,KFR-35GW,2026-01-05,D001,张三,13800000001,\n"
       "SN-2,KFR-35GW,2026/1/6,,李四,13800000002,1200\n"
       ",KFR-35GW,2026-01-07,,,,\n"
       "SN-4,KFR-35GW,2026-13-01,,,,\n"
       "SN-5,KFR-35GW,2026-01-08,NOPE,,,\n"
       "SN-6,KFR-35GW,2026-01-08,,,,-5\n"
       "SN-2,KFR-35GW,2026-01-06,,,,\n")


def count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def test_dry_run_lists_every_bad_row_and_writes_nothing(engine_session):
    s = engine_session
    create_dealer(s, code="D001", name="经销商")
    res = import_units(s, read_rows(CSV.encode("utf-8-sig"), "units.csv"), today=utcnow().date(), dry_run=True)
    assert (res.rows, res.written) == (7, 0)
    assert [(e["row"], e["field"], e["reason"]) for e in res.errors] == [
        (4, "serial", "bad_serial"), (5, "sold_on", "bad_date"), (6, "dealer", "unknown_dealer"),
        (7, "usage", "out_of_range"), (8, "serial", "duplicate_in_file")]
    assert count(s, Unit) == 0


def test_import_writes_good_rows_and_again_changes_nothing(engine_session):
    s = engine_session
    create_dealer(s, code="D001", name="经销商")
    data = CSV.encode("gb18030")  # what Excel on Chinese Windows saves
    res = import_units(s, read_rows(data, "units.csv"), today=utcnow().date())
    s.commit()
    assert (res.written, count(s, Unit), count(s, Customer)) == (2, 2, 2)
    assert s.scalar(select(Unit.dealer_code).where(Unit.serial == "SN-1")) == "D001"
    again = import_units(s, read_rows(data, "units.csv"), today=utcnow().date())
    s.commit()
    assert (again.written, again.unchanged, count(s, Unit), count(s, Customer)) == (0, 2, 2, 2)


def test_xlsx_and_conflicting_data(engine_session):
    s = engine_session
    wb = Workbook()
    ws = wb.active
    ws.append(["serial", "model", "sold_on"])
    ws.append(["VIN00000000000001", "M1", utcnow().date()])
    buf = io.BytesIO()
    wb.save(buf)
    assert import_units(s, read_rows(buf.getvalue(), "u.xlsx"), today=utcnow().date()).written == 1
    ws.append(["VIN00000000000002", "M1", "2025-02-01"])
    ws["B2"] = "M2"  # the same serial now claims another model: reported, not overwritten
    buf = io.BytesIO()
    wb.save(buf)
    res = import_units(s, read_rows(buf.getvalue(), "u.xlsx"), today=utcnow().date())
    assert res.written == 1 and res.errors == [{"row": 2, "serial": "VIN00000000000001", "field": "serial",
                                                "reason": "exists_with_other_data"}]


@pytest.mark.parametrize("data, name, reason", [
    (b"PK\x03\x04 not really a workbook", "u.xlsx", "not_a_spreadsheet"),
    (b"", "u.csv", "empty"),
    ("机型,销售日期\nM,2026-01-01\n".encode(), "u.csv", "missing_columns"),
])
def test_unreadable_files(engine_session, data, name, reason):
    with pytest.raises(DomainError) as e:
        list(read_rows(data, name))
    assert e.value.params["reason"] == reason
