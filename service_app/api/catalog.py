"""Parts and bins: create and read parts (with barcodes and costs), create bins."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import LocationCode, Money, PartNumber, Required, Store, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.catalog import services as catalog
from warehouse.catalog.queries import get_part, part_dict, search_parts
from warehouse.locations import services as locations

blp = Blueprint("api_catalog", __name__, description="Parts and bins")


class PartCreate(Schema):
    part_number = PartNumber()
    name = Required(limits.NAME_LEN)
    name_en = Text(limits.NAME_LEN)
    unit = Text(limits.UNIT_LEN)
    category = Text(limits.CATEGORY_LEN)
    supplier = Text(limits.SUPPLIER_CODE_LEN)
    standard_cost = Money()
    dealer_price = Money()
    reorder_point = fields.Integer(strict=True, allow_none=True)
    barcodes = fields.List(Str(validate=validate.Length(min=1, max=limits.BARCODE_LEN)),
                           validate=validate.Length(max=limits.MAX_BARCODES))


class PartOut(Schema):
    part_number = Str()
    name = Str()
    name_en = Str(allow_none=True)
    unit = Str()
    category = Str(allow_none=True)
    supplier = Str(allow_none=True)
    standard_cost = Money()
    dealer_price = Money()
    reorder_point = fields.Integer()
    barcodes = fields.List(Str())


class LocationCreate(Schema):
    code = LocationCode()
    store = Store(required=True)
    name = Text(limits.NAME_LEN)


class LocationOut(Schema):
    code = Str()
    store = Str()
    kind = Str()


@blp.route("/parts", methods=["POST"])
@blp.arguments(PartCreate)
@blp.response(201, PartOut)
@require("catalog.write")
def create_part(body):
    """Create a part (part number, Chinese and English names, costs, barcodes)."""
    return write(lambda _key: part_dict(catalog.create_part(db.session, **body)), status=201)


@blp.route("/parts", methods=["GET"])
@blp.response(200, PartOut(many=True))
@require("catalog.read")
def list_parts():
    """Search parts by number or name (`?q=`, `?category=`, `?limit=`, `?offset=`)."""
    from flask import request

    limit = min(request.args.get("limit", 50, type=int) or 50, 500)
    parts = search_parts(db.session, request.args.get("q"), category=request.args.get("category"), limit=limit,
                         offset=max(request.args.get("offset", 0, type=int) or 0, 0))
    return read({"parts": [part_dict(p) for p in parts]})


@blp.route("/parts/<part_number>", methods=["GET"])
@blp.response(200, PartOut)
@require("catalog.read")
def show_part(part_number):
    return read(part_dict(get_part(db.session, part_number)))


@blp.route("/locations", methods=["POST"])
@blp.arguments(LocationCreate)
@blp.response(201, LocationOut)
@require("locations.write")
def create_location(body):
    """Create a bin in the NEW or RETURNED store (codes like N-A01-03 / R-B02-01); a store clerk only in their own
    store."""
    role = api_actor().role

    def run(_key):
        loc = locations.create_bin(db.session, **body, role=role)
        return {"code": loc.code, "store": loc.store, "kind": loc.kind}

    return write(run, status=201)
