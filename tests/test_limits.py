"""Limits are defined once (warehouse/limits.py) and both edges read them: every bounded API schema field and web
form field has the domain's bound, and a value one over it is refused alike by the API and by the form."""
from __future__ import annotations

import pytest
from marshmallow import validate
from sqlalchemy import func, select
from wtforms import validators as wtv

from service_app.api import auth as api_auth, catalog as api_catalog, scan as api_scan, stock as api_stock
from service_app.api import stocktake as api_stocktake
from service_app.auth.views import LoginForm
from service_app.web import stock as web_stock, stocktake as web_stocktake
from tests.factories import make_bin, make_part, make_user
from warehouse import limits, scanning
from warehouse.catalog.models import Part
from warehouse.ledger.models import Move
from warehouse.locations.models import Location


def schema_bound(schema, name):
    """(min, max) of a marshmallow field's Length or Range validator, or the OneOf choices."""
    field = schema().fields[name]
    for v in field.validators:
        if isinstance(v, (validate.Length, validate.Range)):
            return v.min, v.max
        if isinstance(v, validate.OneOf):
            return tuple(v.choices)
    raise AssertionError(f"{schema.__name__}.{name} has no bound")


def form_bound(form, name):
    """(min, max) of a WTForms field's Length or NumberRange validator (min None when the field only has a max)."""
    for v in getattr(form, name).kwargs["validators"]:
        if isinstance(v, wtv.Length):
            return (v.min if v.min >= 0 else None), v.max
        if isinstance(v, wtv.NumberRange):
            return v.min, v.max
    raise AssertionError(f"{form.__name__}.{name} has no bound")


PART, LOC, QTY, COUNT = limits.PART_NUMBER_LEN, limits.LOCATION_CODE_LEN, limits.MAX_QTY, limits.MAX_QTY

# (API schema, field) ↔ (web form, field) ↔ the domain's maximum
PAIRS = [
    (api_stock.Receive, "part_number", web_stock.ReceiveForm, "part_number", PART),
    (api_stock.Issue, "part_number", web_stock.IssueForm, "part_number", PART),
    (api_stock.Transfer, "part_number", web_stock.TransferForm, "part_number", PART),
    (api_stocktake.CountIn, "part_number", web_stocktake.CountForm, "part_number", PART),
    (api_stocktake.CardIn, "part_number", web_stocktake.CardForm, "part_number", PART),
    (api_stock.Receive, "location", web_stock.ReceiveForm, "location", LOC),
    (api_stock.Issue, "location", web_stock.IssueForm, "location", LOC),
    (api_stock.Transfer, "from_location", web_stock.TransferForm, "from_location", LOC),
    (api_stock.Transfer, "to_location", web_stock.TransferForm, "to_location", LOC),
    (api_stocktake.CountIn, "location", web_stocktake.CountForm, "location", LOC),
    (api_stocktake.StocktakeOpen, "bin_from", web_stocktake.OpenForm, "bin_from", LOC),
    (api_stocktake.StocktakeOpen, "zone", web_stocktake.OpenForm, "zone", limits.ZONE_LEN),
    (api_stocktake.StocktakeOpen, "category", web_stocktake.OpenForm, "category", limits.CATEGORY_LEN),
    (api_stocktake.StocktakeOpen, "note", web_stocktake.OpenForm, "note", limits.NOTE_LEN),
    (api_stock.Receive, "qty", web_stock.ReceiveForm, "qty", QTY),
    (api_stock.Issue, "qty", web_stock.IssueForm, "qty", QTY),
    (api_stock.Transfer, "qty", web_stock.TransferForm, "qty", QTY),
    (api_stocktake.CountIn, "physical", web_stocktake.CountForm, "physical", COUNT),
    (api_stocktake.CountIn, "card", web_stocktake.CountForm, "card", COUNT),
    (api_stock.Receive, "reference", web_stock.ReceiveForm, "reference", limits.REFERENCE_LEN),
    (api_stock.Issue, "reference", web_stock.IssueForm, "reference", limits.REFERENCE_LEN),
    (api_stock.Receive, "document", web_stock.ReceiveForm, "document", limits.DOCUMENT_LEN),
    (api_stock.Reverse, "reason", web_stock.ReverseForm, "reason", limits.NOTE_LEN),
    (api_auth.TokenRequest, "username", LoginForm, "username", limits.USERNAME_LEN),
    (api_auth.TokenRequest, "password", LoginForm, "password", limits.PASSWORD_LEN),
]


