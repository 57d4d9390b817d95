"""Dealer orders and their pick lists (`SO-20261103-0001`): scanning one in pick mode selects it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.orders.models import Order
from warehouse.scanning.registry import Found, resolver


@resolver("order")
def order(session: Session, c: Classified) -> Found | None:
    row = session.execute(select(Order.order_no, Order.status).where(Order.order_no == c.value)).first()
    return Found({"kind": "order", "order_no": row.order_no, "status": row.status}) if row else None
