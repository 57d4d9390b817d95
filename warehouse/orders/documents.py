"""An order's papers: the parcel labels (the `shipment` template through the print queue)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.orders.models import Order
from warehouse.printing import services as printing


def shipment_labels(order: Order) -> list[dict]:
    """One `shipment` label per parcel: "parcel n of m" for the dock."""
    parcels = order.parcels or 1
    day = (order.shipped_at or order.created_at).date().isoformat()
    return [{"order_no": order.order_no, "dealer": f"{order.dealer.code} {order.dealer.name}",
             "address": order.dealer.address or order.dealer.name, "parcel": n, "parcels": parcels, "date": day}
            for n in range(1, parcels + 1)]


def queue_shipment_labels(session: Session, *, order: Order, actor: str, printer_url: str) -> int:
    return printing.enqueue(session, template="shipment", items=shipment_labels(order), printer_url=printer_url,
                            actor=actor).id
