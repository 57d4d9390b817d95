"""Supplier return pages (旧件返厂) for the returned-parts clerk: the batches with their states and the suppliers
whose parts wait in the store, one batch built by scanning claim tags out of RETURNED bins, shipped, its return note
(PDF), the supplier's acceptance and credit recorded line by line, the manager's approval to scrap what was refused;
and the recovery view (claimed vs recovered per supplier and month). Thin views over warehouse.warranty.returns."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from scanners.codes import classify
from service_app.error_messages import render
from service_app.extensions import db
from service_app.report_labels import report_labels
from service_app.web.common import permission_required, post, who
from warehouse import limits
from warehouse.errors import DomainError
from warehouse.warranty import papers, queries, returns

bp = Blueprint("supplier_returns", __name__)

STATES = ("open", "shipped", "closed")


def _state_words() -> dict[str, str]:
    return {"open": _("Open: adding parts"), "shipped": _("Shipped, waiting for the supplier"),
            "closed": _("Closed")}


@bp.app_template_global()
def batch_state(status: str) -> str:
    return _state_words().get(status, status)


def _batch_or_404(batch_no: str) -> dict:
    try:
        return returns.batch_view(db.session, batch_no)
    except DomainError as exc:
        status, message = render(exc)
        abort(status, message)


@bp.route("/supplier-returns")
@permission_required("returns.read")
def batches():
    status = request.args.get("status")
    status = status if status in STATES else None
    return render_template("supplier_returns/list.html", rows=returns.list_batches(db.session, status=status),
                           status=status, states=STATES, waiting=returns.waiting_by_supplier(db.session))


@bp.route("/supplier-returns/new", methods=["POST"])
@permission_required("returns.write")
def open_batch():
    supplier = (request.form.get("supplier") or "").strip()[:40]
    done = post(lambda: returns.open_batch(db.session, supplier=supplier, actor=current_user.username).batch_no)
    if done is None:
        return redirect(url_for("supplier_returns.batches"))
    flash(_("Return batch %(no)s opened: scan the tags of the parts going back.", no=done), "ok")
    return redirect(url_for("supplier_returns.detail", batch_no=done))


@bp.route("/supplier-returns/<batch_no>")
@permission_required("returns.read")
def detail(batch_no):
    batch = _batch_or_404(batch_no)
    waiting = []
    if batch["status"] == "open":
        waiting = [p for p in queries.returned_store(db.session, supplier=batch["supplier"], limit=500)
                   if p["batch_no"] is None]
    return render_template("supplier_returns/detail.html", b=batch, waiting=waiting,
                           scan_len=limits.SCAN_CODE_LEN)


@bp.route("/supplier-returns/<batch_no>/scan", methods=["POST"])
@permission_required("returns.write")
def scan(batch_no):
    """A scanned claim tag (or its number typed) adds the claim's part to the batch."""
    code = (request.form.get("code") or "").strip()[:limits.SCAN_CODE_LEN]
    if not code:
        flash(_("Scan the tag of a part in the returned-parts store."), "error")
    else:
        c = classify(code)
        claim_no = c.value if c.kind == "claim" else code
        done = post(lambda: returns.add_claim(db.session, batch_no=batch_no, claim_no=claim_no).claim_no)
        if done is not None:
            flash(_("%(claim)s added to the batch.", claim=done), "ok")
    return redirect(url_for("supplier_returns.detail", batch_no=batch_no))


@bp.route("/supplier-returns/<batch_no>/ship", methods=["POST"])
@permission_required("returns.write")
def ship(batch_no):
    done = post(lambda: returns.ship(db.session, batch_no=batch_no, actor=current_user.username,
                                     role=current_user.role).batch_no)
    if done is not None:
        flash(_("Batch %(no)s shipped: the parts left the returned-parts store.", no=done), "ok")
    return redirect(url_for("supplier_returns.detail", batch_no=batch_no))


@bp.route("/supplier-returns/<batch_no>/lines/<claim_no>/settle", methods=["POST"])
@permission_required("returns.write")
def settle(batch_no, claim_no):
    """The supplier's answer for one line: parts accepted and the amount credited (recovery)."""
    raw = (request.form.get("accepted_qty") or "").strip()
    accepted = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else raw
    recovered = (request.form.get("recovered") or "").strip()[:20]
    done = post(lambda: returns.settle_line(db.session, batch_no=batch_no, claim_no=claim_no, accepted_qty=accepted,
                                            recovered=recovered).claim_no)
    if done is not None:
        flash(_("%(claim)s: the supplier's answer is recorded.", claim=done), "ok")
    return redirect(url_for("supplier_returns.detail", batch_no=batch_no))


@bp.route("/supplier-returns/<batch_no>/lines/<claim_no>/scrap", methods=["POST"])
@permission_required("returns.scrap")
def scrap(batch_no, claim_no):
    done = post(lambda: returns.approve_scrap(db.session, batch_no=batch_no, claim_no=claim_no,
                                              actor=who()["actor"]).claim_no)
    if done is not None:
        flash(_("%(claim)s: scrapping the refused parts is approved.", claim=done), "ok")
    return redirect(url_for("supplier_returns.detail", batch_no=batch_no))


@bp.route("/supplier-returns/<batch_no>/note.pdf")
@permission_required("returns.read")
def note(batch_no):
    """The return note (旧件退货单) that goes with the parts, in Chinese whatever the reader's language."""
    with force_locale("zh_CN"):
        labels = report_labels()
    try:
        data = papers.return_note(db.session, batch_no=batch_no, printed_by=current_user.username, labels=labels)
    except DomainError as exc:
        status, message = render(exc)
        abort(status, message)
    finally:
        db.session.rollback()
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{batch_no.strip().upper()[:32]}.pdf"'})


@bp.route("/recovery")
@permission_required("returns.read")
def recovery():
    """Claimed from suppliers vs recovered, per supplier and month of shipping."""
    year = request.args.get("year", type=int)
    year = year if year and 2000 <= year <= 2100 else None
    return render_template("supplier_returns/recovery.html", rows=returns.recovery(db.session, year=year), year=year)
