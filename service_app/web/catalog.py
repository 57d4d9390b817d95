"""Part pages: search the catalog, one part with its stock and movement history."""
from __future__ import annotations

from flask import render_template, request

from service_app.extensions import db
from service_app.web.common import bp, permission_required
from service_app.web.stock import ReverseForm
from warehouse.catalog.queries import get_part, search_parts
from warehouse.ledger import queries


@bp.route("/parts")
@permission_required("catalog.read")
def parts():
    q = request.args.get("q", "").strip()[:64]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = search_parts(db.session, q or None, limit=50, offset=(page - 1) * 50)
    on_hand = queries.on_hand_by_store(db.session, [p.id for p in found])
    return render_template("web/parts.html", parts=found, q=q, page=page, on_hand=on_hand)


@bp.route("/parts/<part_number>")
@permission_required("catalog.read")
def part(part_number):
    p = get_part(db.session, part_number)
    moves = queries.history(db.session, part_number=p.part_number, limit=100)
    return render_template("web/part.html", part=p, stock=queries.stock_of_part(db.session, p.part_number),
                           moves=moves, reversed_ids=queries.reversed_among(db.session, [m.id for m in moves]),
                           reverse_form=ReverseForm())
