"""Locations: the bins of the two stores and the virtual counterparties of the ledger.

Every move goes from one location to another. Bins belong to the `NEW` or `RETURNED` store; counterparties
(supplier, dealer, customer, technician, scrap, adjustment, in transit, pending assessment) are locations with a
`kind`, so "balance = moves in − moves out" holds for every location. Virtual location codes start with `@` so a
scanned label can never name one.
"""
