"""A hand-built month of dealer sales, returns, charged and warranty repairs, vans, stations and dealer account
lines (May 2024), with every figure of the statements over it worked out by hand in the tests.

Stock (April): A 10 @ 12.50, B 10 @ 3.3333, C 5 @ 2.00 into N-A01-01; A 2 to tech1's van (25.00).
Dealer sales:
  SO-0 (D001, 2024-04-10): A 1 @ 20.00, shipped 04-10            → April: revenue 20.00, cost 12.50
  SO-1 (D001, phone, 05-06): A 3 @ 20.00, B 2 @ 5.55, shipped 05-07 → revenue 60.00 + 11.10, cost 37.50 + 6.67
  SO-2 (D002, fax, 05-06):   C 4 @ 3.10, shipped 05-08             → revenue 12.40, cost 8.00
  SO-3 (D001, chat, 05-06):  A 1 @ 20.00, cancelled                 → not counted
  SO-4 (D001, phone, 05-06): backorder of SO-1, A 1                  → not counted
  SO-5 (D001, phone, 05-06): A 2 @ 20.00, not shipped                → ordered only (daily orders)
  RET-1 (D002, 05-20): C 1 @ 3.10 back into N-A01-01 at 2.00         → revenue −3.10, cost −2.00
Field service (tech1's van V-TECH1):
  05-03 refill B 3 (3 × 3.3333 = 9.9999 → 10.00)
  T-1 charged, completed 05-10: used A 1 (12.50); quote A 1 @ 26.00, labour 50.00
  T-2 warranty, completed 05-12: used B 1 (3.33) — a repair issue, not a sale
  05-25 B 1 back from the van to N-A01-01 (3.33)
  T-3 at station S01 (own stock), completed 05-15: C 2
  T-4 charged, completed 06-02 (June): labour 80.00
Dealer D001 account: 04-30 invoice 100.00; May: invoice 80.34, warranty credit −12.34, return credit −3.50,
  payment −100.00 → opening 100.00, closing 64.50; June: payment −10.00.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import update

from tests.factories import make_bin, make_part, make_user
from warehouse.dealers.models import AccountEntry
from warehouse.dealers.services import create_dealer
from warehouse.ledger.models import Move
from warehouse.ledger.services import issue, loc_ref, part_ref, post_move, receive
from warehouse.orders.models import DealerReturn, DealerReturnLine, Order, OrderLine
from warehouse.service.models import Station, Ticket, TicketPart
from warehouse.service.vans import van_of

D = Decimal


def at(m, d, h=10):
    return datetime(2024, m, d, h, 0, tzinfo=timezone.utc)


def _on(s, move_id, when):
    s.execute(update(Move).where(Move.id == move_id).values(created_at=when))


def build(s):
    a = make_part(s, part_number="A", name="压缩机", category="空调")
    b = make_part(s, part_number="B", name="膨胀阀", category="空调")
    c = make_part(s, part_number="C", name="刹车片", category="制动")
    make_bin(s, "N-A01-01")
    d1 = create_dealer(s, code="D001", name="华东经销商", credit_limit="100000")
    d2 = create_dealer(s, code="D002", name="华南经销商", credit_limit="100000")
    make_user(s, username="tech1", role="technician")
    s.flush()
    kw = {"actor": "t"}
    for pn, qty, cost in (("A", 10, "12.50"), ("B", 10, "3.3333"), ("C", 5, "2.00")):
        _on(s, receive(s, part_number=pn, location="N-A01-01", qty=qty, unit_cost=D(cost), **kw).move_id, at(4, 2))
    van = van_of(s, "tech1")
    s.flush()
    bin_, vref, cus = loc_ref(s, "N-A01-01"), loc_ref(s, van.code), loc_ref(s, "@CUSTOMER")

    def move(pn, qty, src, dst, doc_type, when, doc_no=None, unit_cost=None):
        m = post_move(s, part=part_ref(s, pn), qty=qty, src=src, dst=dst, doc_type=doc_type, doc_no=doc_no,
                      unit_cost=unit_cost, **kw)
        _on(s, m.id, when)

    move("A", 2, bin_, vref, "van_refill", at(4, 20))
    move("B", 3, bin_, vref, "van_refill", at(5, 3))

    def order(no, dealer, channel, status, lines, when, total, backorder_of=None):
        o = Order(order_no=no, dealer_id=dealer.id, channel=channel, status=status, total=D(total),
                  created_by="t", created_at=when, backorder_of=backorder_of)
        s.add(o)
        s.flush()
        for n, (part, qty, price) in enumerate(lines, 1):
            s.add(OrderLine(order_id=o.id, line_no=n, part_id=part.id, qty=qty, unit_price=D(price)))
        s.flush()
        return o

    order("SO-0", d1, "phone", "shipped", [(a, 1, "20.00")], at(4, 10, 8), "22.60")
    order("SO-1", d1, "phone", "shipped", [(a, 3, "20.00"), (b, 2, "5.55")], at(5, 6, 9), "80.34")
    order("SO-2", d2, "fax", "shipped", [(c, 4, "3.10")], at(5, 6, 11), "14.01")
    order("SO-3", d1, "chat", "cancelled", [(a, 1, "20.00")], at(5, 6, 12), "22.60")
    order("SO-4", d1, "phone", "backorder", [(a, 1, "20.00")], at(5, 6, 13), "22.60", backorder_of="SO-1")
    order("SO-5", d1, "phone", "released", [(a, 2, "20.00")], at(5, 6, 23), "45.20")
    order("SO-6", d2, "phone", "released", [(c, 1, "3.10")], at(5, 7, 0), "3.50")  # the next day
    for no, dealer, pn, qty, when in (("SO-0", "D001", "A", 1, at(4, 10)), ("SO-1", "D001", "A", 3, at(5, 7)),
                                      ("SO-1", "D001", "B", 2, at(5, 7)), ("SO-2", "D002", "C", 4, at(5, 8))):
        _on(s, issue(s, part_number=pn, location="N-A01-01", qty=qty, to=f"@D:{dealer}", doc_type="shipment",
                     document=no, **kw).move_id, when)
    ret = DealerReturn(return_no="RET-1", dealer_id=d2.id, order_no="SO-2", kind="normal", status="received",
                       created_by="t")
    s.add(ret)
    s.flush()
    s.add(DealerReturnLine(return_id=ret.id, line_no=1, part_id=c.id, qty=1, received=1, condition="unused",
                           unit_price=D("3.10"), unit_cost=D("2.00")))
    move("C", 1, loc_ref(s, "@D:D002"), bin_, "dealer_return", at(5, 20), doc_no="RET-1", unit_cost=D("2.00"))

    s.add(Station(code="S01", name="城东特约站", region="华东"))

    def ticket(no, completed, *, charged=False, lines=(), labour="0", kind="technician", who="tech1"):
        t = Ticket(ticket_no=no, kind="repair", category="device", description="维修", status="completed",
                   created_by="t", created_at=completed, completed_at=completed, assignee_kind=kind, assignee=who)
        if charged:
            t.quote_lines = [{"part_number": pn, "name": "", "qty": q, "price": p} for pn, q, p in lines] + \
                [{"labour_hours": "1.00", "rate": labour}]
            t.quote_labour = D(labour)
            t.quote_parts = sum((D(p) * q for _, q, p in lines), D("0"))
            t.quote_total = t.quote_parts + t.quote_labour
            t.quote_accepted_at = completed
        s.add(t)
        s.flush()
        return t

    ticket("T-1", at(5, 10), charged=True, lines=[("A", 1, "26.00")], labour="50.00")
    move("A", 1, vref, cus, "service", at(5, 10), doc_no="T-1")
    ticket("T-2", at(5, 12))
    move("B", 1, vref, cus, "service", at(5, 12), doc_no="T-2")
    move("B", 1, vref, bin_, "van_return", at(5, 25))
    t3 = ticket("T-3", at(5, 15), kind="station", who="S01")
    s.add(TicketPart(ticket_id=t3.id, part_id=c.id, qty=2, location="S01"))
    ticket("T-4", at(6, 2), charged=True, labour="80.00")

    for kind, source, amount, day in (("invoice", "INV-0", "100.00", date(2024, 4, 30)),
                                      ("invoice", "INV-1", "80.34", date(2024, 5, 7)),
                                      ("warranty_credit", "CL-1", "-12.34", date(2024, 5, 9)),
                                      ("return_credit", "CR-1", "-3.50", date(2024, 5, 20)),
                                      ("payment", "PAY-1", "-100.00", date(2024, 5, 28)),
                                      ("payment", "PAY-2", "-10.00", date(2024, 6, 3))):
        s.add(AccountEntry(dealer_id=d1.id, kind=kind, source=source, amount=D(amount), created_by="t",
                           booked_on=day))
    s.commit()
    return s
