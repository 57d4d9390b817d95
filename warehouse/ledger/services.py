"""Use cases that post moves: receive, issue, transfer, reverse — all through `post_move()`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.queries import get_part
from warehouse.db import utcnow
from warehouse.documents.models import Document
from warehouse.documents.services import get_document, open_document
from warehouse.accounts.roles import store_allowed
from warehouse.errors import (AlreadyReversed, Conflict, Forbidden, InsufficientStock, NotFound, ValidationError,
                              WrongStore)
from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.locations.models import Location
from warehouse.locations.services import VIRTUAL, get_location, virtual

FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class Posted:
    move_id: int
    part_number: str
    location: str  # the stock location the caller acted on
    qty: int
    qty_on_hand: int  # in `location`, right after the move
    unit_cost: Decimal
    doc_no: str | None
    replayed: bool = False  # an idempotent retry: nothing new was written

    def as_dict(self) -> dict:
        return {"move_id": self.move_id, "part_number": self.part_number, "location": self.location,
                "qty": self.qty, "qty_on_hand": self.qty_on_hand, "unit_cost": f"{self.unit_cost:.4f}",
                "doc_no": self.doc_no}


def check_qty(qty) -> int:
    # bool is an int in Python; a JSON `true` is not a quantity.
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise ValidationError("quantity must be a whole number", field="qty")
    if qty <= 0:
        raise ValidationError("quantity must be greater than zero", field="qty")
    if qty > 1_000_000:
        raise ValidationError("quantity is implausibly large (over 1,000,000)", field="qty")
    return qty


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _take(session: Session, part: Part, loc: Location, qty: int) -> int:
    """Decrement a cached balance only if enough is there; the row lock makes it race-free."""
    new_qty = session.execute(
        update(Balance)
        .where(Balance.part_id == part.id, Balance.location_id == loc.id, Balance.qty >= qty)
        .values(qty=Balance.qty - qty, updated_at=utcnow())
        .returning(Balance.qty)
    ).scalar_one_or_none()
    if new_qty is None:
        have = session.scalar(select(Balance.qty).where(Balance.part_id == part.id, Balance.location_id == loc.id))
        raise InsufficientStock(
            f"only {have or 0} of {part.part_number} in {loc.code}, cannot take {qty}",
            part_number=part.part_number, location=loc.code, on_hand=have or 0, requested=qty)
    return new_qty


def _put(session: Session, part: Part, loc: Location, qty: int) -> int:
    ins = _insert(session)(Balance).values(part_id=part.id, location_id=loc.id, qty=qty, card_qty=0,
                                           updated_at=utcnow())
    ins = ins.on_conflict_do_update(
        index_elements=[Balance.part_id, Balance.location_id],
        set_={"qty": Balance.qty + ins.excluded.qty, "updated_at": ins.excluded.updated_at},
    ).returning(Balance.qty)
    return session.execute(ins).scalar_one()


def _value_out(session: Session, part: Part, store: str, qty: int, unit_cost: Decimal | None) -> Decimal:
    """Take qty out of a store's valuation at moving-average cost (or at `unit_cost` for a reversal).

    One UPDATE computes the average from the row it locks, so concurrent issues each see the value the previous
    one left (right-hand sides read the old row, on both databases).
    """
    avg = func.round(Valuation.value / Valuation.qty, 4)
    cost_expr = avg if unit_cost is None else unit_cost
    cost = session.execute(
        update(Valuation)
        .where(Valuation.part_id == part.id, Valuation.store == store, Valuation.qty >= qty)
        .values(last_cost=cost_expr,
                value=case((Valuation.qty == qty, 0), else_=Valuation.value - cost_expr * qty),
                qty=Valuation.qty - qty)
        .returning(Valuation.last_cost)
    ).scalar_one_or_none()
    if cost is None:  # only reachable if balance and valuation disagree, which check_ledger reports
        raise InsufficientStock(f"store {store} valuation holds less than {qty} of {part.part_number}",
                                part_number=part.part_number)
    return Decimal(cost).quantize(FOUR)


def _value_in(session: Session, part: Part, store: str, qty: int, unit_cost: Decimal) -> None:
    ins = _insert(session)(Valuation).values(part_id=part.id, store=store, qty=qty, value=unit_cost * qty,
                                             last_cost=unit_cost)
    ins = ins.on_conflict_do_update(
        index_elements=[Valuation.part_id, Valuation.store],
        set_={"qty": Valuation.qty + ins.excluded.qty, "value": Valuation.value + ins.excluded.value,
              "last_cost": ins.excluded.last_cost},
    )
    session.execute(ins)


def post_move(session: Session, *, part: Part, qty: int, src: Location, dst: Location, doc_type: str,
              actor: str, doc_no: str | None = None, device: str | None = None,
              unit_cost: Decimal | None = None, idempotency_key: str | None = None,
              reverses_id: int | None = None, note: str | None = None, at: datetime | None = None) -> Move:
    """The single writer of the ledger. Returns the new move; raises a DomainError and writes nothing on refusal."""
    check_qty(qty)
    if src.id == dst.id:
        raise ValidationError("from and to are the same location", location=src.code)
    # Touch the cached balances in location-id order so two opposite transfers cannot deadlock.
    for loc, sign in sorted(((src, -1), (dst, +1)), key=lambda p: p[0].id):
        if loc.holds_stock:
            (_take if sign < 0 else _put)(session, part, loc, qty)
    cost = unit_cost
    if src.store and src.store != dst.store:
        cost = _value_out(session, part, src.store, qty, unit_cost)
    if dst.store and dst.store != src.store:
        if cost is None:
            cost = part.standard_cost
        _value_in(session, part, dst.store, qty, Decimal(cost))
    move = Move(part_id=part.id, qty=qty, from_location_id=src.id, to_location_id=dst.id,
                unit_cost=Decimal(cost if cost is not None else part.standard_cost), doc_type=doc_type,
                doc_no=doc_no, actor=actor, device=device, created_at=at or utcnow(),
                idempotency_key=idempotency_key, reverses_id=reverses_id, note=note)
    session.add(move)
    try:
        with session.begin_nested():
            session.flush([move])
    except IntegrityError as exc:
        if reverses_id is not None:
            raise AlreadyReversed(f"move {reverses_id} has already been reversed", move_id=reverses_id) from exc
        raise Conflict("this movement was already posted (duplicate idempotency key)") from exc
    return move


def _replay(session: Session, key: str | None, location: Location) -> Posted | None:
    if key is None:
        return None
    move = session.scalar(select(Move).where(Move.idempotency_key == key))
    if move is None:
        return None
    on_hand = session.scalar(select(Balance.qty).where(Balance.part_id == move.part_id,
                                                       Balance.location_id == location.id)) or 0
    return Posted(move.id, move.part.part_number, location.code, move.qty, on_hand, move.unit_cost, move.doc_no,
                  replayed=True)


def _document(session: Session, doc_no: str | None, doc_type: str, *, actor: str, store: str | None,
              reference: str | None) -> Document:
    if doc_no is None:
        return open_document(session, doc_type=doc_type, actor=actor, store=store, reference=reference)
    doc = get_document(session, doc_no)
    if doc is None or doc.doc_type != doc_type:
        raise NotFound(f"no open {doc_type} document {doc_no}", document=doc_no)
    return doc


def _bin(session: Session, code: str, role: str | None) -> Location:
    loc = get_location(session, code)
    if loc.kind != "bin":
        raise WrongStore(f"{loc.code} is not a bin", location=loc.code)
    if role is not None and not store_allowed(role, loc.store):
        raise Forbidden(f"your role ({role}) does not work in the {loc.store} store", location=loc.code)
    return loc


def _posted(session: Session, move: Move, part: Part, loc: Location) -> Posted:
    on_hand = session.scalar(select(Balance.qty).where(Balance.part_id == part.id,
                                                       Balance.location_id == loc.id)) or 0
    return Posted(move.id, part.part_number, loc.code, move.qty, on_hand, move.unit_cost, move.doc_no)


def receive(session: Session, *, part_number: str, location: str, qty: int, actor: str,
            unit_cost: Decimal | None = None, reference: str | None = None, document: str | None = None,
            device: str | None = None, idempotency_key: str | None = None, role: str | None = None) -> Posted:
    """Receive purchased or allocated parts into a new-parts bin, on a receipt note (入库单)."""
    check_qty(qty)
    part = get_part(session, part_number)
    loc = _bin(session, location, role)
    if loc.store != "NEW":
        raise WrongStore(f"{loc.code} is in the returned-parts store: it takes parts only through an assessed "
                         "return", location=loc.code, store=loc.store)
    if (replay := _replay(session, idempotency_key, loc)) is not None:
        return replay
    if unit_cost is not None and unit_cost < 0:
        raise ValidationError("unit cost cannot be negative", field="unit_cost")
    doc = _document(session, document, "receipt", actor=actor, store="NEW", reference=reference)
    move = post_move(session, part=part, qty=qty, src=virtual(session, "@SUPPLIER"), dst=loc, doc_type="receipt",
                     doc_no=doc.doc_no, actor=actor, device=device, unit_cost=unit_cost,
                     idempotency_key=idempotency_key, note=reference)
    return _posted(session, move, part, loc)


def issue(session: Session, *, part_number: str, location: str, qty: int, actor: str, to: str = "@CUSTOMER",
          reference: str | None = None, document: str | None = None, doc_type: str = "issue",
          device: str | None = None, idempotency_key: str | None = None, role: str | None = None) -> Posted:
    """Issue parts out of a bin to a counterparty (customer by default; a dealer, a technician, scrap)."""
    check_qty(qty)
    part = get_part(session, part_number)
    loc = _bin(session, location, role)
    if (replay := _replay(session, idempotency_key, loc)) is not None:
        return replay
    dst = virtual(session, to) if to in VIRTUAL else get_location(session, to)
    if dst.kind == "bin":
        raise ValidationError("use a transfer to move parts between bins", field="to")
    doc_no = document
    if doc_type == "issue":
        doc_no = _document(session, document, "issue", actor=actor, store=loc.store, reference=reference).doc_no
    move = post_move(session, part=part, qty=qty, src=loc, dst=dst, doc_type=doc_type, doc_no=doc_no, actor=actor,
                     device=device, idempotency_key=idempotency_key, note=reference)
    return _posted(session, move, part, loc)


def transfer(session: Session, *, part_number: str, from_location: str, to_location: str, qty: int, actor: str,
             reference: str | None = None, device: str | None = None,
             idempotency_key: str | None = None, role: str | None = None) -> Posted:
    """Move parts between two bins of the same store. The answer's on-hand is the destination's."""
    check_qty(qty)
    part = get_part(session, part_number)
    src, dst = _bin(session, from_location, role), _bin(session, to_location, role)
    if src.store != dst.store:
        raise WrongStore(f"{src.code} and {dst.code} are in different stores", location=dst.code)
    if (replay := _replay(session, idempotency_key, dst)) is not None:
        return replay
    move = post_move(session, part=part, qty=qty, src=src, dst=dst, doc_type="transfer", actor=actor,
                     device=device, idempotency_key=idempotency_key, note=reference)
    return _posted(session, move, part, dst)


def reverse(session: Session, *, move_id: int, actor: str, reason: str | None = None,
            device: str | None = None, role: str | None = None) -> Posted:
    """Correct a mistaken move with its mirror image; the original stays in the ledger."""
    original = session.get(Move, move_id)
    if original is None:
        raise NotFound(f"no move {move_id}", move_id=move_id)
    for loc in (original.from_location, original.to_location):
        if loc.kind == "bin" and role is not None and not store_allowed(role, loc.store):
            raise Forbidden(f"your role ({role}) does not work in the {loc.store} store", location=loc.code)
    if original.reverses_id is not None:
        raise Conflict("a reversal cannot itself be reversed; post the movement again instead", move_id=move_id)
    if session.scalar(select(Move.id).where(Move.reverses_id == move_id)) is not None:
        raise AlreadyReversed(f"move {move_id} has already been reversed", move_id=move_id)
    move = post_move(session, part=original.part, qty=original.qty, src=original.to_location,
                     dst=original.from_location, doc_type="reversal", doc_no=original.doc_no, actor=actor,
                     device=device, unit_cost=original.unit_cost, reverses_id=original.id,
                     note=(reason or "")[:200] or None)
    # Report the bin the clerk sees: the original's stock side.
    shown = original.to_location if original.to_location.holds_stock else original.from_location
    return _posted(session, move, original.part, shown)
