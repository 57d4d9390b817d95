"""Stocktake use cases: open, count (typed or scanned), finish a bin, reject for recount, approve.

Two counters on one bin–part: the later count supersedes the earlier one (kept as `superseded` for the manager), in
this stocktake and in any other open one that covers the bin.
Scans add to the scanning counter's own tally, so two people scanning the same shelf do not mix their tallies; a
typed count replaces the quantity. A rejected line must be recounted by someone other than its counter.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.queries import get_part
from warehouse.db import insert_for, utcnow
from warehouse.errors import ValidationError, WrongStore
from warehouse.ledger.cost import moving_average, round_cost
from warehouse.ledger.models import Balance, Move, Valuation
from warehouse.ledger.services import check_qty, post_move
from warehouse.limits import MAX_QTY
from warehouse.locations.models import COUNTED_KINDS, STORES, Location
from warehouse.locations.services import get_location, virtual
from warehouse.stocktake import cards, rules, shelf
from warehouse.stocktake.errors import (LineApproved, NoOpenStocktake, NotCounted, NotInStocktake, OwnCount,
                                        SameCounter, StocktakeClosed)
from warehouse.stocktake.models import CardConfirmation, Stocktake, StocktakeBin, StocktakeLine
from warehouse.stocktake.queries import get_stocktake



# --- opening ---------------------------------------------------------------------------------------------------

def _scope_bins(session: Session, *, store: str, locations, zone, bin_from, bin_to, plan, max_bins):
    """The SELECT of location ids in scope, and a short human description of it."""
    stmt = select(Location.id).where(Location.kind.in_(COUNTED_KINDS), Location.store == store, Location.active.is_(True))
    scope = []
    if locations:
        codes = []
        for code in locations:
            loc = get_location(session, code)
            if loc.kind not in COUNTED_KINDS or loc.store != store:
                raise WrongStore(reason="outside_store", location=loc.code, store=store)
            codes.append(loc.code)
        stmt = stmt.where(Location.code.in_(codes))
        scope.append("bins " + ", ".join(sorted(set(codes))[:5]) + (" …" if len(set(codes)) > 5 else ""))
    if zone:
        stmt = stmt.where(Location.zone == zone.strip().upper())
        scope.append(f"zone {zone.strip().upper()}")
    if bin_from or bin_to:
        lo, hi = (bin_from or "").strip().upper(), (bin_to or "").strip().upper()
        if lo:
            stmt = stmt.where(Location.code >= lo)
        if hi:
            stmt = stmt.where(Location.code <= hi)
        scope.append(f"bins {lo or '…'}–{hi or '…'}")
    if plan == "cycle":
        stmt = stmt.where(Location.id.in_(_due_bins(session, store=store, max_bins=max_bins)))
        scope.append("cycle count")
    elif plan not in (None, "full"):
        raise ValidationError(field="plan", reason="one_of", allowed="full, cycle")
    return stmt, "; ".join(scope) or "full"


def _due_bins(session: Session, *, store: str, max_bins: int | None):
    """Bins holding a part that is due for its cycle count, most overdue first (see rules)."""
    now = utcnow()
    held = (select(Balance.location_id, Balance.part_id).join(Location, Location.id == Balance.location_id)
            .where(Location.kind.in_(COUNTED_KINDS), Location.store == store, Balance.qty > 0).subquery())
    activity = (select(Move.part_id, func.count().label("n"))
                .where(Move.created_at >= now - timedelta(days=rules.ACTIVITY_DAYS))
                .group_by(Move.part_id).subquery())
    parts = select(held.c.part_id).distinct().subquery()
    ranked = (select(parts.c.part_id, func.cume_dist().over(order_by=func.coalesce(activity.c.n, 0).desc())
                     .label("cd"))
              .outerjoin(activity, activity.c.part_id == parts.c.part_id).subquery())
    last = (select(StocktakeLine.location_id, StocktakeLine.part_id, func.max(StocktakeLine.reviewed_at).label("at"))
            .where(StocktakeLine.state == "approved")
            .group_by(StocktakeLine.location_id, StocktakeLine.part_id).subquery())
    at_type = StocktakeLine.reviewed_at.type
    due = rules.due_before(rules.cycle_class(ranked.c.cd), now, lambda t: literal(t, at_type))
    stmt = (select(held.c.location_id)
            .join(ranked, ranked.c.part_id == held.c.part_id)
            .outerjoin(last, (last.c.location_id == held.c.location_id) & (last.c.part_id == held.c.part_id))
            .where((last.c.at.is_(None)) | (last.c.at < due))
            .group_by(held.c.location_id)
            .order_by(func.min(last.c.at).asc().nulls_first(), held.c.location_id))
    return stmt.limit(max_bins) if max_bins else stmt


def open_stocktake(session: Session, *, store: str, actor: str, locations: list[str] | None = None,
                   zone: str | None = None, bin_from: str | None = None, bin_to: str | None = None,
                   category: str | None = None, plan: str | None = None, max_bins: int | None = None,
                   blind: bool = True, note: str | None = None) -> Stocktake:
    """Open a full or partial stocktake; its bins are fixed now, so counters know where to go."""
    if store not in STORES:
        raise ValidationError(field="store", reason="one_of", allowed=", ".join(STORES))
    bins, scope = _scope_bins(session, store=store, locations=locations, zone=zone, bin_from=bin_from,
                              bin_to=bin_to, plan=plan, max_bins=max_bins)
    if category:
        scope += f"; category {category}"
    st = Stocktake(store=store, scope=scope[:200], category=category or None, blind=blind, note=note,
                   opened_by=actor, state="open")
    session.add(st)
    session.flush()
    inserted = session.execute(insert_for(session)(StocktakeBin).from_select(
        ["stocktake_id", "location_id"], select(literal(st.id), bins.subquery().c.id))).rowcount
    if not inserted:
        raise ValidationError(field="locations", reason="no_bins_in_scope")
    return st


# --- counting --------------------------------------------------------------------------------------------------

def _open(session: Session, stocktake_id: int) -> Stocktake:
    st = get_stocktake(session, stocktake_id)
    if st.state != "open":
        raise StocktakeClosed(stocktake=st.id, doc_no=st.doc_no, state=st.state)
    return st


def _in_scope(session: Session, st: Stocktake, part: Part | None, loc: Location) -> StocktakeBin:
    sb = session.get(StocktakeBin, (st.id, loc.id))
    if sb is None:
        raise NotInStocktake(location=loc.code, doc_no=st.doc_no)
    if part is not None and st.category and part.category != st.category:
        raise NotInStocktake(reason="category", part_number=part.part_number, category=st.category,
                             doc_no=st.doc_no)
    return sb


def _check_count(value, field: str, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QTY:
        raise ValidationError(field=field, reason="out_of_range", min=0, max=MAX_QTY)
    return value


def _current(session: Session, st: Stocktake, part: Part, loc: Location) -> StocktakeLine | None:
    return session.scalar(select(StocktakeLine).where(
        StocktakeLine.stocktake_id == st.id, StocktakeLine.location_id == loc.id, StocktakeLine.part_id == part.id,
        StocktakeLine.is_current.is_(True)).execution_options(populate_existing=True))


def _own_tally(session: Session, st: Stocktake, part: Part, loc: Location, actor: str) -> StocktakeLine | None:
    """This counter's latest count of the bin–part since it was last rejected (their running tally)."""
    same = (StocktakeLine.stocktake_id == st.id) & (StocktakeLine.location_id == loc.id) \
        & (StocktakeLine.part_id == part.id)
    rejected = select(func.coalesce(func.max(StocktakeLine.id), 0)).where(same, StocktakeLine.state == "rejected")
    return session.scalar(select(StocktakeLine).where(
        same, StocktakeLine.counter == actor, StocktakeLine.state.in_(("counted", "superseded")),
        StocktakeLine.id > rejected.scalar_subquery()).order_by(StocktakeLine.id.desc()).limit(1))


