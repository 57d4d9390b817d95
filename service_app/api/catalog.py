from __future__ import annotations

from flask_smorest import Blueprint

from service_app.api import schemas
from service_app.api.common import read, write
from service_app.auth.identity import require
from service_app.extensions import db
from warehouse.catalog import services as catalog
from warehouse.catalog.models import Part
from warehouse.catalog.queries import get_part, search_parts
from warehouse.locations import services as locations

blp = Blueprint("api_catalog", __name__, description="Parts and bins")


def part_dict(p: Part) -> dict:
    return {"part_number": p.part_number, "name": p.name, "name_en": p.name_en, "unit": p.unit,
            "category": p.category, "supplier": p.supplier.code if p.supplier else None,
            "standard_cost": f"{p.standard_cost:.2f}", "dealer_price": f"{p.dealer_price:.2f}",
            "reorder_point": p.reorder_point, "barcodes": [b.code for b in p.barcodes]}


@blp.route("/parts", methods=["POST"])
@blp.arguments(schemas.PartCreate())
@blp.response(201, schemas.PartOut)
@require("catalog.write")
def create_part(body):
    """Create a part (part number, Chinese and English names, costs, barcodes)."""
    return write(lambda _key: part_dict(catalog.create_part(db.session, **body)), status=201)


@blp.route("/parts", methods=["GET"])
@blp.response(200, schemas.PartOut(many=True))
@require("catalog.read")
def list_parts():
    """Search parts by number or name (`?q=`, `?category=`, `?limit=`, `?offset=`)."""
    from flask import request

    limit = min(request.args.get("limit", 50, type=int) or 50, 500)
    parts = search_parts(db.session, request.args.get("q"), category=request.args.get("category"), limit=limit,
                         offset=max(request.args.get("offset", 0, type=int) or 0, 0))
    return read({"parts": [part_dict(p) for p in parts]})


@blp.route("/parts/<part_number>", methods=["GET"])
@blp.response(200, schemas.PartOut)
@require("catalog.read")
def show_part(part_number):
    return read(part_dict(get_part(db.session, part_number)))


@blp.route("/locations", methods=["POST"])
@blp.arguments(schemas.LocationCreate())
@blp.response(201, schemas.LocationOut)
@require("locations.write")
def create_location(body):
    """Create a bin in the NEW or RETURNED store (codes like N-A01-03 / R-B02-01)."""

    def run(_key):
        loc = locations.create_bin(db.session, **body)
        return {"code": loc.code, "store": loc.store, "kind": loc.kind}

    return write(run, status=201)
