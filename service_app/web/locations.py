"""Bin pages: the bins of a store, one bin with its stock and movement history."""
from __future__ import annotations

from flask import render_template, request

from service_app.extensions import db
from service_app.web.common import bp, permission_required
from service_app.web.stock import ReverseForm
from warehouse.ledger import queries
from warehouse.locations.queries import bins as bins_of_store


@bp.route("/bins")
@permission_required("stock.read")
def bins():
    store = request.args.get("store", "NEW")
    return render_template("web/bins.html", bins=bins_of_store(db.session, store=store), store=store)


@bp.route("/bins/<code>")
@permission_required("stock.read")
def bin_detail(code):
    stock = queries.stock_in_bin(db.session, code)
    moves = queries.history(db.session, location=code, limit=100)
    return render_template("web/bin.html", stock=stock, moves=moves,
                           reversed_ids=queries.reversed_among(db.session, [m.id for m in moves]),
                           reverse_form=ReverseForm())