def _rejected_counter(session: Session, cur: StocktakeLine | None) -> str | None:
    """Who counted the rejected line that the current line is (or recounts): they may not count it again."""
    if cur is None:
        return None
    if cur.state == "rejected":
        return cur.counter
    return session.get(StocktakeLine, cur.recount_of).counter if cur.recount_of else None


def _count(session: Session, st: Stocktake, part: Part, loc: Location, *, actor: str, device: str | None,
           physical: int | None = None, add: int | None = None, card: int | None = None) -> StocktakeLine:
    """Record a count (`physical`) or add to the counter's tally (`add`), with the ledger and card as of now."""
    now = shelf.lock(session, part, loc)
    cur = _current(session, st, part, loc)
    if cur is not None and cur.state == "approved":
        raise LineApproved(part_number=part.part_number, location=loc.code)
    if _rejected_counter(session, cur) == actor:
        raise SameCounter(part_number=part.part_number, location=loc.code)
    at = utcnow()
    if add is not None and cur is not None and cur.state == "counted" and cur.counter == actor:
        if cur.physical + add > MAX_QTY:  # repeated scans must not run a tally past what any count may be
            raise ValidationError(field="physical", reason="too_large", max=MAX_QTY)
        cur.physical += add  # the counter's own tally goes on; the count is as of this scan
        cur.counted_at, cur.account_at_count, cur.card_at_count = at, now.qty, now.card_qty
        cur.last_move_id, cur.device = now.last_move_id, device
        session.flush()
        return cur
    if add is not None:
        base = _own_tally(session, st, part, loc, actor)
        physical, card = (base.physical + add, base.card) if base is not None else (add, None)
    if physical > MAX_QTY:
        raise ValidationError(field="physical", reason="too_large", max=MAX_QTY)
    # One count stands for a bin–part across open stocktakes too: this one supersedes theirs (approved lines stay).
    session.execute(update(StocktakeLine).where(
        StocktakeLine.location_id == loc.id, StocktakeLine.part_id == part.id, StocktakeLine.is_current.is_(True),
        StocktakeLine.stocktake_id != st.id, StocktakeLine.state.in_(("counted", "rejected")),
        StocktakeLine.stocktake_id.in_(select(Stocktake.id).where(Stocktake.state == "open")))
        .values(is_current=False, state=case((StocktakeLine.state == "counted", "superseded"),
                                             else_=StocktakeLine.state))
        .execution_options(synchronize_session=False))
    recount_of = None
    if cur is not None:
        recount_of = cur.id if cur.state == "rejected" else cur.recount_of
        if cur.state == "counted":
            cur.state = "superseded"
        cur.is_current = False
        session.flush()  # free the one-current-line index before the new line takes it
    line = StocktakeLine(stocktake_id=st.id, location_id=loc.id, part_id=part.id, physical=physical, card=card,
                         counter=actor, device=device, counted_at=at, account_at_count=now.qty,
                         card_at_count=now.card_qty, last_move_id=now.last_move_id, state="counted",
                         is_current=True, recount_of=recount_of)
    session.add(line)
    session.flush()
    return line


