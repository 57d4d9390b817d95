"""Reads of the ledger: on-hand by part and by bin, movement history, as-of balances and the cache check."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.queries import get_part
from warehouse.ledger.cost import moving_average, round_cost
from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.locations.models import STOCK_KINDS, Location
from warehouse.locations.services import get_location


def stock_of_part(session: Session, part_number: str) -> dict:
    part = get_part(session, part_number)
    rows = session.execute(
        select(Location.code, Location.store, Balance.qty)
        .join(Balance, Balance.location_id == Location.id)
        .where(Balance.part_id == part.id, Balance.qty > 0)
        .order_by(Location.code)
    ).all()
    valuation = {v.store: v for v in session.scalars(select(Valuation).where(Valuation.part_id == part.id))}
    new = valuation.get("NEW")
    return {
        "part_number": part.part_number,
        "name": part.name,
        "name_en": part.name_en,
        "total": sum(r.qty for r in rows),
        "locations": [{"location": r.code, "store": r.store, "qty": r.qty} for r in rows],
        "avg_cost": str(moving_average(new.value, new.qty, default=part.standard_cost) if new
                        else round_cost(part.standard_cost)),
    }


def stock_in_bin(session: Session, code: str) -> dict:
    loc = get_location(session, code)
    rows = session.execute(
        select(Part.part_number, Part.name, Part.name_en, Balance.qty, Balance.card_qty)
        .join(Balance, Balance.part_id == Part.id)
        .where(Balance.location_id == loc.id, Balance.qty > 0)
        .order_by(Part.part_number)
    ).all()
    return {"location": loc.code, "store": loc.store, "kind": loc.kind,
            "parts": [{"part_number": r.part_number, "name": r.name, "name_en": r.name_en, "qty": r.qty,
                       "card": r.card_qty} for r in rows]}


def history(session: Session, *, part_number: str | None = None, location: str | None = None,
            limit: int = 100, before_id: int | None = None) -> list[Move]:
    stmt = select(Move).order_by(Move.id.desc()).limit(min(limit, 1000))
    if part_number:
        stmt = stmt.where(Move.part_id == get_part(session, part_number).id)
    if location:
        loc = get_location(session, location)
        stmt = stmt.where((Move.from_location_id == loc.id) | (Move.to_location_id == loc.id))
    if before_id:
        stmt = stmt.where(Move.id < before_id)
    return list(session.scalars(stmt))


def move_dict(m: Move, *, reversed_ids: set[int] = frozenset()) -> dict:
    return {"move_id": m.id, "part_number": m.part.part_number, "qty": m.qty, "from": m.from_location.code,
            "to": m.to_location.code, "unit_cost": f"{m.unit_cost:.4f}", "doc_type": m.doc_type, "doc_no": m.doc_no,
            "actor": m.actor, "device": m.device, "at": m.created_at.isoformat(), "reverses": m.reverses_id,
            "reversed": m.id in reversed_ids, "note": m.note}


def reversed_among(session: Session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Move.reverses_id).where(Move.reverses_id.in_(ids))))


def balance_as_of(session: Session, *, part_id: int, location_id: int, at: datetime) -> int:
    """Σ in − Σ out up to `at` inclusive: what the ledger said when a bin was counted."""
    q_in = select(func.coalesce(func.sum(Move.qty), 0)).where(
        Move.to_location_id == location_id, Move.part_id == part_id, Move.created_at <= at)
    q_out = select(func.coalesce(func.sum(Move.qty), 0)).where(
        Move.from_location_id == location_id, Move.part_id == part_id, Move.created_at <= at)
    return int(session.scalar(q_in)) - int(session.scalar(q_out))


def ledger_sums():
    """Per part × stock location, Σ in − Σ out over all moves (a subquery, aggregated in SQL)."""
    ins = select(Move.part_id, Move.to_location_id.label("location_id"), Move.qty.label("q"))
    outs = select(Move.part_id, Move.from_location_id.label("location_id"), (literal(0) - Move.qty).label("q"))
    u = union_all(ins, outs).subquery()
    return (select(u.c.part_id, u.c.location_id, func.sum(u.c.q).label("qty"))
            .join(Location, Location.id == u.c.location_id).where(Location.kind.in_(STOCK_KINDS))
            .group_by(u.c.part_id, u.c.location_id).subquery())


def check_ledger(session: Session) -> list[dict]:
    """Every cached balance that disagrees with the sum of its moves (empty when the ledger is sound)."""
    sums = ledger_sums()
    full = (select(func.coalesce(Balance.part_id, sums.c.part_id).label("part_id"),
                   func.coalesce(Balance.location_id, sums.c.location_id).label("location_id"),
                   func.coalesce(Balance.qty, 0).label("cached"), func.coalesce(sums.c.qty, 0).label("moves"))
            .select_from(Balance)
            .join(sums, (sums.c.part_id == Balance.part_id) & (sums.c.location_id == Balance.location_id),
                  full=True))
    rows = session.execute(full).all()
    return [{"part_id": r.part_id, "location_id": r.location_id, "cached": r.cached, "moves": int(r.moves)}
            for r in rows if r.cached != int(r.moves)]


def document_moves(session: Session, *, doc_no: str) -> list[Move]:
    """The moves posted on one document (a receipt note's lines), in posting order."""
    return list(session.scalars(select(Move).where(Move.doc_no == doc_no).order_by(Move.id)))


def on_hand_by_store(session: Session, part_ids: list[int]) -> dict[int, dict[str, int]]:
    """{part id: {store: qty}} over the stock-holding locations of each store (bins and vans), for a list page."""
    if not part_ids:
        return {}
    rows = session.execute(
        select(Balance.part_id, Location.store, func.sum(Balance.qty))
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.part_id.in_(part_ids), Location.kind.in_(STOCK_KINDS), Location.store.is_not(None))
        .group_by(Balance.part_id, Location.store)).all()
    out: dict[int, dict[str, int]] = {}
    for part_id, store, qty in rows:
        out.setdefault(part_id, {})[store] = int(qty or 0)
    return out
