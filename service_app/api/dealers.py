"""Dealers (经销商 / 特约维修点): the registry. Orders and accounts extend this module."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.auth.identity import require
from service_app.extensions import db
from warehouse.dealers import services as dealers

blp = Blueprint("api_dealers", __name__, description="Dealers and authorized repair stations")


class DealerCreate(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    credit_limit = fields.String(load_default="0", metadata={"description": "decimal string", "example": "50000.00"})
    region = fields.String(allow_none=True, validate=validate.Length(max=64))


class DealerOut(Schema):
    code = fields.String()
    name = fields.String()
    credit_limit = fields.String()
    region = fields.String(allow_none=True)


def dealer_dict(d) -> dict:
    return {"code": d.code, "name": d.name, "credit_limit": f"{d.credit_limit:.2f}", "region": d.region}


@blp.route("/dealers", methods=["POST"])
@blp.arguments(DealerCreate())
@blp.response(201, DealerOut)
@require("dealers.write")
def create_dealer(body):
    """Register a dealer or repair station; its ledger counterparty `@D:<code>` is created with it."""
    return write(lambda _key: dealer_dict(dealers.create_dealer(db.session, **body)), status=201)


@blp.route("/dealers/<code>", methods=["GET"])
@blp.response(200, DealerOut)
@require("dealers.read")
def show_dealer(code):
    return read(dealer_dict(dealers.get_dealer(db.session, code)))
