from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import lean_write, read
from service_app.api.fields import Device, Qty, Required, Str, Text
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits, scanning
from warehouse.printing import services as printing
from warehouse.errors import Forbidden

blp = Blueprint("api_scan", __name__, description="What a scanned code is; one scan-page step")


class Resolve(Schema):
    code = Required(limits.SCAN_CODE_LEN)


class ScanStep(Schema):
    code = Required(limits.SCAN_CODE_LEN)
    mode = Str(required=True, validate=validate.OneOf(limits.SCAN_MODES))
    location = Text(limits.LOCATION_CODE_LEN)
    to_location = Text(limits.LOCATION_CODE_LEN)
    qty = Qty(required=False, load_default=1)
    document = Text(limits.DOCUMENT_LEN)
    stocktake = fields.Integer(strict=True, allow_none=True)
    device = Device()
    print_labels = fields.Boolean(load_default=False,
                                  metadata={"description": "receive mode: queue a part label per unit received"})
    printer = Text(limits.PRINTER_URL_LEN, metadata={"description": "the station's printer (registered URL); default PRINTER_URL"})
    claim = Text(limits.DOCUMENT_LEN, metadata={"description": "intake mode: the claim whose tag was scanned; the "
                                                               "bin scanned now takes its failed part in"})
    intake_qty = Qty(required=False, allow_none=True, load_default=None,
                     metadata={"description": "intake mode: parts received, when fewer than claimed"})


class Resolved(Schema):
    kind = Str(metadata={"description": "part | location | mode | card | receipt | unit | claim | intake | ..."})

MODE_PERMISSION = {"receive": "stock.receive", "issue": "stock.issue", "transfer": "stock.transfer",
                   "count": "stock.count", "pick": "orders.pick", "intake": "returned.intake"}


@blp.route("/scan/resolve", methods=["POST"])
@blp.arguments(Resolve)
@blp.response(200, Resolved)
@require("stock.read")
def resolve(body):
    """Tell what any scanned text identifies: a part (own code, supplier EAN/GTIN, GS1), a bin, a mode code, a
    warranty claim's tag (`CL-YYYYMMDD-NNNN`), a unit's serial/VIN (when nothing else matched), ..."""
    return read(scanning.resolve(db.session, body["code"]))


@blp.route("/scan", methods=["POST"])
@blp.arguments(ScanStep)
@blp.response(200, Resolved)
@require("stock.read")
def scan(body):
    """One scan on the scan page: a bin or mode code selects; a part posts one move in the current mode. In
    `intake` mode a claim tag is checked (`not_assessed`, `already_taken_in`, `claim_rejected`) and the bin scanned
    next with `claim` set takes the claim's failed part in (answer kind `intake`, with the receipt `doc_no`)."""
    actor = api_actor()
    permission = MODE_PERMISSION[body["mode"]]
    if not actor.can(permission):
        raise Forbidden(role=actor.role, permission=permission)
    print_labels, printer = body.pop("print_labels"), body.pop("printer", None)
    if print_labels and not actor.can("labels.print"):
        raise Forbidden(role=actor.role, permission="labels.print")

    def run(session, key):
        label_printer = None
        if print_labels and body["mode"] == "receive":
            label_printer = printing.allowed_printer(session, printer, default=current_app.config["PRINTER_URL"])
        return scanning.scan_step(session, **body, actor=actor.username, role=actor.role, idempotency_key=key,
                                  label_printer=label_printer)

    return lean_write(run)
