"""`shipment`: the parcel label of a dealer order. Code 128 of the order number, dealer, address and "parcel n of
m" in type a loader reads across the dock. Default stock 100 x 150 mm."""
from __future__ import annotations

from labels.errors import LabelError
from labels.fields import Fields
from labels.layout import Barcode, Element, Rect, rows, text

MARGIN = 3.0


def draw(f: Fields, w: float, h: float) -> list[Element]:
    order_no = f.code("order_no")
    dealer = f.text("dealer")
    address = f.text("address")
    parcel = f.count("parcel", minimum=1)
    parcels = f.count("parcels", minimum=1)
    date = f.date("date")
    if parcel > parcels:
        raise LabelError("bad_value", f"shipment: field 'parcel' = {parcel} is more than 'parcels' = {parcels}",
                         field="parcel")

    inner = w - 2 * MARGIN
    (head, bars, number, rule1, dealer_cap, dealer_box, addr_cap, addr_box, rule2, parcel_cap, parcel_box) = rows(
        MARGIN, h - MARGIN, [5.0, 30.0, 6.5, 0.4, 3.2, 13.0, 3.2, 22.0, 0.4, 3.2, None], gap=1.2)
    return [
        text(MARGIN, head[0], inner * 0.6, head[1], "发货 SHIPMENT", size=4.5),
        text(MARGIN + inner * 0.6, head[0], inner * 0.4, head[1], date, size=4.0, align="right", field="date"),
        Barcode(0, bars[0], w, bars[1], order_no, "order_no", max_module=0.5),
        text(MARGIN, number[0], inner, number[1], order_no, size=6.0, min_size=3.0, align="center",
             field="order_no"),
        Rect(MARGIN, rule1[0], inner, rule1[1]),
        text(MARGIN, dealer_cap[0], inner, dealer_cap[1], "收货经销商 Dealer", size=3.0),
        text(MARGIN, dealer_box[0], inner, dealer_box[1], dealer, size=5.5, min_size=3.0, max_lines=2,
             field="dealer"),
        text(MARGIN, addr_cap[0], inner, addr_cap[1], "地址 Address", size=3.0),
        text(MARGIN, addr_box[0], inner, addr_box[1], address, size=4.5, min_size=3.0, max_lines=4,
             field="address"),
        Rect(MARGIN, rule2[0], inner, rule2[1]),
        text(MARGIN, parcel_cap[0], inner, parcel_cap[1], "件数 Parcel", size=3.0),
        text(MARGIN, parcel_box[0], inner, parcel_box[1], f"{parcel} / {parcels}", size=24.0, min_size=8.0,
             align="center", middle=True, field="parcel"),
    ]