def record_count(session: Session, *, stocktake_id: int, part_number: str, location: str, physical, card=None,
                 actor: str, device: str | None = None, role: str | None = None) -> StocktakeLine:
    """A typed count of one part in one bin (and the paper card's balance, if the station keeps paper cards)."""
    physical = _check_count(physical, "physical", required=True)
    card = _check_count(card, "card", required=False)
    st = _open(session, stocktake_id)
    part = get_part(session, part_number)
    loc = shelf.bin_location(session, location, role)
    _in_scope(session, st, part, loc)
    return _count(session, st, part, loc, actor=actor, device=device, physical=physical, card=card)


def _covering(session: Session, loc: Location, stocktake_id: int | None) -> Stocktake:
    if stocktake_id is not None:
        return _open(session, stocktake_id)
    st = session.scalar(select(Stocktake).join(StocktakeBin, StocktakeBin.stocktake_id == Stocktake.id)
                        .where(StocktakeBin.location_id == loc.id, Stocktake.state == "open")
                        .order_by(Stocktake.id.desc()).limit(1))
    if st is None:
        raise NoOpenStocktake(location=loc.code)
    return st


def count_scan(session: Session, *, location: str, part_number: str, actor: str, qty: int = 1,
               stocktake: int | None = None, device: str | None = None, role: str | None = None) -> dict:
    """A part scanned in count mode: add `qty` to this counter's count. Blind: the answer has no expected qty."""
    check_qty(qty)
    part = get_part(session, part_number)
    loc = shelf.bin_location(session, location, role)
    st = _covering(session, loc, stocktake)
    _in_scope(session, st, part, loc)
    line = _count(session, st, part, loc, actor=actor, device=device, add=qty)
    return {"kind": "part", "mode": "count", "part_number": part.part_number, "location": loc.code,
            "counted": line.physical, "stocktake": st.id}


