from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.errors import ValidationError
from warehouse.printing import services as printing
from warehouse.printing.policy import PrinterPolicy

blp = Blueprint("api_printing", __name__, description="Labels: the durable print queue and the printers")


class PrintRequest(Schema):
    template = fields.String(required=True, validate=validate.Length(min=1, max=limits.TEMPLATE_LEN))
    data = fields.Dict(metadata={"description": "one label's fields"})
    items = fields.List(fields.Dict(), validate=validate.Length(min=1, max=printing.MAX_LABELS),
                        metadata={"description": "several labels in one job (instead of data)"})
    printer = fields.String(allow_none=True, validate=validate.Length(max=limits.PRINTER_URL_LEN),
                            metadata={"description": "a registered printer URL; default PRINTER_URL"})
    copies = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=printing.MAX_COPIES))


class JobOut(Schema):
    job_id = fields.Integer()
    template = fields.String()
    state = fields.String(metadata={"description": "queued | sending | done | failed | cancelled"})
    printer = fields.String()
    labels = fields.Integer()
    labels_done = fields.Integer()
    last_error = fields.String(allow_none=True)


class PrinterIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=limits.PRINTER_NAME_LEN))
    url = fields.String(required=True, validate=validate.Length(min=1, max=limits.PRINTER_URL_LEN))


@blp.route("/labels/print", methods=["POST"])
@blp.arguments(PrintRequest())
@blp.response(201, JobOut)
@require("labels.print")
def print_labels(body):
    """Queue labels: validated and rendered now (bad data queues nothing), delivered by the print worker."""
    if ("data" in body) == ("items" in body):
        raise ValidationError(field="data", reason="data_or_items")
    items = body.get("items") or [body["data"]]
    actor = api_actor()

    def run(_key):
        url = printing.allowed_printer(db.session, body.get("printer"), default=current_app.config["PRINTER_URL"])
        job = printing.enqueue(db.session, template=body["template"], items=items, printer_url=url,
                               copies=body["copies"], actor=actor.username)
        return printing.job_dict(job)

    return write(run, status=201)


@blp.route("/print-jobs", methods=["GET"])
@blp.response(200, JobOut(many=True))
@require("labels.print")
def jobs():
    """The queue, newest first (`?state=queued&state=failed`, `?limit=`), with counts per state and printers."""
    view = printing.queue_view(db.session, states=request.args.getlist("state") or None,
                               limit=min(request.args.get("limit", 100, type=int) or 100, 500))
    return read({"jobs": [printing.job_dict(j) for j in view.jobs], "counts": view.counts,
                 "printers": [printing.printer_dict(p) for p in view.printers]})


@blp.route("/print-jobs/<int:job_id>/reprint", methods=["POST"])
@blp.response(201, JobOut)
@require("labels.print")
def reprint(job_id):
    """Print a finished job's labels again (a new job); a job still queued or sending is refused (409)."""
    actor = api_actor()
    return write(lambda _k: printing.job_dict(printing.reprint(db.session, job_id=job_id, actor=actor.username)),
                 status=201)


@blp.route("/print-jobs/<int:job_id>/cancel", methods=["POST"])
@blp.response(200, JobOut)
@require("labels.print")
def cancel(job_id):
    """Stop a job that has not printed (queued or failed); a printed one is refused (409: reprint instead)."""
    actor = api_actor()
    return write(lambda _k: printing.job_dict(printing.cancel(db.session, job_id=job_id, actor=actor.username)))


@blp.route("/printers", methods=["POST"])
@blp.arguments(PrinterIn())
@blp.response(201, PrinterIn)
@require("printers.manage")
def register(body):
    """Name a printer URL so that stations may choose it (tcp://HOST:9100?lang=zpl|tspl, cups://QUEUE, file://DIR),
    within the site's printer rules (allowed hosts/networks and ports, the folder root, CUPS queue names, timeout
    0.5–30 s; docs/security.md): anything else is refused with 400."""
    policy = PrinterPolicy.from_config(current_app.config)
    return write(lambda _k: printing.printer_dict(printing.register_printer(db.session, **body, policy=policy)),
                 status=201)
