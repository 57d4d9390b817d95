"""Purchase requests (采购申请) and the stock plan (库存计划).

Nouns: a *purchase request* asks the purchasing department for `qty` of one part, expected by `expected_on`; the
*stock plan* reads, per part, the average monthly usage, the lead time, on hand, on order and backordered, and
suggests what to order and where a shortage lies ahead (`rules.py` holds the arithmetic).

Invariant: a request's received quantity is the sum of the receipt moves of that part posted on receipt notes whose
reference is the request number (`receive(..., reference="PR-…")`), so a receipt against a request closes it when
the received quantity reaches the requested one; nothing else marks it received. On order = Σ (requested −
received) over requests neither received nor cancelled.

Who writes what: a store clerk or order clerk turns suggestions into requests (`services.create_requests`) and may
cancel an open one; receipts are the ledger's (the new-parts clerk receives with the request number as reference).
"""
