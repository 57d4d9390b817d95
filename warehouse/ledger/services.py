"""Use cases that post moves: receive, issue, transfer, reverse — all through `post_move()`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, case, exists, insert, literal_column, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.services import money
from warehouse.db import COST, hot, insert_for, utcnow
from warehouse.documents.services import document_row, get_document, insert_document, numbered_insert
from warehouse import idempotency
from warehouse.accounts.roles import store_allowed
from warehouse.errors import (AlreadyReversed, Conflict, Forbidden, InsufficientStock, NotFound, UnknownLocation,
                              UnknownPart, ValidationError, WrongStore)
from warehouse.ledger.cost import round_cost, sql_moving_average, sql_value_less, sql_value_plus
from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.limits import LOT_LEN, MAX_QTY
from warehouse.locations.models import COUNTED_KINDS, STOCK_KINDS, Location
from warehouse.locations.services import VIRTUAL, virtual


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
        raise ValidationError(field="qty", reason="not_integer")
    if qty <= 0:
        raise ValidationError(field="qty", reason="not_positive")
    if qty > MAX_QTY:
        raise ValidationError(field="qty", reason="too_large", max=MAX_QTY)
    return qty


# The hot path (a scan every second or two per clerk, hundreds per second per site) runs pre-built Core statements
# on the session's connection: no ORM unit of work, no expression building per call. ORM objects and these refs are
# interchangeable as arguments (same attribute names).
_bal, _val, _mov = Balance.__table__, Valuation.__table__, Move.__table__
_part_t, _loc_t = Part.__table__, Location.__table__


@dataclass(frozen=True)
class PartRef:
    id: int
    part_number: str
    name: str
    standard_cost: Decimal


@dataclass(frozen=True)
class LocRef:
    id: int
    code: str
    kind: str
    store: str | None

    @property
    def holds_stock(self) -> bool:
        return self.kind in STOCK_KINDS


@dataclass
class PostedMove:
    id: int
    part_id: int
    qty: int
    unit_cost: Decimal
    doc_type: str
    doc_no: str | None
    on_hand: dict  # {location id: qty after the move} for the stock-holding ends


_PART = select(_part_t.c.id, _part_t.c.part_number, _part_t.c.name, _part_t.c.standard_cost).where(
    _part_t.c.part_number == bindparam("pn"), _part_t.c.active.is_(True))
_LOC = select(_loc_t.c.id, _loc_t.c.code, _loc_t.c.kind, _loc_t.c.store).where(
    _loc_t.c.code == bindparam("code"), _loc_t.c.active.is_(True))
_TAKE = (update(_bal).where(_bal.c.part_id == bindparam("p"), _bal.c.location_id == bindparam("l"),
                            _bal.c.qty >= bindparam("n"))
         .values(qty=_bal.c.qty - bindparam("n"), updated_at=bindparam("t")).returning(_bal.c.qty))
_HAVE = select(_bal.c.qty).where(_bal.c.part_id == bindparam("p"), _bal.c.location_id == bindparam("l"))
_VALUE_OUT = {  # at moving-average cost, or at a given cost (reversals)
    avg: update(_val).where(_val.c.part_id == bindparam("p"), _val.c.store == bindparam("s"),
                            _val.c.qty >= bindparam("n"))
    .values(last_cost=cost, value=case((_val.c.qty == bindparam("n"), 0),
                                       else_=sql_value_less(_val.c.value, cost, bindparam("n"))),
            qty=_val.c.qty - bindparam("n")).returning(_val.c.last_cost)
    for avg, cost in ((True, sql_moving_average(_val.c.value, _val.c.qty)), (False, bindparam("c", type_=COST)))
}
_INSERT_MOVE = insert(_mov).returning(_mov.c.id)
_REPLAY = select(_mov.c.id, _mov.c.part_id, _mov.c.qty, _mov.c.unit_cost, _mov.c.doc_no).where(
    _mov.c.idempotency_key == bindparam("k"))
_UPSERTS: dict[str, tuple] = {}


def _upserts(conn) -> tuple:
    """(balance put, valuation in) upserts for this dialect, built once."""
    name = conn.dialect.name
    if name not in _UPSERTS:
        ins = insert_for(conn)
        b = _put_on_conflict(ins(_bal).values(part_id=bindparam("p"), location_id=bindparam("l"),
                                              qty=bindparam("n"), card_qty=0, updated_at=bindparam("t")))
        v = _value_in_on_conflict(ins(_val).values(part_id=bindparam("p"), store=bindparam("s"), qty=bindparam("n"),
                                                   value=bindparam("v", type_=COST),
                                                   last_cost=bindparam("c", type_=COST)))
        _UPSERTS[name] = (b.returning(_bal.c.qty), v)
    return _UPSERTS[name]


def _put_on_conflict(ins):
    """A balance put: a new row, or the quantity added to the existing one."""
    return ins.on_conflict_do_update(index_elements=[_bal.c.part_id, _bal.c.location_id],
                                     set_={"qty": _bal.c.qty + ins.excluded.qty,
                                           "updated_at": ins.excluded.updated_at})


def _value_in_on_conflict(ins):
    """Value into a store: a new valuation, or quantity and value added to it (the value exact, ledger.cost)."""
    return ins.on_conflict_do_update(index_elements=[_val.c.part_id, _val.c.store],
                                     set_={"qty": _val.c.qty + ins.excluded.qty,
                                           "value": sql_value_plus(_val.c.value, ins.excluded.value),
                                           "last_cost": ins.excluded.last_cost})


def part_ref(session: Session, part_number: str) -> PartRef:
    row = hot(session.connection(), _PART, {"pn": (part_number or "").strip()}).first() \
        if isinstance(part_number, str) else None
    if row is None:
        raise UnknownPart(part_number=part_number)
    return PartRef(*row)


# Counterparty rows never change once created: remember them per engine (per database) so a scan costs no look-up
# for them. Only a row this transaction did not create is remembered: one it created is gone if it rolls back.
_VIRTUAL_REFS: WeakKeyDictionary = WeakKeyDictionary()  # engine → {code: LocRef}, gone with its engine


def loc_ref(session: Session, code: str) -> LocRef:
    if code in VIRTUAL:  # counterparties are created on first use
        refs = _VIRTUAL_REFS.get(session.get_bind())
        ref = refs.get(code) if refs is not None else None
        return ref if ref is not None else _counterparty(session, code)
    row = hot(session.connection(), _LOC, {"code": (code or "").strip().upper()}).first() \
        if isinstance(code, str) else None
    if row is None:
        raise UnknownLocation(location=code)
    return LocRef(*row)


def _counterparty(session: Session, code: str) -> LocRef:
    created = session.info.setdefault("counterparties_created", set())
    row = hot(session.connection(), _LOC, {"code": code}).first()
    if row is None:
        v = virtual(session, code)
        session.flush()
        created.add(code)
        return LocRef(v.id, v.code, v.kind, v.store)
    ref = LocRef(*row)
    if code not in created:
        _VIRTUAL_REFS.setdefault(session.get_bind(), {})[code] = ref
    return ref


def _take(conn, part, loc, qty: int) -> int:
    """Decrement a cached balance only if enough is there; the row lock makes it race-free."""
    new_qty = hot(conn, _TAKE, {"p": part.id, "l": loc.id, "n": qty, "t": utcnow()}).scalar()
    if new_qty is None:
        raise _short(conn, part, loc, qty)
    return new_qty


def _short(conn, part, loc, qty: int) -> InsufficientStock:
    """The refusal of a take: what the bin holds against what was asked."""
    have = hot(conn, _HAVE, {"p": part.id, "l": loc.id}).scalar() or 0
    return InsufficientStock(part_number=part.part_number, location=loc.code, on_hand=have, requested=qty)


def _valuation_short(part, store: str, qty: int) -> InsufficientStock:
    """Only reachable if balance and valuation disagree, which check_ledger reports."""
    return InsufficientStock(reason="valuation", store=store, part_number=part.part_number, requested=qty)


def _put(conn, part, loc, qty: int) -> int:
    return hot(conn, _upserts(conn)[0], {"p": part.id, "l": loc.id, "n": qty, "t": utcnow()}).scalar()


def _value_out(conn, part, store: str, qty: int, unit_cost: Decimal | None) -> Decimal:
    """Take qty out of a store's valuation at moving-average cost (or at `unit_cost` for a reversal).

    One UPDATE computes the average from the row it locks, so concurrent issues each see the value the previous
    one left (right-hand sides read the old row, on both databases).
    """
    params = {"p": part.id, "s": store, "n": qty}
    if unit_cost is not None:
        params["c"] = unit_cost
    cost = hot(conn, _VALUE_OUT[unit_cost is None], params).scalar()
    if cost is None:
        raise _valuation_short(part, store, qty)
    return round_cost(cost)


def _value_in(conn, part, store: str, qty: int, unit_cost: Decimal) -> None:
    hot(conn, _upserts(conn)[1], {"p": part.id, "s": store, "n": qty, "v": unit_cost * qty, "c": unit_cost})


def post_move(session: Session, *, part, qty: int, src, dst, doc_type: str, actor: str,
              doc_no: str | None = None, device: str | None = None, unit_cost: Decimal | None = None,
              idempotency_key: str | None = None, reverses_id: int | None = None, note: str | None = None,
              at: datetime | None = None, lot: str | None = None, document: dict | None = None) -> PostedMove:
    """The single writer of the ledger (parts and locations as ORM objects or refs). Raises a DomainError on
    refusal; the caller then rolls back, so nothing is written. `document`: a new document's row
    (documents.document_row), numbered and written with the move, which carries its number (`doc_no` unused)."""
    check_qty(qty)
    if src.id == dst.id:
        raise ValidationError(field="to", reason="same_location", location=src.code)
    conn = session.connection()
    # Touch the cached balances in location-id order so two opposite transfers cannot deadlock.
    legs = [(loc, sign) for loc, sign in sorted(((src, -1), (dst, +1)), key=lambda p: p[0].id) if loc.holds_stock]
    cost = None if unit_cost is None else round_cost(unit_cost)  # a cost is booked at 4 places (ledger.cost)
    out = bool(src.store and src.store != dst.store)
    into = bool(dst.store and dst.store != src.store)
    row = dict(part_id=part.id, qty=qty, from_location_id=src.id, to_location_id=dst.id, unit_cost=None,
               doc_type=doc_type, doc_no=doc_no, actor=actor, device=device, created_at=at or utcnow(),
               idempotency_key=idempotency_key, reverses_id=reverses_id, note=note, lot=lot)
    try:
        if conn.dialect.name in AT_ONCE_DIALECTS and not (out and into):
            return _post_at_once(conn, part, legs, out, into, cost, row,
                                 store=src.store if out else dst.store, document=document)
        if document is not None:
            row["doc_no"] = doc_no = insert_document(session, document)
        on_hand = {}
        for loc, sign in legs:
            on_hand[loc.id] = (_take if sign < 0 else _put)(conn, part, loc, qty)
        if out:
            cost = _value_out(conn, part, src.store, qty, cost)
        if into:
            cost = round_cost(part.standard_cost if cost is None else cost)
            _value_in(conn, part, dst.store, qty, cost)
        row["unit_cost"] = cost = round_cost(part.standard_cost if cost is None else cost)
        move_id = hot(conn, _INSERT_MOVE, row).scalar_one()
    except IntegrityError as exc:  # the unique reverses_id / idempotency_key: a concurrent twin committed first
        if reverses_id is not None:
            raise AlreadyReversed(move_id=reverses_id) from exc
        raise Conflict(reason="duplicate_posting") from exc
    return PostedMove(move_id, part.id, qty, cost, doc_type, doc_no, on_hand)


def _post_at_once(conn, part, legs: list, out: bool, into: bool, cost: Decimal | None, row: dict, *,
                  store: str | None, document: dict | None = None) -> PostedMove:
    """`post_move` on PostgreSQL in one statement: the balance changes, the valuation and the move INSERT as
    data-modifying CTEs, one round trip where there were three or four, with the same checks. Each step reads the
    one before it (an EXISTS on its CTE), which makes PostgreSQL run them in that order: the balances are still
    locked in location-id order, and a refused step leaves the later ones undone. The statement answers one row,
    each step's result or NULL, so a refusal names its step as the step-by-step path does. (A move between two
    stores, valued out of one and into the other at the cost just taken, keeps the step-by-step path.) `store`: the
    store valued out of (`out`) or into (`into`); `document`: a new document's row, numbered and inserted by the
    statement too (documents.numbered_insert), the move carrying its number."""
    qty = row["qty"]
    params = {"p": part.id, "n": qty, "t": utcnow()}  # the balances' updated_at; the move keeps its own time
    for i, (loc, _sign) in enumerate(legs):
        params[f"l{i}"] = loc.id
    if out:
        params["s"] = store
        if cost is not None:  # a reversal: out at the original's cost, not the moving average
            params["c"] = cost
    else:
        cost = round_cost(part.standard_cost if cost is None else cost)
        params["c"] = cost
        if into:
            params.update(s=store, v=cost * qty)
    for k in _MOVE_BINDS:
        params[f"m_{k}"] = row[k]
    doc_no = row["doc_no"]
    if document is not None:
        params.update({f"d_{k}": v for k, v in document.items()})
        del params["m_doc_no"]  # the statement's own number
    shape = (tuple(sign for _loc, sign in legs), "out" if out else "in" if into else None, "c" not in params,
             document is not None)
    got = hot(conn, _at_once(conn, shape), params).first()
    if document is not None:  # its number, answered last
        doc_no, got = got[-1], got[:-1]
    for i, (loc, _sign) in enumerate(legs):
        if got[i] is None:  # the first refused step: only a take can refuse (a put always lands)
            raise _short(conn, part, loc, qty)
    if out:
        if got[-2] is None:
            raise _valuation_short(part, store, qty)
        cost = round_cost(got[-2])
    on_hand = {loc.id: got[i] for i, (loc, _sign) in enumerate(legs)}
    return PostedMove(got[-1], part.id, qty, cost, row["doc_type"], doc_no, on_hand)


AT_ONCE_DIALECTS = frozenset({"postgresql"})  # SQLite has no data-modifying CTEs: it takes the steps
_MOVE_BINDS = ("from_location_id", "to_location_id", "doc_type", "doc_no", "actor", "device", "created_at",
               "idempotency_key", "reverses_id", "note", "lot")
_AT_ONCE: dict[tuple, object] = {}


def _at_once(conn, shape: tuple):
    """The one statement of `_post_at_once` for a shape of move: (the balance legs' signs in location-id order,
    the valuation: "out", "in" or None, out at the moving average?, with a new document?), built once."""
    stmt = _AT_ONCE.get(shape)
    if stmt is None:
        stmt = _AT_ONCE[shape] = _build_at_once(*shape, upsert=insert_for(conn))
    return stmt


def _build_at_once(signs: tuple, valuation: str | None, average: bool, document: bool, *, upsert):
    p, n = bindparam("p", type_=_bal.c.part_id.type), bindparam("n", type_=_bal.c.qty.type)
    t = bindparam("t", type_=_bal.c.updated_at.type)
    steps: list = []

    def after_last(stmt):
        return stmt.where(exists(select(literal_column("1")).select_from(steps[-1]))) if steps else stmt

    for i, sign in enumerate(signs):
        loc = bindparam(f"l{i}", type_=_bal.c.location_id.type)
        if sign < 0:
            step = after_last(update(_bal).where(_bal.c.part_id == p, _bal.c.location_id == loc, _bal.c.qty >= n)
                              .values(qty=_bal.c.qty - n, updated_at=t)).returning(_bal.c.qty)
        else:
            step = _put_on_conflict(upsert(_bal).from_select(
                ["part_id", "location_id", "qty", "card_qty", "updated_at"],
                after_last(select(p, loc, n, literal_column("0"), t)))).returning(_bal.c.qty)
        steps.append(step.cte(f"leg{i}"))
    answer = [select(leg.c.qty).scalar_subquery() for leg in steps]
    cost = bindparam("c", type_=COST)
    if valuation == "out":
        value = after_last(_VALUE_OUT[average])
        steps.append(value.cte("value_out"))
        cost = steps[-1].c.last_cost
        answer.append(select(cost).scalar_subquery())
    elif valuation == "in":
        s, v = bindparam("s", type_=_val.c.store.type), bindparam("v", type_=COST)
        steps.append(_value_in_on_conflict(upsert(_val).from_select(
            ["part_id", "store", "qty", "value", "last_cost"], after_last(select(p, s, n, v, cost))),
        ).returning(_val.c.qty).cte("value_in"))
        answer.append(select(steps[-1].c.qty).scalar_subquery())
    values = [p, n, cost] + [bindparam(f"m_{k}", type_=_mov.c[k].type) for k in _MOVE_BINDS]
    if document:  # numbered by the counter's CTE, which the move reads once the valuation has run: a transaction
        seq, doc = numbered_insert("d_", upsert)  # holding the counter takes it last, after its balance and valuation
        values[3 + _MOVE_BINDS.index("doc_no")] = select(seq.c.doc_no).scalar_subquery()
    source = select(*values)
    source = source.select_from(steps[-1]) if valuation == "out" else after_last(source)
    move = insert(_mov).from_select(["part_id", "qty", "unit_cost", *_MOVE_BINDS], source)
    answer.append(select(move.returning(_mov.c.id).cte("move").c.id).scalar_subquery())
    stmt = select(*answer)
    if document:  # the note's INSERT is unread: PostgreSQL runs a data-modifying CTE whether or not anything reads it
        stmt = stmt.add_columns(select(seq.c.doc_no).scalar_subquery()).add_cte(doc.cte("doc"))
    return stmt


def _replay(session: Session, key: str | None, part, location) -> Posted | None:
    """The move an earlier call with this key posted, answered again; not looked for when the write frame answers
    a twin of the key from its record (a move and its record commit together)."""
    if key is None or idempotency.checked(session, key):
        return None
    conn = session.connection()
    row = hot(conn, _REPLAY, {"k": key}).first()
    if row is None:
        return None
    on_hand = hot(conn, _HAVE, {"p": row.part_id, "l": location.id}).scalar() or 0
    return Posted(row.id, part.part_number, location.code, row.qty, on_hand, row.unit_cost, row.doc_no,
                  replayed=True)


def _document(session: Session, doc_no: str, doc_type: str) -> str:
    """The number of the existing document the caller names, checked to be of this type."""
    doc = get_document(session, doc_no)
    if doc is None or doc.doc_type != doc_type:
        raise NotFound(reason="document", document=doc_no, doc_type=doc_type)
    return doc.doc_no


_PART_AND_BIN = select(*_PART.selected_columns, *_LOC.selected_columns).select_from(
    _part_t.join(_loc_t, true())).where(
    _part_t.c.part_number == bindparam("pn"), _part_t.c.active.is_(True),
    _loc_t.c.code == bindparam("code"), _loc_t.c.active.is_(True))


def _part_and_bin(session: Session, part_number: str, code: str, role: str | None,
                  part: PartRef | None = None, bins: tuple[LocRef | None, ...] = ()) -> tuple[PartRef, LocRef]:
    """Both in one round trip (the common case); on a miss, the single look-ups say which one is unknown. A part
    and bin the caller already holds (a scan read them in this transaction) are not looked up again."""
    if part is not None:
        return part, _held(session, bins, 0, code, role)
    row = None
    if isinstance(part_number, str) and isinstance(code, str):
        row = hot(session.connection(),
                  _PART_AND_BIN, {"pn": part_number.strip(), "code": code.strip().upper()}).first()
    if row is None:
        return part_ref(session, part_number), _bin(session, code, role)
    return PartRef(*row[:4]), check_bin(LocRef(*row[4:]), role)


def _held(session: Session, bins: tuple[LocRef | None, ...], i: int, code: str, role: str | None) -> LocRef:
    """The `i`-th bin the caller read (checked like any other), or, when it has none, the bin looked up by code."""
    held = bins[i] if i < len(bins) else None
    return check_bin(held, role) if held is not None else _bin(session, code, role)


_to_t = _loc_t.alias("to_location")
_PART_AND_BINS = select(*_PART.selected_columns, *_LOC.selected_columns,
                        _to_t.c.id, _to_t.c.code, _to_t.c.kind, _to_t.c.store).select_from(
    _part_t.join(_loc_t, true()).join(_to_t, true())).where(
    _part_t.c.part_number == bindparam("pn"), _part_t.c.active.is_(True),
    _loc_t.c.code == bindparam("code"), _loc_t.c.active.is_(True),
    _to_t.c.code == bindparam("to"), _to_t.c.active.is_(True))


def _part_and_bins(session: Session, part_number: str, src: str, dst: str, role: str | None,
                   part: PartRef | None = None, bins: tuple[LocRef | None, ...] = ()) -> tuple[PartRef, LocRef, LocRef]:
    """A transfer's part and both bins in one round trip; on a miss the single look-ups (which say which one is
    unknown); for a part the caller already holds, the bins it holds too or their look-ups."""
    if part is not None:
        return part, _held(session, bins, 0, src, role), _held(session, bins, 1, dst, role)
    row = None
    if isinstance(part_number, str) and isinstance(src, str) and isinstance(dst, str):
        row = hot(session.connection(), _PART_AND_BINS,
                  {"pn": part_number.strip(), "code": src.strip().upper(), "to": dst.strip().upper()}).first()
    if row is None:
        return part_ref(session, part_number), _bin(session, src, role), _bin(session, dst, role)
    return PartRef(*row[:4]), check_bin(LocRef(*row[4:8]), role), check_bin(LocRef(*row[8:]), role)


def _bin(session: Session, code: str, role: str | None) -> LocRef:
    return check_bin(loc_ref(session, code), role)


def _check_place(loc, role: str | None, kinds: tuple[str, ...]):
    """The one store rule: the place is of one of `kinds`, and a store clerk's role works in its store."""
    if loc.kind not in kinds:
        raise WrongStore(reason="not_a_bin", location=loc.code)
    if role is not None and not store_allowed(role, loc.store):
        raise Forbidden(reason="store", role=role, store=loc.store, location=loc.code)
    return loc


