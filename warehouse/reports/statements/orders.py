"""订单日统计表 (daily orders): the dealer orders taken on a day, by dealer and channel — orders, lines, quantity,
amount net of tax and amount with tax — with a subtotal per dealer and a total.

An order counts on the day it was entered (`dealer_order.created_at`, UTC day); a cancelled order does not count,
nor does a backorder (the rest of an order already counted, split off when it shipped short). Lines and quantity
are the order's lines as ordered; the net amount is Σ qty × unit price (exact cents); the amount with tax is the
order's total as entered (the net plus its tax rounded half up once per order).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.dealers.models import Dealer
from warehouse.ledger.cost import sql_cents
from warehouse.orders.models import Order, OrderLine
from warehouse.reports import Column, Report
from warehouse.reports.statements import statement
from warehouse.reports.statements.period import Period
from warehouse.reports.statements.words import N_, Translate

TITLE = N_("Daily order statistics")
CAPTIONS = {"dealer": N_("Dealer"), "dealer_name": N_("Dealer name"), "channel": N_("Channel"),
            "orders": N_("Orders"), "lines": N_("Order lines"), "qty": N_("Quantity"),
            "net": N_("Amount (net)"), "gross": N_("Amount (with tax)")}
CHANNELS = {"phone": N_("Phone"), "fax": N_("Fax"), "chat": N_("Chat")}
BY_CHANNEL = N_("By channel: {counts}")
CENT = 100


def per_order():
    """Per order: its line count, quantity and net cents."""
    return (select(OrderLine.order_id, func.count().label("lines"), func.sum(OrderLine.qty).label("qty"),
                   func.sum(sql_cents(OrderLine.qty, OrderLine.unit_price)).label("net"))
            .group_by(OrderLine.order_id).subquery("per_order"))


def day_sums(session: Session, period: Period) -> list:
    o = per_order()
    q = (select(Dealer.code, Dealer.name, Order.channel, func.count(Order.id), func.coalesce(func.sum(o.c.lines), 0),
                func.coalesce(func.sum(o.c.qty), 0), func.coalesce(func.sum(o.c.net), 0), func.sum(Order.total))
         .join(Dealer, Dealer.id == Order.dealer_id).outerjoin(o, o.c.order_id == Order.id)
         .where(Order.created_at >= period.start_at, Order.created_at < period.end_at,
                Order.status != "cancelled", Order.backorder_of.is_(None))
         .group_by(Dealer.code, Dealer.name, Order.channel).order_by(Dealer.code, Order.channel))
    return session.execute(q).all()


def columns(t: Translate) -> list[Column]:
    kinds = {"orders": "qty", "lines": "qty", "qty": "qty", "net": "money", "gross": "money"}
    return [Column(k, t(c), kinds.get(k, "text"), width={"dealer_name": 20}.get(k)) for k, c in CAPTIONS.items()]


@statement("daily-orders", title=TITLE, periods=("day",), permission="orders.read")
def daily_orders(session: Session, *, period: Period, t: Translate) -> Report:
    sums = day_sums(session, period)
    rows, channels = [], {}
    for code, name, channel, n, lines, qty, net, gross in sums:
        label = t(CHANNELS.get(channel, channel))
        channels[label] = channels.get(label, 0) + n
        rows.append({"dealer": code, "dealer_name": name, "channel": label, "orders": n, "lines": int(lines),
                     "qty": int(qty), "net": Decimal(int(net)) / CENT, "gross": Decimal(gross or 0)})
    notes = [t(BY_CHANNEL).format(counts="，".join(f"{k} {v}" for k, v in channels.items()) or "0")]
    return Report(title=t(TITLE), period=period.label, columns=columns(t), rows=rows, group_by="dealer",
                  totals=True, signatures=True, notes=notes, sheet_name=period.label)
