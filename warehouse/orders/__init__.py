"""Dealer parts orders (配件订单): entered by the order clerk, picked by scanning, shipped and invoiced.

Nouns: `Order` (order number `SO-YYYYMMDD-NNNN`, dealer, channel, the written order's reference, status, prices
frozen at entry), `OrderLine` (part, qty ordered, qty picked, unit price), `DealerReturn`/`ReturnLine` (parts a
dealer sends back). States of an order (rules.py): `awaiting_written` → `released` → `picking` → `picked` →
`shipped`, with `held` (credit) in front of release and `cancelled`; a short-shipped line becomes a backorder, an
order of its own in status `backorder` that is released when stock arrives.

Invariants: an order is released to picking only when its written copy is recorded and no credit hold remains;
picked units leave their bin for the packing area `@PACKING` (a stock location of the NEW store) in the same
conditional UPDATE that refuses a shortage, so two shippers can never both take the last unit; shipping moves the
picked units from `@PACKING` to the dealer's counterparty `@D:<code>` exactly once (a conditional status UPDATE) and
invoices them on the dealer's account. Written by the order clerk (entry, written copy), managers (release from a
credit hold, return decisions), shippers (pick, ship, returns received) — never anything else.
"""
