"""Status and cause of one bin–part, as SQL expressions over account `a`, card `c` and physical `p`.

Statuses name the difference to act on, measured against the account wherever the account is trusted:

| status            | when                  | meaning                                                       |
|-------------------|-----------------------|---------------------------------------------------------------|
| `not_counted`     | no count              | nothing to compare the shelf with                             |
| `ok`              | a = c = p             | all three agree                                               |
| `account_physical`| a = c ≠ p             | the shelf differs from account and card (账实不符)             |
| `card_account`    | a = p ≠ c             | the card differs from account and shelf (账卡不符)             |
| `card_physical`   | c = p ≠ a             | card and shelf agree, the account is the odd one out          |
| `all_differ`      | a, c, p all different |                                                               |

Causes (first that applies): `wrong_bin` — the shelf differs from the account by −q here and +q for the same part in
another bin of the same view; `miscount` — any other shelf difference (recount it); `unconfirmed_moves` — the card
differs because moves were not confirmed (or written) on it at the shelf; `moves_after_count` — no difference, but the
raw count differs from today's account only by moves posted after the bin was counted.
"""
from __future__ import annotations

from sqlalchemy import and_, case

STATUSES = ("ok", "account_physical", "card_account", "card_physical", "all_differ", "not_counted")
CAUSES = ("wrong_bin", "miscount", "unconfirmed_moves", "moves_after_count")


def status(a, c, p):
    return case((p.is_(None), "not_counted"), (and_(a == c, a == p), "ok"), (a == c, "account_physical"),
                (a == p, "card_account"), (c == p, "card_physical"), else_="all_differ")


def cause(*, a, c, diff, later, opposite_found):
    """`diff` = physical − account (NULL when not counted); `later` = net moves after the count."""
    return case((and_(diff != 0, opposite_found), "wrong_bin"), (diff != 0, "miscount"),
                (c != a, "unconfirmed_moves"), (later != 0, "moves_after_count"), else_=None)
