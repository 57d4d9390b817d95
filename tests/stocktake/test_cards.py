"""Bin cards: a card starts at the account; moves count on it only once confirmed at the shelf."""
from __future__ import annotations

import pypdfium2
import pytest
from sqlalchemy import func, select

from tests.factories import make_bin, make_part
from tests.stocktake.conftest import account, card, issue, receive
from warehouse.errors import Forbidden
from warehouse.ledger import services as ledger
from warehouse.stocktake import cards
from warehouse.stocktake.models import CardConfirmation


def test_unconfirmed_moves_are_the_card_difference_until_confirmed(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 10)
    started = cards.start_card(s, location=loc.code, part_number=part.part_number, actor="clerk")
    assert (started["card"], started["code"]) == (10, f"BC:{loc.code}:{part.part_number}")
    issue(s, part, loc, 3)
    receive(s, part, loc, 5)
    assert (account(s, part, loc), card(s, part, loc)) == (12, 10)

    done = cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="clerk", device="t1")
    assert done == {"kind": "card", "location": loc.code, "part_number": part.part_number, "confirmed": 2,
                    "card": 12}
    again = cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="other")
    assert (again["confirmed"], again["card"]) == (0, 12)
    assert s.scalar(select(func.count()).select_from(CardConfirmation)) == 2


def test_a_card_never_started_holds_only_confirmed_moves(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 4)
    assert card(s, part, loc) == 0
    assert cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="c")["card"] == 4


def test_transfers_confirm_on_each_bin_separately(s):
    part, a, b = make_part(s), make_bin(s, "N-A01-01"), make_bin(s, "N-A01-02")
    receive(s, part, a, 6)
    cards.start_card(s, location=a.code, part_number=part.part_number, actor="c")
    ledger.transfer(s, part_number=part.part_number, from_location=a.code, to_location=b.code, qty=2, actor="c")
    assert cards.confirm_card(s, location=b.code, part_number=part.part_number, actor="c")["card"] == 2
    assert card(s, part, a) == 6  # the source card has not been written yet
    assert cards.confirm_card(s, location=a.code, part_number=part.part_number, actor="c")["card"] == 4


def test_restarting_a_disagreeing_card_needs_a_manager(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 5)
    cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c", role="new_store_clerk")
    receive(s, part, loc, 1)  # not confirmed: card 5, account 6
    with pytest.raises(Forbidden):
        cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c", role="new_store_clerk")
    assert card(s, part, loc) == 5
    assert cards.start_card(s, location=loc.code, part_number=part.part_number, actor="m",
                            role="manager")["card"] == 6
    # Moves up to the restart are inside the opening balance: confirming finds nothing more.
    assert cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="c")["confirmed"] == 0


def test_roles_without_card_permission_and_other_store_are_refused(s):
    part, loc = make_part(s), make_bin(s, "N-A01-01")
    receive(s, part, loc, 1)
    with pytest.raises(Forbidden):
        cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="x", role="shipper")
    with pytest.raises(Forbidden):
        cards.confirm_card(s, location=loc.code, part_number=part.part_number, actor="x", role="returned_store_clerk")


def test_card_pdf_uses_the_labels_template_with_the_opening_balance(s):
    part, loc = make_part(s, name="压缩机"), make_bin(s, "N-A01-01")
    receive(s, part, loc, 7)
    cards.start_card(s, location=loc.code, part_number=part.part_number, actor="c")
    pdf = cards.card_pdf(s, location=loc.code, part_number=part.part_number)
    assert pdf.startswith(b"%PDF")
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "压缩机" in text and loc.code in text and "7" in text
