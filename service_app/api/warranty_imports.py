"""Imports of the warranty lists (sold units; the part–model compatibility list) from CSV or XLSX.

`dry_run=true` checks the file in the request and answers every bad row with its reason, writing nothing. Without it
the file is kept (as an `import` attachment, checked by its content) and a background job imports it, so 100,000
rows never hold a web worker: the answer is 202 with the job, whose progress, row errors and summary are read from
`/api/v1/jobs/<id>`.
"""
from __future__ import annotations

import hashlib

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from service_app.api.attachments import FileField, signed_in
from service_app.api.common import read, write
from service_app.auth.identity import api_actor, require
from service_app.extensions import db
from service_app.uploads import accepts_upload, read_upload
from warehouse.attachments import content
from warehouse.db import utcnow
from warehouse.warranty import jobs as imports


class MultipartParser(FlaskParser):
    def load_files(self, req, schema):
        """The form fields and the file of one multipart body, described by one schema."""
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()


blp = _Blueprint("api_warranty_imports", __name__, description="Warranty: unit and compatibility list imports")


class ImportIn(Schema):
    file = FileField(required=True, metadata={
        "description": f"CSV (UTF-8 or GB18030) or XLSX, ≤ {content.MAX_BYTES // (1024 * 1024)} MB"})
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check only: answer every bad row"})


class ImportRowError(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "as Excel numbers it (1 is the header)"})
    field = fields.String()
    reason = fields.String(metadata={"description": "bad_serial, bad_model, bad_date, out_of_range, "
                                                    "unknown_dealer, unknown_part, duplicate_in_file, …"})
    serial = fields.String()
    part_number = fields.String()


class DryRunOut(Schema):
    dry_run = fields.Boolean()
    rows = fields.Integer()
    written = fields.Integer()
    unchanged = fields.Integer(metadata={"description": "already registered with the same data"})
    errors = fields.List(fields.Nested(ImportRowError))


class QueuedOut(Schema):
    job_id = fields.Integer()
    kind = fields.String()
    state = fields.String()
    url = fields.String(metadata={"description": "GET it for progress, row errors and the summary"})


def _import(what: str, form):
    actor = api_actor()
    storage = form["file"]
    data = read_upload(storage)
    today = utcnow().date()
    if form["dry_run"]:
        return read(imports.dry_run(db.session, what=what, data=data, filename=storage.filename, today=today))

    def run(_key):
        job = imports.queue_import(db.session, what=what, data=data, filename=storage.filename, today=today,
                                   actor=actor.username, role=actor.role)
        return {"job_id": job.id, "kind": job.kind, "state": job.state,
                "url": url_for("api_jobs.show", job_id=job.id)}

    identity = "\n".join((what, storage.filename or "", hashlib.sha256(data).hexdigest())).encode(
        "utf-8", "surrogatepass")
    return write(run, status=202, body_identity=identity)


@blp.route("/units/import", methods=["POST"])
@accepts_upload
@signed_in
@require("warranty.write")
@blp.arguments(ImportIn, location="files")
@blp.response(200, DryRunOut)
@blp.alt_response(202, schema=QueuedOut, description="the import job was queued")
@blp.alt_response(413, description="the file is over 10 MB (`attachment_too_large`)")
@blp.alt_response(415, description="not a CSV or XLSX (`attachment_type_refused`)")
def import_units(form):
    """Sold units from CSV/XLSX (columns 序列号/serial, 机型/model, 销售日期/sold_on; optional dealer, customer,
    phone, address, usage). Importing the same file again changes nothing."""
    return _import("units", form)


@blp.route("/part-fits/import", methods=["POST"])
@accepts_upload
@signed_in
@require("warranty.write")
@blp.arguments(ImportIn, location="files")
@blp.response(200, DryRunOut)
@blp.alt_response(202, schema=QueuedOut, description="the import job was queued")
@blp.alt_response(413, description="the file is over 10 MB (`attachment_too_large`)")
@blp.alt_response(415, description="not a CSV or XLSX (`attachment_type_refused`)")
def import_fits(form):
    """The part–model compatibility list (columns part_number/配件号, model/机型): each part in the file gets
    exactly the models listed for it."""
    return _import("fits", form)
