"""Pages for labels: the print queue with printer states, reprint/cancel, bin labels for a range, labels for a
receipt note."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from service_app.extensions import db
from service_app.web.common import permission_required, post
from warehouse.errors import DomainError
from warehouse.locations.queries import bins_between
from warehouse.printing import services as printing
from warehouse.printing.items import receipt_labels as receipt_label_items
from warehouse.printing.policy import PrinterPolicy
from warehouse.printing.queries import named_printers

bp = Blueprint("printing", __name__)


def _commit(action, ok_message: str) -> bool:
    """Run, commit and say so; a domain error is flashed by `post` and nothing is written."""
    def done(result):
        flash(ok_message.format(result=result), "ok")
        return True

    return bool(post(action, done))


def printer_choices() -> list[tuple[str, str]]:
    default = current_app.config["PRINTER_URL"]
    named = named_printers(db.session, besides=default)
    # Printers by their names (the print queue page lists their addresses); the default one is "Default printer".
    return [(default, _("Default printer"))] + [(p.url, p.name or p.url) for p in named]


@bp.route("/print-queue")
@permission_required("labels.print")
def queue():
    states = request.args.getlist("state")
    view = printing.queue_view(db.session, states=states or None, limit=200)
    default = current_app.config["PRINTER_URL"]
    printer_names = dict(printer_choices())
    return render_template("printing/queue.html", view=view, states=states, default=default,
                           printer_names=printer_names)


def _job(read):
    try:
        return read()
    except DomainError:
        abort(404)
    finally:
        db.session.rollback()


@bp.route("/print-queue/<int:job_id>/preview.png")
@permission_required("labels.print")
def job_preview(job_id):
    """The job's first label as the printer would print it (PNG)."""
    png = _job(lambda: printing.job_preview(db.session, job_id=job_id))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/print-queue/<int:job_id>/output")
@permission_required("labels.print")
def job_output(job_id):
    """The exact bytes the printer gets: the PDF (opened in the browser) or the ZPL/TSPL file (downloaded)."""
    data, mime, filename = _job(lambda: printing.job_output(db.session, job_id=job_id))
    disposition = "inline" if mime == "application/pdf" else "attachment"
    return Response(data, mimetype=mime, headers={"Content-Disposition": f"{disposition}; filename={filename}"})


@bp.route("/print-queue/<int:job_id>/file")
@permission_required("labels.print")
def job_file(job_id):
    """The file a folder printer (`file://`) wrote for this job."""
    path = _job(lambda: printing.delivered_file(db.session, job_id=job_id))
    if not path:
        abort(404)
    return send_file(path, as_attachment=not path.endswith(".pdf"))


@bp.route("/print-queue/<int:job_id>/<action>", methods=["POST"])
@permission_required("labels.print")
def job_action(job_id, action):
    if action == "reprint":
        _commit(lambda: printing.reprint(db.session, job_id=job_id, actor=current_user.username).id,
                _("Reprint queued as job {result}."))
    elif action == "cancel":
        _commit(lambda: printing.cancel(db.session, job_id=job_id, actor=current_user.username).id,
                _("Job {result} cancelled."))
    return redirect(url_for("printing.queue"))


@bp.route("/print-queue/check-printers", methods=["POST"])
@permission_required("labels.print")
def check_printers():
    urls = printing.printers_to_check(db.session)
    db.session.rollback()  # no transaction stays open while printers are asked
    statuses = printing.probe(urls, resolver=PrinterPolicy.from_config(current_app.config).guard())
    _commit(lambda: printing.record_statuses(db.session, statuses=statuses), _("{result} printer(s) checked."))
    return redirect(url_for("printing.queue"))


@bp.route("/labels/bins", methods=["GET", "POST"])
@permission_required("labels.print")
def bin_labels():
    """Bin labels for a range of bins (by code, inclusive), one job."""
    if request.method == "POST":
        first = request.form.get("first", "").strip().upper()
        last = request.form.get("last", "").strip().upper() or first
        bins = bins_between(db.session, first=first, last=last)
        if not bins:
            flash(_("No bins in that range."), "error")
        else:
            def run():
                url = printing.allowed_printer(db.session, request.form.get("printer"),
                                               default=current_app.config["PRINTER_URL"])
                return printing.enqueue(db.session, template="bin", items=bins,
                                        printer_url=url, actor=current_user.username).id

            if _commit(run, _("Bin labels queued as job {result}.")):
                return redirect(url_for("printing.queue"))
    return render_template("printing/bin_labels.html", printers=printer_choices())


@bp.route("/receipts/<doc_no>/labels", methods=["POST"])
@permission_required("labels.print")
def receipt_labels(doc_no):
    """A part label for every unit on a receipt note: one job (a receipt of 200 parts is one job of 200 labels)."""
    items = receipt_label_items(db.session, doc_no=doc_no)
    if not items:
        flash(_("Nothing to label on this receipt note."), "error")
    else:
        def run():
            url = printing.allowed_printer(db.session, request.form.get("printer"),
                                           default=current_app.config["PRINTER_URL"])
            return printing.enqueue(db.session, template="part", items=items, printer_url=url,
                                    actor=current_user.username).id

        _commit(run, _("Part labels queued as job {result}."))
    return redirect(url_for("web.receipt", doc_no=doc_no))
