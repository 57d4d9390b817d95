"""Customer-care pages: the knowledge base (search by words, model, part or pinyin initials; write, submit, review),
checklists, inspections of dealers and stations with their corrective actions and follow-ups, the stations' files
and ranking, and service-quality checks with the compliance rate per agent. Writes go through `post()` to the
`warehouse.care` use cases the API calls too; a refusal is flashed and nothing is written."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from service_app.extensions import db
from service_app.web.common import permission_required, post
from warehouse.care import checklists, inspections, knowledge, kpis, quality_checks, rules
from warehouse.db import utcnow
from warehouse.errors import DomainError, ValidationError

bp = Blueprint("care", __name__)


class Csrf(FlaskForm):
    """The pages' forms are read field by field (their items depend on the checklist); this carries the token."""


def _read(fn, *a, **kw):
    """A read for a page: 404 for what does not exist, the transaction ended either way."""
    try:
        return fn(db.session, *a, **kw)
    except DomainError:
        abort(404)
    finally:
        db.session.rollback()


def _valid() -> bool:
    if not Csrf().validate_on_submit():
        flash(_("The form expired; send it again."), "error")
        return False
    return True


def _int(name: str):
    """A whole number typed in a form field; None when empty, the text itself when it is not one (the domain
    refuses it with a message naming the field)."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if len(raw) > 12 or not raw.lstrip("-").isdigit():
        return raw[:20]  # not a whole number the domain could take (and never a 5,000-digit int())
    return int(raw)


def _day(name: str):
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(field=name, reason="bad_date")


def _scores(sheet: dict) -> list[dict]:
    return [{"item": it["item"], "score": _int(f"score-{it['item']}"), "comment": request.form.get(f"comment-{it['item']}")}
            for it in sheet["items"]]


def _month_arg() -> str:
    month = request.args.get("month") or utcnow().strftime("%Y-%m")
    return month if kpis.MONTH.match(month) else utcnow().strftime("%Y-%m")


# --- knowledge base -------------------------------------------------------------------------------------------------

@bp.route("/care/kb")
@permission_required("kb.read")
def kb():
    args = {k: (request.args.get(k) or "").strip()[:rules.QUERY_LEN] for k in ("q", "model", "part_number")}
    status = request.args.get("status") or "published"
    status = status if status in rules.KB_STATES + ("any",) else "published"
    entries, error = [], None
    try:
        entries = knowledge.search(db.session, q=args["q"] or None, model=args["model"] or None,
                                   part_number=args["part_number"] or None,
                                   status=None if status == "any" else status)
    except DomainError as exc:
        from service_app.error_messages import render
        error = render(exc)[1]
    finally:
        db.session.rollback()
    return render_template("care/kb.html", entries=entries, args=args, status=status, error=error,
                           statuses=rules.KB_STATES)


def _entry_fields() -> dict:
    return {f: request.form.get(f) for f in ("title", "model", "part_number", "symptom", "cause", "solution")}


@bp.route("/care/kb/new", methods=["GET", "POST"])
@permission_required("kb.write")
def kb_new():
    values = {}
    if request.method == "POST" and _valid():
        values = _entry_fields()
        done = post(lambda: knowledge.create_entry(db.session, actor=current_user.username, **values),
                    lambda e: e.id)
        if done is not None:
            flash(_("Entry saved as a draft."), "ok")
            return redirect(url_for("care.kb_entry", entry_id=done))
    elif request.method == "POST":
        values = _entry_fields()
    return render_template("care/kb_form.html", values=values, form=Csrf(), entry=None), \
        400 if request.method == "POST" else 200


@bp.route("/care/kb/<int:entry_id>")
@permission_required("kb.read")
def kb_entry(entry_id):
    e = _read(knowledge.entry_view, entry_id)
    return render_template("care/kb_entry.html", e=e, form=Csrf())


@bp.route("/care/kb/<int:entry_id>/edit", methods=["GET", "POST"])
@permission_required("kb.write")
def kb_edit(entry_id):
    e = _read(knowledge.entry_view, entry_id)
    values = e
    if request.method == "POST" and _valid():
        values = _entry_fields()
        done = post(lambda: knowledge.update_entry(db.session, entry_id=entry_id, actor=current_user.username,
                                                   **values))
        if done is not None:
            flash(_("Entry saved as a draft."), "ok")
            return redirect(url_for("care.kb_entry", entry_id=entry_id))
    return render_template("care/kb_form.html", values=values, form=Csrf(), entry=e), \
        400 if request.method == "POST" else 200


@bp.route("/care/kb/<int:entry_id>/submit", methods=["POST"])
@permission_required("kb.write")
def kb_submit(entry_id):
    if _valid() and post(lambda: knowledge.submit(db.session, entry_id=entry_id, actor=current_user.username)):
        flash(_("Sent for review."), "ok")
    return redirect(url_for("care.kb_entry", entry_id=entry_id))


@bp.route("/care/kb/<int:entry_id>/review", methods=["POST"])
@permission_required("kb.review")
def kb_review(entry_id):
    publish = request.form.get("decision") == "publish"
    if _valid() and post(lambda: knowledge.review(db.session, entry_id=entry_id, actor=current_user.username,
                                                  publish=publish, note=request.form.get("note"))):
        flash(_("Published.") if publish else _("Returned to the author."), "ok")
    return redirect(url_for("care.kb_entry", entry_id=entry_id))


# --- checklists -----------------------------------------------------------------------------------------------------

def _items_from_text(raw: str) -> list[dict]:
    """One item a line: "text | max score"."""
    items = []
    for line in (raw or "").splitlines():
        if not line.strip():
            continue
        txt, _sep, top = line.rpartition("|")
        try:
            items.append({"text": txt.strip(), "max_score": int(top.strip())})
        except ValueError:
            raise ValidationError(field="max_score", reason="not_integer")
    return items


@bp.route("/care/checklists", methods=["GET", "POST"])
@permission_required("inspections.read")
def checklists_page():
    status = 200
    if request.method == "POST":
        if not current_user.can("inspections.write"):
            abort(403)
        if _valid():
            f = request.form
            done = post(lambda: checklists.create_checklist(
                db.session, actor=current_user.username, code=f.get("code"), name=f.get("name"),
                target=f.get("target"), pass_score=_int("pass_score"), items=_items_from_text(f.get("items"))))
            if done is not None:
                flash(_("Checklist saved."), "ok")
                return redirect(url_for("care.checklists_page"))
        status = 400
    return render_template("care/checklists.html", sheets=_read(checklists.list_checklists), form=Csrf(),
                           targets=rules.CHECKLIST_TARGETS, values=request.form), status


# --- inspections ----------------------------------------------------------------------------------------------------

@bp.route("/care/inspections")
@permission_required("inspections.read")
def inspections_page():
    return render_template("care/inspections.html", rows=_read(inspections.list_inspections),
                           actions=_read(inspections.list_actions, open_only=True),
                           sheets=_read(checklists.list_checklists))


def _targets(kind: str) -> list[tuple[str, str]]:
    if kind == "station":
        return [(s["code"], s["name"]) for s in _read(inspections.stations)]
    return [(d["code"], d["name"]) for d in _read(inspections.dealers)]


@bp.route("/care/inspections/new", methods=["GET", "POST"])
@permission_required("inspections.write")
def inspection_new():
    code = request.values.get("checklist") or ""
    sheet = _read(checklists.checklist_view, code)
    if sheet["target"] not in rules.TARGETS:
        abort(404)
    status = 200
    if request.method == "POST":
        if _valid():
            f = request.form
            actions = [{"description": f.get(f"action-{i}"), "due_on": _day(f"due-{i}")}
                       for i in range(1, 4) if (f.get(f"action-{i}") or "").strip()]

            def run():
                return inspections.record_inspection(
                    db.session, actor=current_user.username, target_kind=sheet["target"], target=f.get("target"),
                    checklist=sheet["code"], inspected_on=_day("inspected_on"), scores=_scores(sheet),
                    notes=f.get("notes"), actions=actions)
            try:
                done = post(run, lambda i: i.id)
            except DomainError as exc:  # a date that is not one, read before the write frame
                from service_app.error_messages import render
                flash(render(exc)[1], "error")
                done = None
            if done is not None:
                flash(_("Inspection recorded."), "ok")
                return redirect(url_for("care.inspection", inspection_id=done))
        status = 400
    return render_template("care/inspection_new.html", sheet=sheet, targets=_targets(sheet["target"]), form=Csrf(),
                           values=request.form, today=utcnow().date().isoformat()), status


@bp.route("/care/inspections/<int:inspection_id>")
@permission_required("inspections.read")
def inspection(inspection_id):
    return render_template("care/inspection.html", i=_read(inspections.inspection_view, inspection_id), form=Csrf())


@bp.route("/care/actions/<int:action_id>/follow-up", methods=["POST"])
@permission_required("inspections.write")
def follow_up(action_id):
    back = request.form.get("inspection_id", type=int)
    if _valid() and post(lambda: inspections.follow_up(db.session, action_id=action_id, actor=current_user.username,
                                                       note=request.form.get("note"),
                                                       close=request.form.get("close") == "1")):
        flash(_("Follow-up recorded."), "ok")
    return redirect(url_for("care.inspection", inspection_id=back) if back else url_for("care.inspections_page"))


# --- stations -------------------------------------------------------------------------------------------------------

@bp.route("/care/stations")
@permission_required("inspections.read")
def ranking():
    month = _month_arg()
    start, end = kpis.month_range(month)
    return render_template("care/ranking.html", month=month,
                           rows=_read(kpis.station_ranking, start=start, end=end),
                           stations=_read(inspections.stations))


@bp.route("/care/stations/<code>", methods=["GET", "POST"])
@permission_required("inspections.read")
def station(code):
    status = 200
    if request.method == "POST":
        if not current_user.can("stations.write"):
            abort(403)
        if _valid():
            f = request.form
            try:
                if f.get("what") == "training":
                    done = post(lambda: inspections.add_training(
                        db.session, repairman_id=_int("repairman_id"), actor=current_user.username,
                        course=f.get("course"), trained_on=_day("trained_on"),
                        passed={"1": True, "0": False}.get(f.get("passed")), certificate_no=f.get("certificate_no")))
                else:
                    done = post(lambda: inspections.add_repairman(
                        db.session, station=code, name=f.get("name"), phone=f.get("phone"),
                        qualification=f.get("qualification"), joined_on=_day("joined_on")))
            except DomainError as exc:
                from service_app.error_messages import render
                flash(render(exc)[1], "error")
                done = None
            if done is not None:
                flash(_("Saved."), "ok")
                return redirect(url_for("care.station", code=code))
        status = 400
    return render_template("care/station.html", s=_read(inspections.station_file, code), form=Csrf()), status


# --- service checks -------------------------------------------------------------------------------------------------

@bp.route("/care/checks")
@permission_required("service_checks.read")
def checks():
    month = _month_arg()
    return render_template("care/checks.html", month=month,
                           report=_read(quality_checks.compliance_report, month=month),
                           rows=_read(quality_checks.list_checks, month=month),
                           sheets=_read(checklists.list_checklists))


@bp.route("/care/checks/new", methods=["GET", "POST"])
@permission_required("service_checks.write")
def check_new():
    sheet = _read(checklists.checklist_view, request.values.get("checklist") or "")
    if sheet["target"] not in rules.CHECK_KINDS:
        abort(404)
    status = 200
    if request.method == "POST":
        if _valid():
            f = request.form
            done = post(lambda: quality_checks.record_check(
                db.session, actor=current_user.username, kind=sheet["target"], agent=(f.get("agent") or "").strip(),
                checklist=sheet["code"], scores=_scores(sheet), ticket_no=f.get("ticket_no") or None,
                comments=f.get("comments")), lambda c: c.id)
            if done is not None:
                flash(_("Check recorded."), "ok")
                return redirect(url_for("care.checks"))
        status = 400
    return render_template("care/check_new.html", sheet=sheet, form=Csrf(), values=request.form), status

