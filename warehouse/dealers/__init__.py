"""Dealers and authorized repair stations (经销商 / 特约维修点): the registry, and their account entries.

Nouns: `Dealer` (code, name, credit limit) and `AccountEntry` (one signed line on a dealer's account: invoices
debit, payments and credits — warranty, returns — credit). Invariant: every dealer has its ledger counterparty
`@D:<code>`, created with it, so parts shipped to or returned from a dealer are moves like any other. Written by the
dealer registry (managers), warranty (approved claims post credit lines) and, next, orders and finance.
"""
