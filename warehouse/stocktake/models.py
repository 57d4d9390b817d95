"""Tables of bin cards and stocktakes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warehouse.catalog.models import Part
from warehouse.db import Base, utcnow
from warehouse.ledger.models import BigId
from warehouse.locations.models import Location

# Line states — counted: awaiting approval · superseded: a later count replaced it · rejected: the manager wants a
# recount by someone else · approved: its adjustment is posted. A stocktake is open until approved with no line
# awaiting a recount.


class BinCard(Base):
    """Where a bin–part's card starts: moves up to `after_move_id` are in its opening balance (or were absorbed
    by an approved count); later moves count on the card only once confirmed at the shelf."""

    __tablename__ = "bin_card"

    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    after_move_id: Mapped[int] = mapped_column(BigId, default=0)
    opening_qty: Mapped[int] = mapped_column(Integer, default=0)
    reset_reason: Mapped[str] = mapped_column(String(16))  # start | stocktake
    reset_by: Mapped[str] = mapped_column(String(64))
    reset_at: Mapped[datetime] = mapped_column(default=utcnow)


class CardConfirmation(Base):
    """A move confirmed on the bin card at the shelf; the primary key makes a second confirmation a no-op."""

    __tablename__ = "card_confirmation"

    move_id: Mapped[int] = mapped_column(ForeignKey("move.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Stocktake(Base):
    __tablename__ = "stocktake"
    __table_args__ = (CheckConstraint("state IN ('open', 'approved')", name="state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    scope: Mapped[str] = mapped_column(String(200))  # human summary: "full", "zone A", "cycle", ...
    category: Mapped[str | None] = mapped_column(String(64))  # only parts of this category are counted
    blind: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(String(200))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column()
    # Bumped by every approval: the conditional UPDATE serialises two managers approving at once.
    version: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def doc_no(self) -> str:
        return f"ST-{self.id}"


class StocktakeBin(Base):
    """A bin in a stocktake's scope; `done_at` is set when its counter declared it fully counted."""

    __tablename__ = "stocktake_bin"

    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktake.id", ondelete="CASCADE"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), primary_key=True, index=True)
    done_by: Mapped[str | None] = mapped_column(String(64))
    done_at: Mapped[datetime | None] = mapped_column()

    location: Mapped[Location] = relationship(lazy="joined")


class StocktakeLine(Base):
    """One count of one part in one bin, with what the ledger and the card said at that moment."""

    __tablename__ = "stocktake_line"
    __table_args__ = (
        CheckConstraint("physical >= 0", name="physical_not_negative"),
        CheckConstraint("card IS NULL OR card >= 0", name="card_not_negative"),
        CheckConstraint("state IN ('counted', 'superseded', 'rejected', 'approved')", name="state_known"),
        Index("uq_stocktake_line_current", "stocktake_id", "location_id", "part_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        # The reconciliation joins every balance row to its line by these three, and looks up a part's other lines
        # (found in the wrong bin?) by the stocktake and part, or by the part alone.
        Index("ix_stocktake_line_take_part_bin", "stocktake_id", "part_id", "location_id"),
        Index("ix_stocktake_line_part_bin", "part_id", "location_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktake.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    physical: Mapped[int] = mapped_column(Integer)
    card: Mapped[int | None] = mapped_column(Integer)  # a paper card's written balance, typed during the count
    counter: Mapped[str] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
    account_at_count: Mapped[int] = mapped_column(Integer)
    card_at_count: Mapped[int] = mapped_column(Integer)
    last_move_id: Mapped[int] = mapped_column(BigId, default=0)  # newest move of the bin–part at count time
    state: Mapped[str] = mapped_column(String(16), default="counted")
    is_current: Mapped[bool] = mapped_column(default=True)
    recount_of: Mapped[int | None] = mapped_column(ForeignKey("stocktake_line.id"))
    adjusted: Mapped[int] = mapped_column(Integer, default=0)  # signed qty posted to the ledger at approval
    move_id: Mapped[int | None] = mapped_column(ForeignKey("move.id"), unique=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))  # the manager who approved or rejected it
    reviewed_at: Mapped[datetime | None] = mapped_column()

    part: Mapped[Part] = relationship(lazy="joined")
    location: Mapped[Location] = relationship(lazy="joined")
