"""The stock ledger: immutable double-entry moves, the cached per-bin balance and moving-average valuation.

Invariant: for every location that holds stock, `balance.qty` = Σ moves in − Σ moves out, and never negative.
`post_move()` is the single writer of `move`, `balance` and `valuation`; it updates the caches in the same
transaction with conditional UPDATEs (`… SET qty = qty - :n WHERE qty >= :n`), so two clerks taking the last unit
cannot both succeed on SQLite or PostgreSQL. Moves are never edited or deleted; `reverse()` posts the mirror move.
"""
