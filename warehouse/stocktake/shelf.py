"""The bin–part under lock: every card or count write starts here so that it is ordered with the ledger.

`post_move()` updates the balance row of each stock location it touches before it inserts the move, so holding that
row (FOR UPDATE on PostgreSQL; SQLite write transactions are already serial) means no move of this bin–part is in
flight: the quantities read are exactly the committed moves, every later move commits after us and gets a larger id.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.db import insert_for, utcnow
from warehouse.ledger.models import Balance, Move
from warehouse.ledger.services import check_counted
from warehouse.locations.models import Location
from warehouse.locations.services import get_location


@dataclass(frozen=True)
class Shelf:
    qty: int  # the account (ledger balance)
    card_qty: int  # the bin card's balance
    last_move_id: int  # the newest move of this bin–part (0 if none)


def bin_location(session: Session, code: str, role: str | None) -> Location:
    return check_counted(get_location(session, code), role)


def lock(session: Session, part: Part, loc: Location) -> Shelf:
    """Create the balance row if the part was never here (a part found in the wrong bin), then lock and read it."""
    session.execute(insert_for(session)(Balance).values(part_id=part.id, location_id=loc.id, qty=0, card_qty=0,
                                                        updated_at=utcnow()).on_conflict_do_nothing())
    row = session.execute(select(Balance.qty, Balance.card_qty)
                          .where(Balance.part_id == part.id, Balance.location_id == loc.id)
                          .with_for_update()).one()
    return Shelf(row.qty, row.card_qty, last_move_id(session, part.id, loc.id))


def last_move_id(session: Session, part_id: int, location_id: int) -> int:
    return session.scalar(select(func.coalesce(func.max(Move.id), 0)).where(
        Move.part_id == part_id, or_(Move.to_location_id == location_id, Move.from_location_id == location_id))) or 0


def signed_qty(location_id: int):
    """A move's effect on one location: + into it, − out of it."""
    return case((Move.to_location_id == location_id, Move.qty), else_=-Move.qty)