def check_counted(loc, role: str | None):
    """`check_bin` for the places that are counted and carry a card: bins and technicians' vans (COUNTED_KINDS)."""
    return _check_place(loc, role, COUNTED_KINDS)


def check_bin(loc, role: str | None):
    """The one check before stock moves in a bin: it is a bin, and a store clerk's role works in its store (the
    location as a `LocRef` or an ORM `Location`; returned as given)."""
    return _check_place(loc, role, ("bin",))


def _posted(move: PostedMove, part, loc) -> Posted:
    return Posted(move.id, part.part_number, loc.code, move.qty, move.on_hand[loc.id], move.unit_cost, move.doc_no)


def receive(session: Session, *, part_number: str, location: str, qty: int, actor: str,
            unit_cost: Decimal | None = None, reference: str | None = None, document: str | None = None,
            device: str | None = None, idempotency_key: str | None = None, role: str | None = None,
            part: PartRef | None = None, bins: tuple[LocRef | None, ...] = (), lot: str | None = None) -> Posted:
    """Receive purchased or allocated parts into a new-parts bin, on a receipt note (入库单). `part`: the part's
    ref when the caller already looked it up in this transaction (a scan), instead of a second look-up; `bins`: the
    bin(s) it read with the part, in the order named (None: not read, looked up here). `lot`: the
    supplier's lot from the label (GS1 AI 10), kept on the move so a quality incident can name it."""
    check_qty(qty)
    part, loc = _part_and_bin(session, part_number, location, role, part, bins)
    if loc.store != "NEW":
        raise WrongStore(reason="returned_store", location=loc.code, store=loc.store)
    if (replay := _replay(session, idempotency_key, part, loc)) is not None:
        return replay
    if unit_cost is not None:  # the cost column's range and scale, whichever edge the value came through
        unit_cost = money(unit_cost, "unit_cost", places=4)
    new_doc = doc_no = None  # a new receipt note is numbered and written with the move (post_move's `document`)
    if document is None:
        new_doc = document_row(doc_type="receipt", actor=actor, store="NEW", reference=reference)
    else:
        doc_no = _document(session, document, "receipt")
    move = post_move(session, part=part, qty=qty, src=loc_ref(session, "@SUPPLIER"), dst=loc, doc_type="receipt",
                     doc_no=doc_no, actor=actor, device=device, unit_cost=unit_cost,
                     idempotency_key=idempotency_key, note=reference, lot=_lot(lot), document=new_doc)
    return _posted(move, part, loc)


