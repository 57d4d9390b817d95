"""The home page: the work waiting for the signed-in user (figures from `warehouse.worklist`, each shown only to a
role whose permissions cover it, each linking to the page where the work is done), for the roles that handle
batch-quality problems (managers, the customer supervisor, quality) the parts failing faster than usual, then the
tiles of web/menu.py."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from service_app.extensions import db
from service_app.names import name
from service_app.web.common import bp
from service_app.web.menu import may
from warehouse import worklist
from warehouse.accounts.roles import STORE_OF_ROLE
from warehouse.db import utcnow
from warehouse.warranty import quality


def _tile(key: str, label: str, value, *, detail: str = "", endpoint: str | None = None, alert: bool = False,
          **args) -> dict:
    url = url_for(endpoint, **args) if endpoint and may(endpoint) else None
    return {"key": key, "label": label, "value": value, "detail": detail, "url": url, "alert": alert}


def work_tiles(user) -> list[dict]:
    """The figures this user's work is made of, in the order the day's work comes."""
    can, s, now = user.can, db.session, utcnow()
    store = STORE_OF_ROLE.get(user.role)
    # The manager and the admin hold every permission: they see the approvals and exceptions, not each worker's queue.
    boss = can("stocktake.approve")
    tiles: list[dict] = []
    if can("stock.receive") or can("stock.issue"):
        today = worklist.moves_today(s, store=store, now=now)
        r, i = today["receipt"], today["issue"]
        if can("stock.receive"):
            tiles.append(_tile("receipts_today", _("Receipts today"), r["documents"],
                               detail=_("%(lines)s lines, %(qty)s pcs", lines=r["lines"], qty=r["qty"]),
                               endpoint="web.scan"))
        tiles.append(_tile("issues_today", _("Issues today"), i["lines"],
                           detail=_("%(qty)s pcs", qty=i["qty"]), endpoint="web.scan"))
    if can("stock.count") or can("stocktake.approve"):
        st = worklist.open_stocktakes(s, store=store)
        if can("stock.count") and not can("stocktake.approve"):
            tiles.append(_tile("stocktake_bins", _("Bins to count"), st["bins_to_count"],
                               detail=_("%(n)s open stocktakes", n=st["open"]), endpoint="stocktake.stocktakes"))
        if can("stocktake.approve"):
            tiles.append(_tile("stocktake_approve", _("Counts to approve"), st["lines_to_approve"],
                               detail=_("%(n)s open stocktakes, %(bins)s bins to count", n=st["open"],
                                        bins=st["bins_to_count"]),
                               endpoint="stocktake.stocktakes", alert=st["lines_to_approve"] > 0))
    if can("claims.approve"):
        n = worklist.claims_waiting(s).get("pending_manager", 0)
        tiles.append(_tile("claims_decide", _("Rejections to approve"), n, endpoint="claims.to_decide", alert=n > 0))
    if can("orders.release") or can("orders.write") or can("orders.pick"):
        o = worklist.orders_waiting(s)
        if can("orders.release") or can("orders.write"):
            tiles.append(_tile("orders_held", _("Orders on credit hold"), o["held"], endpoint="orders.orders_list",
                               alert=o["held"] > 0, status="held"))
        if can("orders.write") and not boss:
            tiles.append(_tile("orders_written", _("Orders waiting for the written copy"), o["awaiting_written"],
                               endpoint="orders.orders_list", status="awaiting_written"))
        if can("orders.pick") and not boss:
            tiles.append(_tile("orders_pick", _("Orders to pick"), o["to_pick"], endpoint="orders.orders_list",
                               status="released"))
        if can("dealer_returns.decide"):
            tiles.append(_tile("returns_negotiating", _("Dealer returns to decide"), o["returns_negotiating"],
                               endpoint="returns.returns_list"))
    if can("labels.print"):
        n = worklist.print_failures(s)
        tiles.append(_tile("print_failed", _("Failed print jobs"), n, endpoint="printing.queue", alert=n > 0,
                           state="failed"))
    if can("reconciliation.read"):
        diff = worklist.card_differences(s)
        for st_code in ("NEW", "RETURNED"):
            tiles.append(_tile(f"card_diff_{st_code.lower()}", _("Cards that differ: %(store)s",
                                                                   store=name(st_code, "store")),
                               diff.get(st_code, 0), detail=_("bin cards disagreeing with the account"),
                               endpoint="stocktake.reconciliation", store=st_code))
    if can("costs.read") and can("reconciliation.read"):
        for v in worklist.stock_value(s):
            tiles.append(_tile(f"stock_value_{v['store'].lower()}", _("Stock value: %(store)s",
                                                                        store=name(v["store"], "store")),
                               f"{v['value']:,.2f}", detail=_("%(qty)s pcs", qty=f"{v['qty']:,}"),
                               endpoint="reports.index"))
    if can("claims.assess") and not boss:
        n = worklist.claims_waiting(s).get("filed", 0)
        tiles.append(_tile("claims_assess", _("Claims to assess"), n, endpoint="claims.assess_queue"))
    if can("claims.confirm") and not boss:
        n = worklist.claims_waiting(s).get("pending_quality", 0)
        tiles.append(_tile("claims_confirm", _("Claims to confirm"), n, endpoint="claims.to_confirm"))
    if can("tickets.work") and not boss:
        t = worklist.tickets_waiting(s, technician=user.username, now=now)
        tiles.append(_tile("my_jobs", _("My open jobs"), t["mine"],
                           detail=_("%(n)s overdue", n=t["mine_overdue"]), endpoint="service.my_jobs",
                           alert=t["mine_overdue"] > 0))
    if can("tickets.read") and not can("tickets.work") or can("tickets.write"):
        t = worklist.tickets_waiting(s, now=now)
        if can("tickets.write") and not boss:
            tiles.append(_tile("tickets_undispatched", _("Tickets to dispatch"), t["undispatched"],
                               detail=_("%(n)s logged today", n=t["today"]), endpoint="service.board"))
        tiles.append(_tile("tickets_overdue", _("Tickets overdue on site"), t["overdue"], endpoint="service.tickets",
                           alert=t["overdue"] > 0, late="1"))
    db.session.rollback()
    return tiles


@bp.route("/")
@login_required
def home():
    alerts = quality.alerts(db.session) if may("warranty.alerts") else []
    return render_template("web/home.html", work=work_tiles(current_user), alerts=alerts)