@pytest.mark.parametrize("schema, s_field, form, f_field, maximum", PAIRS,
                         ids=[f"{p[0].__name__}.{p[1]}" for p in PAIRS])
def test_schema_and_form_bounds_are_the_domains(schema, s_field, form, f_field, maximum):
    s_min, s_max = schema_bound(schema, s_field)
    f_min, f_max = form_bound(form, f_field)
    assert s_max == f_max == maximum
    if s_field in ("qty", "physical", "card"):  # quantities: the lower bound is the domain's too
        assert s_min == f_min == (1 if s_field == "qty" else 0)


def test_enumerations_and_other_maxima_are_the_domains():
    assert schema_bound(api_catalog.LocationCreate, "store") == limits.STORES
    assert schema_bound(api_stocktake.StocktakeOpen, "store") == limits.STORES
    assert tuple(c.value for c in web_stocktake.OpenForm.store.kwargs["choices"]) == limits.STORES
    assert schema_bound(api_scan.ScanStep, "mode") == limits.SCAN_MODES == scanning.MODES
    assert schema_bound(api_scan.ScanStep, "qty") == (1, limits.MAX_QTY)
    assert schema_bound(api_scan.ScanStep, "code")[1] == limits.SCAN_CODE_LEN == scanning.MAX_CODE
    assert schema_bound(api_catalog.PartCreate, "part_number")[1] == limits.PART_NUMBER_LEN
    assert schema_bound(api_catalog.LocationCreate, "code")[1] == limits.LOCATION_CODE_LEN
    # ... and the columns are as wide as the limits
    assert Part.__table__.c.part_number.type.length == limits.PART_NUMBER_LEN
    assert Location.__table__.c.code.type.length == limits.LOCATION_CODE_LEN


@pytest.fixture
def shop(session):
    make_user(session, username="clerk", role="new_store_clerk")
    make_part(session, part_number="P" * limits.PART_NUMBER_LEN, name="长件号")
    make_bin(session, "N-A01-01")
    session.commit()


def test_a_part_number_one_over_the_limit_is_refused_alike_by_api_and_form(client, auth, session, shop):
    too_long, at_limit = "P" * (limits.PART_NUMBER_LEN + 1), "P" * limits.PART_NUMBER_LEN
    h = auth.headers("new_store_clerk")
    r = client.post("/api/v1/stock/receive", json={"part_number": too_long, "location": "N-A01-01", "qty": 1},
                    headers=h)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input" and "part_number" in \
        r.json["error"]["message"]
    auth.login("new_store_clerk")
    r = client.post("/stock/receive", data={"part_number": too_long, "location": "N-A01-01", "qty": "1"})
    assert r.status_code == 200 and "/receipts/" not in r.headers.get("Location", "")  # the form again, no receipt
    assert session.scalar(select(func.count(Move.id))) == 0
    session.rollback()
    # at the limit, both edges let it through to the domain, which receives it
    r = client.post("/api/v1/stock/receive", json={"part_number": at_limit, "location": "N-A01-01", "qty": 1},
                    headers=h)
    assert r.status_code == 201, r.json
    r = client.post("/stock/receive", data={"part_number": at_limit, "location": "N-A01-01", "qty": "1"})
    assert r.status_code == 302 and "/receipts/RN-" in r.headers["Location"]
    assert session.scalar(select(func.count(Move.id))) == 2
    session.rollback()


def test_a_quantity_one_over_the_cap_is_refused_alike(client, auth, session, shop):
    body = {"part_number": "P" * limits.PART_NUMBER_LEN, "location": "N-A01-01", "qty": limits.MAX_QTY + 1}
    r = client.post("/api/v1/stock/receive", json=body, headers=auth.headers("new_store_clerk"))
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"
    auth.login("new_store_clerk")
    r = client.post("/stock/receive", data={**body, "qty": str(body["qty"])})
    assert r.status_code == 200
    assert session.scalar(select(func.count(Move.id))) == 0
    session.rollback()
