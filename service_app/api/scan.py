from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from service_app.api import schemas
from service_app.api.common import read, write
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import scanning
from warehouse.printing import services as printing
from warehouse.errors import Forbidden

blp = Blueprint("api_scan", __name__, description="What a scanned code is; one scan-page step")

MODE_PERMISSION = {"receive": "stock.receive", "issue": "stock.issue", "transfer": "stock.transfer",
                   "count": "stock.count"}


@blp.route("/scan/resolve", methods=["POST"])
@blp.arguments(schemas.Resolve())
@blp.response(200, schemas.Resolved)
@require("stock.read")
def resolve(body):
    """Tell what any scanned text identifies: a part (own code, supplier EAN/GTIN, GS1), a bin, a mode code, ..."""
    return read(scanning.resolve(db.session, body["code"]))


@blp.route("/scan", methods=["POST"])
@blp.arguments(schemas.ScanStep())
@blp.response(200, schemas.Resolved)
@require("stock.read")
def scan(body):
    """One scan on the scan page: a bin or mode code selects; a part posts one move in the current mode."""
    actor = api_actor()
    permission = MODE_PERMISSION[body["mode"]]
    if not actor.can(permission):
        raise Forbidden(role=actor.role, permission=permission)
    print_labels, printer = body.pop("print_labels"), body.pop("printer", None)
    if print_labels and not actor.can("labels.print"):
        raise Forbidden(role=actor.role, permission="labels.print")

    def run(key):
        label_printer = None
        if print_labels and body["mode"] == "receive":
            label_printer = printing.allowed_printer(db.session, printer, default=current_app.config["PRINTER_URL"])
        return scanning.scan_step(db.session, **body, actor=actor.username, role=actor.role, idempotency_key=key,
                                  label_printer=label_printer)

    return write(run)