def bin_for_count(session: Session, *, location: str, stocktake: int | None = None,
                  role: str | None = None) -> dict:
    """A bin scanned in count mode, checked before any part is: in the clerk's store, in the (given, else the newest
    open) stocktake's scope. The answer says which stocktake counts it and whether the bin is done already."""
    loc = shelf.bin_location(session, location, role)
    st = _covering(session, loc, stocktake)
    sb = _in_scope(session, st, None, loc)
    return {"stocktake": st.id, "bin_done": sb.done_at is not None}


def finish_bin(session: Session, *, stocktake_id: int, location: str, actor: str, device: str | None = None,
               role: str | None = None) -> dict:
    """The counter has counted everything in the bin: whatever the ledger or card expects there and nobody
    counted is counted as 0 (a scan can only find what is on the shelf)."""
    st = _open(session, stocktake_id)
    loc = shelf.bin_location(session, location, role)
    sb = _in_scope(session, st, None, loc)
    counted = select(StocktakeLine.part_id).where(StocktakeLine.stocktake_id == st.id,
                                                  StocktakeLine.location_id == loc.id)
    missing = select(Part).join(Balance, Balance.part_id == Part.id).where(
        Balance.location_id == loc.id, (Balance.qty != 0) | (Balance.card_qty != 0), Part.id.not_in(counted))
    if st.category:
        missing = missing.where(Part.category == st.category)
    for part in session.scalars(missing.order_by(Part.id)).all():
        _count(session, st, part, loc, actor=actor, device=device, physical=0)
    sb.done_by, sb.done_at = actor, utcnow()
    session.flush()
    return {"stocktake": st.id, "location": loc.code, "done_by": actor, "done_at": sb.done_at.isoformat()}


# --- review ----------------------------------------------------------------------------------------------------

def reject(session: Session, *, stocktake_id: int, lines: list[dict], actor: str) -> dict:
    """Send counted bin–parts back for a recount (by someone other than their counter)."""
    st = _open(session, stocktake_id)
    rejected = 0
    for item in lines:
        part = get_part(session, item.get("part_number"))
        loc = get_location(session, item.get("location"))
        line = _current(session, st, part, loc)
        if line is None:
            raise NotCounted(part_number=part.part_number, location=loc.code)
        if line.state == "approved":
            raise LineApproved(part_number=part.part_number, location=loc.code)
        if line.state == "counted":
            line.state, line.reviewed_by, line.reviewed_at = "rejected", actor, utcnow()
            rejected += 1
    session.flush()
    return {"id": st.id, "rejected": rejected}


def _avg_cost(session: Session, part: Part, store: str) -> Decimal:
    v = session.execute(select(Valuation.qty, Valuation.value).where(Valuation.part_id == part.id,
                                                                    Valuation.store == store)).first()
    return moving_average(v.value, v.qty, default=part.standard_cost) if v else round_cost(part.standard_cost)


