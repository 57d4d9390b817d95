"""Background jobs: look at one (state, progress, error, result), download its result, cancel it, list mine.

A user sees their own jobs; a role with `jobs.all` (manager, admin) sees everyone's. Anyone else's job answers 404
`unknown_job`, as if it did not exist. Jobs are queued by the pages and endpoints of the areas that own the work.
"""
from __future__ import annotations

import io

from flask import request, send_file, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service_app.api.common import read, write
from service_app.auth.identity import api_actor
from service_app.error_messages import describe
from service_app.extensions import db
from warehouse.jobs import services as jobs

blp = Blueprint("api_jobs", __name__, description="Background jobs: progress, results, cancellation")


class JobProgressOut(Schema):
    done = fields.Integer()
    total = fields.Integer(allow_none=True)
    stage = fields.String(allow_none=True, metadata={"description": "a short stage code: reading, writing, …"})


class JobErrorOut(Schema):
    code = fields.String()
    message = fields.String(metadata={"description": "in the caller's language (Accept-Language)"})


class JobResultOut(Schema):
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    url = fields.String(metadata={"description": "GET it to download the file"})


class BackgroundJobOut(Schema):
    job_id = fields.Integer()
    kind = fields.String()
    state = fields.String(metadata={"description": "queued | running | done | failed | cancelled"})
    created_by = fields.String()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "when the job and its result are deleted"})
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    progress = fields.Nested(JobProgressOut)
    error = fields.Nested(JobErrorOut, allow_none=True)
    result = fields.Nested(JobResultOut, allow_none=True)
    row_errors = fields.Integer(metadata={"description": "how many row errors the job reported"})


class BackgroundJobList(Schema):
    jobs = fields.List(fields.Nested(BackgroundJobOut))


class JobRowErrors(Schema):
    errors = fields.List(fields.Dict(), metadata={"description": "one object per row: its number, code, fields"})


def _who() -> dict:
    actor = api_actor()
    return {"actor": actor.username, "see_all": actor.can("jobs.all")}


def job_json(job) -> dict:
    """A job as the API (and the job page's poll) shows it: dates in ISO 8601, the error in the caller's language."""
    view = jobs.job_view(job)
    for key in ("created_at", "started_at", "finished_at", "expires_at"):
        view[key] = view[key].isoformat() if view[key] else None
    if view["error"]:
        view["error"] = {"code": view["error"]["code"], "message": describe(view["error"]["code"],
                                                                           view["error"]["params"])[1]}
    if view["result"]:
        view["result"]["url"] = url_for("api_jobs.result", job_id=job.id)
    return view


@blp.route("/jobs", methods=["GET"])
@blp.response(200, BackgroundJobList)
def my_jobs():
    """My most recent jobs, newest first (`?limit=`, at most 200)."""
    limit = request.args.get("limit", 20, type=int) or 20
    return read({"jobs": [job_json(j) for j in jobs.list_jobs(db.session, actor=api_actor().username,
                                                              limit=max(1, min(limit, 200)))]})


@blp.route("/jobs/<int:job_id>", methods=["GET"])
@blp.response(200, BackgroundJobOut)
def show(job_id):
    """A job's state, progress, error and result (poll it: it is one small read)."""
    return read(job_json(jobs.get_job(db.session, job_id=job_id, **_who())))


@blp.route("/jobs/<int:job_id>/result", methods=["GET"])
@blp.response(200, content_type="application/octet-stream",
              description="the result file, with its own content type and file name")
def result(job_id):
    """Download a finished job's file (404 `job_no_result` until it is done, or when it produced none)."""
    found = jobs.result_file(db.session, job_id=job_id, **_who())
    db.session.rollback()
    return send_file(io.BytesIO(found.data), mimetype=found.content_type, as_attachment=True,
                     download_name=found.filename)


@blp.route("/jobs/<int:job_id>/row-errors", methods=["GET"])
@blp.response(200, JobRowErrors)
def row_errors(job_id):
    """The rows a job could not take, as its handler reported them."""
    return read({"errors": jobs.row_errors(db.session, job_id=job_id, **_who())})


@blp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
@blp.response(200, BackgroundJobOut)
def cancel(job_id):
    """Cancel a queued or running job (409 `job_not_cancellable` once it has finished)."""
    who = _who()
    return write(lambda _k: job_json(jobs.cancel(db.session, job_id=job_id, **who)))
