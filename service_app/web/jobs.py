"""Background-job pages: one job's progress (polled by static/js/jobs.js through the JSON API) with its result to
download, my recent jobs, and cancelling. Only the job's owner, or a role with `jobs.all`, sees a job."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from service_app.api.jobs import job_json
from service_app.extensions import db
from warehouse.jobs import services as jobs

bp = Blueprint("jobs", __name__)

# Stage codes handlers report (warehouse.jobs.worker.JobContext.progress), in the reader's language.
STAGES = {"reading": _l("Reading the data"), "checking": _l("Checking the rows"), "writing": _l("Writing the file"),
          "saving": _l("Saving")}
KINDS = {"reconciliation_export": _l("Reconciliation export"), "statement": _l("Statement")}


def state_words() -> dict[str, str]:
    return {"queued": _("Waiting for a worker"), "running": _("Running"), "done": _("Done"), "failed": _("Failed"),
            "cancelled": _("Cancelled")}


def _who() -> dict:
    return {"actor": current_user.username, "see_all": current_user.can("jobs.all")}


@bp.route("/jobs")
@login_required
def mine():
    return render_template("jobs/list.html", jobs=jobs.list_jobs(db.session, actor=current_user.username, limit=50),
                           states=state_words(), kinds=KINDS)


@bp.route("/jobs/<int:job_id>")
@login_required
def page(job_id):
    job = job_json(jobs.get_job(db.session, job_id=job_id, **_who()))
    return render_template("jobs/job.html", job=job, states=state_words(), kinds=KINDS,
                           stages={k: str(v) for k, v in STAGES.items()})


@bp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
@login_required
def cancel(job_id):
    try:
        jobs.cancel(db.session, job_id=job_id, **_who())
        db.session.commit()
        flash(_("Job cancelled."), "ok")
    except jobs.JobNotCancellable:
        db.session.rollback()
        flash(_("This job has finished and can no longer be cancelled."), "error")
    return redirect(url_for("jobs.page", job_id=job_id))