def check_lot(lot) -> str | None:
    """A supplier's lot given by a person (typed, or read off the part's label): trimmed, None when empty; longer
    than a GS1 lot (AI 10, 20 characters) or not text is refused."""
    if lot is None:
        return None
    if not isinstance(lot, str):
        raise ValidationError(field="lot", reason="not_text")
    lot = lot.strip()
    if len(lot) > LOT_LEN:
        raise ValidationError(field="lot", reason="too_long", max=LOT_LEN)
    return lot or None


def _lot(lot) -> str | None:
    """A GS1 lot is at most 20 characters; anything else from a label is not kept rather than refused (the receipt
    matters more than the lot)."""
    return lot.strip()[:40] or None if isinstance(lot, str) else None


def issue(session: Session, *, part_number: str, location: str, qty: int, actor: str, to: str = "@CUSTOMER",
          reference: str | None = None, document: str | None = None, doc_type: str = "issue",
          device: str | None = None, idempotency_key: str | None = None, role: str | None = None,
          part: PartRef | None = None, bins: tuple[LocRef | None, ...] = (), lot: str | None = None) -> Posted:
    """Issue parts out of a bin to a counterparty (customer by default; a dealer, a technician, scrap). `part` and
    `bins` as for `receive`; `lot`: the supplier's lot on the label scanned, carried on to the repair."""
    check_qty(qty)
    part, loc = _part_and_bin(session, part_number, location, role, part, bins)
    if (replay := _replay(session, idempotency_key, part, loc)) is not None:
        return replay
    dst = loc_ref(session, to)
    if dst.kind == "bin":
        raise ValidationError(field="to", reason="use_transfer")
    # A plain issue carries the caller's document (order, ticket, claim number) rather than a numbered issue
    # note: a per-issue day sequence would make every issue in the building queue on one counter row.
    move = post_move(session, part=part, qty=qty, src=loc, dst=dst, doc_type=doc_type, doc_no=document, actor=actor,
                     device=device, idempotency_key=idempotency_key, note=reference, lot=_lot(lot))
    return _posted(move, part, loc)