def _approve_line(session: Session, st: Stocktake, line: StocktakeLine, actor: str) -> dict:
    """Post physical − account-at-count, and set the card to physical plus the moves confirmed since the count."""
    part, loc = line.part, line.location
    shelf.lock(session, part, loc)
    confirmed_since = session.scalar(
        select(func.coalesce(func.sum(shelf.signed_qty(loc.id)), 0)).select_from(Move)
        .join(CardConfirmation, (CardConfirmation.move_id == Move.id) & (CardConfirmation.location_id == loc.id))
        .where(Move.part_id == part.id, Move.id > line.last_move_id))
    adj = line.physical - line.account_at_count
    move = None
    if adj:
        adjust = virtual(session, "@ADJUST")
        src, dst = (adjust, loc) if adj > 0 else (loc, adjust)
        move = post_move(session, part=part, qty=abs(adj), src=src, dst=dst, doc_type="stocktake",
                         doc_no=st.doc_no, actor=actor, device="stocktake",
                         unit_cost=_avg_cost(session, part, st.store) if adj > 0 else None,
                         idempotency_key=f"stocktake-line:{line.id}", note=f"line {line.id}")
        # The adjustment moves nothing at the shelf: it is on the card by construction.
        session.add(CardConfirmation(move_id=move.id, location_id=loc.id, actor=actor, device="stocktake"))
    session.execute(update(Balance).where(Balance.part_id == part.id, Balance.location_id == loc.id)
                    .values(card_qty=line.physical + int(confirmed_since)))
    cards.reset_watermark(session, part_id=part.id, location_id=loc.id, after_move_id=line.last_move_id,
                          opening_qty=line.physical, reason="stocktake", actor=actor)
    line.state, line.adjusted, line.move_id = "approved", adj, move.id if move else None
    line.reviewed_by, line.reviewed_at = actor, utcnow()
    return {"part_number": part.part_number, "location": loc.code, "qty": adj, "move_id": line.move_id}


def approve(session: Session, *, stocktake_id: int, actor: str) -> dict:
    """Post the adjustments of every counted line; the stocktake closes when no line awaits a recount.

    Refused when the approver counted any of those lines. A second approval finds nothing left and posts nothing.
    """
    get_stocktake(session, stocktake_id)
    # Lock the stocktake row: two managers approving at once run one after the other.
    state = session.execute(update(Stocktake).where(Stocktake.id == stocktake_id)
                            .values(version=Stocktake.version + 1).returning(Stocktake.state)).scalar_one()
    st = session.get(Stocktake, stocktake_id, populate_existing=True)
    if state == "approved":
        return _approval(st, [], already=True)
    lines = session.scalars(select(StocktakeLine).where(
        StocktakeLine.stocktake_id == st.id, StocktakeLine.is_current.is_(True), StocktakeLine.state == "counted")
        .order_by(StocktakeLine.location_id, StocktakeLine.part_id)).all()
    if any(line.counter == actor for line in lines):
        raise OwnCount(stocktake=st.id, doc_no=st.doc_no)
    # A count beyond the quantity cap (or an adjustment beyond it) is a typo or a scan gone wrong, not stock: it is
    # held back for a recount instead of failing the approval of every other line.
    held = [line for line in lines if not rules.plausible(line.physical, line.account_at_count, MAX_QTY)]
    posted = [_approve_line(session, st, line, actor) for line in lines if line not in held]
    recount = session.scalar(select(func.count()).where(
        StocktakeLine.stocktake_id == st.id, StocktakeLine.is_current.is_(True), StocktakeLine.state == "rejected"))
    if not recount and not held:
        st.state, st.approved_by, st.approved_at = "approved", actor, utcnow()
    session.flush()
    result = _approval(st, posted, already=False, awaiting_recount=recount)
    result["held"] = [{"part_number": line.part.part_number, "location": line.location.code,
                       "physical": line.physical} for line in held]
    return result


def _approval(st: Stocktake, posted: list[dict], *, already: bool, awaiting_recount: int = 0) -> dict:
    return {"id": st.id, "doc_no": st.doc_no, "state": st.state, "already_approved": already,
            "adjustments": [p for p in posted if p["qty"]], "approved_lines": len(posted),
            "awaiting_recount": awaiting_recount, "held": []}
