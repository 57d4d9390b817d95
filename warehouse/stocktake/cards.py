"""Bin cards: start a card at the account, confirm moves on it at the shelf.

The card balance is `Balance.card_qty` = opening balance + moves confirmed at the shelf. A move posted in the office
and never confirmed is the card difference: account − card = Σ unconfirmed moves newer than the card's start.
"""
from __future__ import annotations

from sqlalchemy import exists, func, literal, or_, select, update
from sqlalchemy.orm import Session

import labels
from warehouse.accounts.roles import can
from warehouse.catalog.queries import get_part
from warehouse.db import insert_for, utcnow
from warehouse.errors import Forbidden, ValidationError
from warehouse.ledger.models import Balance, Move
from warehouse.stocktake import shelf
from warehouse.stocktake.models import BinCard, CardConfirmation


def card_code(location: str, part_number: str) -> str:
    """What the printed card's barcode encodes (scanners.codes PATTERNS["card"])."""
    return f"BC:{location}:{part_number}"


def _set_card(session: Session, part_id: int, location_id: int, qty: int) -> None:
    session.execute(update(Balance).where(Balance.part_id == part_id, Balance.location_id == location_id)
                    .values(card_qty=qty))


def reset_watermark(session: Session, *, part_id: int, location_id: int, after_move_id: int, opening_qty: int,
                    reason: str, actor: str) -> None:
    """Record where the card (re)starts: moves up to `after_move_id` are inside its balance.

    The caller holds the bin–part lock (`shelf.lock`), so this read-then-write cannot race.
    """
    card = session.get(BinCard, (part_id, location_id), populate_existing=True)
    if card is None:
        card = BinCard(part_id=part_id, location_id=location_id, after_move_id=0)
        session.add(card)
    card.after_move_id = max(card.after_move_id, after_move_id)
    card.opening_qty, card.reset_reason, card.reset_by, card.reset_at = opening_qty, reason, actor, utcnow()
    session.flush()


def start_card(session: Session, *, location: str, part_number: str, actor: str, role: str | None = None) -> dict:
    """(Re)print a card: its opening balance is the account now, so it agrees with the ledger from here on.

    Restarting a card that disagrees with the account would erase the difference, so only a manager may.
    """
    part = get_part(session, part_number)
    loc = shelf.bin_location(session, location, role)
    now = shelf.lock(session, part, loc)
    started = session.get(BinCard, (part.id, loc.id)) is not None
    if started and now.card_qty != now.qty and role is not None and not can(role, "stocktake.approve"):
        raise Forbidden(reason="card_restart", location=loc.code, part_number=part.part_number)
    reset_watermark(session, part_id=part.id, location_id=loc.id, after_move_id=now.last_move_id,
                    opening_qty=now.qty, reason="start", actor=actor)
    _set_card(session, part.id, loc.id, now.qty)
    return {"location": loc.code, "part_number": part.part_number, "name": part.name, "name_en": part.name_en,
            "card": now.qty, "code": card_code(loc.code, part.part_number)}


def confirm_card(session: Session, *, location: str, part_number: str, actor: str, device: str | None = None,
                 role: str | None = None) -> dict:
    """The clerk scanned the card at the shelf: every unconfirmed move of this bin–part is now on the card."""
    if role is not None and not can(role, "card.confirm"):
        raise Forbidden(role=role, permission="card.confirm")
    part = get_part(session, part_number)
    loc = shelf.bin_location(session, location, role)
    shelf.lock(session, part, loc)
    after = session.scalar(select(BinCard.after_move_id).where(BinCard.part_id == part.id,
                                                                BinCard.location_id == loc.id)) or 0
    pending = (Move.part_id == part.id) & or_(Move.to_location_id == loc.id, Move.from_location_id == loc.id) \
        & (Move.id > after) & ~exists().where(CardConfirmation.move_id == Move.id,
                                              CardConfirmation.location_id == loc.id)
    n, delta = session.execute(select(func.count(), func.coalesce(func.sum(shelf.signed_qty(loc.id)), 0))
                               .where(pending)).one()
    if n:
        session.execute(insert_for(session)(CardConfirmation).from_select(
            ["move_id", "location_id", "actor", "device", "confirmed_at"],
            select(Move.id, literal(loc.id), literal(actor), literal(device),
                   literal(utcnow(), CardConfirmation.confirmed_at.type)).where(pending)).on_conflict_do_nothing())
    card = session.execute(update(Balance).where(Balance.part_id == part.id, Balance.location_id == loc.id)
                           .values(card_qty=Balance.card_qty + int(delta)).returning(Balance.card_qty)).scalar_one()
    return {"kind": "card", "location": loc.code, "part_number": part.part_number, "confirmed": int(n), "card": card}


def card_pdf(session: Session, *, location: str, part_number: str) -> bytes:
    """The printed card (labels' `bin_card` template) with its opening balance, for the shelf."""
    part = get_part(session, part_number)
    loc = shelf.bin_location(session, location, None)
    card = session.get(BinCard, (part.id, loc.id))
    data = {"location": loc.code, "part_number": part.part_number, "name": part.name, "name_en": part.name_en,
            "card_code": card_code(loc.code, part.part_number)}
    if card is not None:
        data["opening_balance"] = card.opening_qty
    try:
        return labels.render("bin_card", data, fmt="pdf")
    except labels.LabelError as exc:  # e.g. a name too long for the card
        raise ValidationError(reason="card_unprintable", field=exc.field, label_error=exc.code,
                              detail=exc.reason) from exc