def transfer(session: Session, *, part_number: str, from_location: str, to_location: str, qty: int, actor: str,
             reference: str | None = None, device: str | None = None,
             idempotency_key: str | None = None, role: str | None = None, part: PartRef | None = None,
             bins: tuple[LocRef | None, ...] = ()) -> Posted:
    """Move parts between two bins of the same store. The answer's on-hand is the destination's. `part` and `bins`
    (source, destination) as for `receive`."""
    check_qty(qty)
    part, src, dst = _part_and_bins(session, part_number, from_location, to_location, role, part, bins)
    if src.store != dst.store:
        raise WrongStore(reason="different_stores", from_location=src.code, location=dst.code)
    if (replay := _replay(session, idempotency_key, part, dst)) is not None:
        return replay
    move = post_move(session, part=part, qty=qty, src=src, dst=dst, doc_type="transfer", actor=actor,
                     device=device, idempotency_key=idempotency_key, note=reference)
    return _posted(move, part, dst)


def reverse(session: Session, *, move_id: int, actor: str, reason: str | None = None,
            device: str | None = None, role: str | None = None) -> Posted:
    """Correct a mistaken move with its mirror image; the original stays in the ledger."""
    original = session.get(Move, move_id)
    if original is None:
        raise NotFound(reason="move", move_id=move_id)
    for loc in (original.from_location, original.to_location):
        if loc.kind == "bin":
            check_bin(loc, role)
    if original.reverses_id is not None:
        raise Conflict(reason="reversal_of_reversal", move_id=move_id)
    if session.scalar(select(Move.id).where(Move.reverses_id == move_id)) is not None:
        raise AlreadyReversed(move_id=move_id)
    move = post_move(session, part=original.part, qty=original.qty, src=original.to_location,
                     dst=original.from_location, doc_type="reversal", doc_no=original.doc_no, actor=actor,
                     device=device, unit_cost=original.unit_cost, reverses_id=original.id,
                     note=(reason or "")[:200] or None)
    # Report the bin the clerk sees: the original's stock side.
    shown = original.to_location if original.to_location.holds_stock else original.from_location
    return _posted(move, original.part, shown)


def receive_returned(session: Session, *, part_id: int, location: str, qty: int, src: str, doc_no: str, actor: str,
                     role: str | None = None, device: str | None = None, idempotency_key: str | None = None,
                     note: str | None = None) -> Posted:
    """An assessed failed part entering a returned-parts bin from a dealer's (or technician's) counterparty: the
    only way into the RETURNED store. Carried at zero stock value (what it is worth is the supplier's recovery)."""
    check_qty(qty)
    loc = _bin(session, location, role)
    if loc.store != "RETURNED":
        raise WrongStore(location=loc.code, store=loc.store)
    part = session.get(Part, part_id)
    move = post_move(session, part=part, qty=qty, src=loc_ref(session, src), dst=loc, doc_type="intake",
                     doc_no=doc_no, actor=actor, device=device, unit_cost=Decimal("0"),
                     idempotency_key=idempotency_key, note=note)
    return _posted(move, part, loc)


def bin_ref(session: Session, code: str, *, role: str | None = None) -> LocRef:
    """A bin by code, refused when it is not a bin or the role works in the other store."""
    return _bin(session, code, role)
