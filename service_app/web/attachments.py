"""Attachments on pages: the panel on a record's page (list, thumbnails, an upload form) and the upload it posts.

Files are served by the API's download (`/api/v1/attachments/<id>/content`), which also accepts the page's session,
so the permission rules live in one place (warehouse/attachments).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from service_app.error_messages import render
from service_app.extensions import csrf, db
from service_app.uploads import accepts_upload, read_upload
from warehouse.attachments import queries, services
from warehouse.attachments.errors import UnknownOwner
from warehouse.attachments.owners import OWNERS
from warehouse.errors import DomainError, Forbidden

bp = Blueprint("attachments", __name__)
# The upload checks CSRF itself, after raising the body limit: the global check would read the form under 1 MB.
csrf.exempt(bp)

# The page that shows each owner kind's panel, to return to after an upload.
OWNER_PAGES = {"receipt": ("web.receipt", "doc_no"), "order": ("orders.detail", "order_no"),
               "claim": ("claims.detail", "claim_no"), "ticket": ("service.ticket", "ticket_no")}


@bp.app_template_global()
def attachments_of(owner_kind: str, owner_key: str) -> list[dict] | None:
    """The record's attachments for the signed-in user; None when their role may not read them (no panel)."""
    try:
        return queries.list_for(db.session, owner_kind=owner_kind, owner_key=owner_key, role=current_user.role,
                                 username=current_user.username)
    except (Forbidden, UnknownOwner):
        return None


@bp.app_template_global()
def may_attach(owner_kind: str) -> bool:
    owner = OWNERS.get(owner_kind)
    return owner is not None and current_user.is_authenticated and current_user.can(owner.write)


@bp.route("/attachments/<owner_kind>/<owner_key>", methods=["POST"])
@accepts_upload
@login_required
def upload(owner_kind, owner_key):
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        flash(_("Choose a file to attach."), "error")
    else:
        try:
            row = services.attach(db.session, owner_kind=owner_kind, owner_key=owner_key, filename=storage.filename,
                                  data=read_upload(storage), actor=current_user.username, role=current_user.role)
            db.session.commit()
            flash(_("Attached %(name)s.", name=row["filename"]), "ok")
        except DomainError as exc:
            db.session.rollback()
            flash(render(exc)[1], "error")
    page = OWNER_PAGES.get(owner_kind)
    return redirect(url_for(page[0], **{page[1]: owner_key}) if page else url_for("web.home"))
