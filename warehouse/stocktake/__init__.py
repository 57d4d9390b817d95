"""Bin cards and stocktakes (盘点): the *card* and the *item* of account / item / card.

Nouns: a `BinCard` per bin–part (its opening point), `CardConfirmation`s of moves at the shelf, a `Stocktake` over a
set of bins (`StocktakeBin`) and its count lines (`StocktakeLine`).

Invariants:
- `Balance.card_qty` = account − Σ signed moves of that bin–part that are newer than the card's watermark
  (`BinCard.after_move_id`) and not confirmed. `cards.start_card`, `cards.confirm_card` and approval keep it so.
- A count line records the ledger (`account_at_count`) and the card (`card_at_count`) read under the balance row
  lock in the counting transaction, so "moves after the count" are exactly the moves committed after it.
- At most one current line per stocktake × bin × part (partial unique index); approving posts at most one
  adjustment per line (the move's unique idempotency key `stocktake-line:<id>`).

Writers: `cards` (card_qty, confirmations), `services` (stocktakes, lines; adjustments through `post_move`).
"""
