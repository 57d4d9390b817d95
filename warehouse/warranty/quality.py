"""Quality statistics from claims: failures by part, supplier, model, cause and month with the rate per 1,000 units
sold; the batch-quality alert; incidents opened from it.

The alert rule (docs/warranty.md): a part alerts when its claims filed in the last 30 days number at least
`ALERT_MIN` and at least `ALERT_FACTOR` times its usual 30-day count, the usual count being the average per 30 days
over the 180 days before that window (a part with no history alerts on `ALERT_MIN` alone).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part, Supplier
from warehouse.db import utcnow
from warehouse.documents.services import day_number
from warehouse.errors import DomainError, NotFound, ValidationError
from warehouse.warranty.models import Claim, Customer, QualityIncident, Unit

ALERT_MIN = 3
ALERT_FACTOR = 2
WINDOW = 30
BASELINE = 180
GROUPS = ("part", "supplier", "model", "cause", "month")


class IncidentState(DomainError):
    code = "incident_state"


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.utc)


def _month(session: Session, col):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(col, "YYYY-MM")
    return func.strftime("%Y-%m", col)


def failures(session: Session, *, start: date, end: date, by: str) -> list[dict]:
    """Claims filed in [start, end) grouped by `by`; for part and model, the rate per 1,000 units sold of the
    models concerned (units sold up to `end`)."""
    if by not in GROUPS:
        raise ValidationError(field="by", reason="one_of", allowed=", ".join(GROUPS))
    key = {"part": Part.part_number, "supplier": func.coalesce(Supplier.code, ""), "model": Unit.model,
           "cause": func.coalesce(Claim.cause, ""), "month": _month(session, Claim.created_at)}[by]
    q = (select(key.label("key"), func.count(Claim.id), func.sum(Claim.qty),
                func.count(func.distinct(Claim.unit_id)))
         .join(Unit, Unit.id == Claim.unit_id).join(Part, Part.id == Claim.part_id)
         .outerjoin(Supplier, Supplier.id == Part.supplier_id)
         .where(Claim.created_at >= _start(start), Claim.created_at < _start(end))
         .group_by(key).order_by(func.count(Claim.id).desc(), key))
    rows = [{"key": k, "claims": n, "qty": int(q_ or 0), "units": u} for k, n, q_, u in session.execute(q)]
    if by in ("model", "part"):
        sold = _sold(session, by, end)
        for r in rows:
            base = sold.get(r["key"], 0)
            r["units_sold"] = base
            r["per_1000"] = round(r["units"] * 1000 / base, 2) if base else None
    return rows


def main_causes(session: Session, *, start: date, end: date) -> dict[str, str | None]:
    """Per part number, the cause assessed most often for claims filed in [start, end) (ties: alphabetical)."""
    q = (select(Part.part_number, Claim.cause, func.count()).join(Part, Part.id == Claim.part_id)
         .where(Claim.created_at >= _start(start), Claim.created_at < _start(end))
         .group_by(Part.part_number, Claim.cause))
    best: dict[str, tuple[int, str]] = {}
    for pn, cause, n in session.execute(q):
        key = (-n, cause or "~")
        if pn not in best or key < best[pn]:
            best[pn] = key
    return {pn: (None if c == "~" else c) for pn, (_n, c) in best.items()}


def _sold(session: Session, by: str, end: date) -> dict:
    if by == "model":
        q = select(Unit.model, func.count()).where(Unit.sold_on < end).group_by(Unit.model)
        return dict(session.execute(q).all())
    # per part: units sold of the models on which the part has failed
    models = (select(Claim.part_id, Unit.model).join(Unit, Unit.id == Claim.unit_id).distinct().subquery())
    sold = select(Unit.model, func.count().label("n")).where(Unit.sold_on < end).group_by(Unit.model).subquery()
    q = (select(Part.part_number, func.sum(sold.c.n)).join(models, models.c.part_id == Part.id)
         .join(sold, sold.c.model == models.c.model).group_by(Part.part_number))
    return {k: int(v) for k, v in session.execute(q)}


def alerts(session: Session, *, today: date | None = None) -> list[dict]:
    """Parts whose recent failures exceed their usual rate (the rule in the module docstring)."""
    today = today or utcnow().date()
    recent_from = _start(today - timedelta(days=WINDOW - 1))
    base_from = _start(today - timedelta(days=WINDOW - 1 + BASELINE))
    recent = func.sum(case((Claim.created_at >= recent_from, 1), else_=0))
    before = func.sum(case((and_(Claim.created_at >= base_from, Claim.created_at < recent_from), 1), else_=0))
    q = (select(Part.part_number, Part.name, recent.label("recent"), before.label("before"))
         .join(Part, Part.id == Claim.part_id).where(Claim.created_at >= base_from)
         .group_by(Part.part_number, Part.name).having(recent >= ALERT_MIN))
    out = []
    for pn, name, n_recent, n_before in session.execute(q):
        usual = n_before * WINDOW / BASELINE
        if n_recent >= ALERT_FACTOR * usual:
            out.append({"part_number": pn, "name": name, "recent": int(n_recent), "usual": round(usual, 2)})
    return sorted(out, key=lambda a: -a["recent"])


def open_incident(session: Session, *, part_number: str, title: str, actor: str, model: str | None = None,
                  sold_from: date | None = None, sold_to: date | None = None,
                  lots: list[str] | None = None) -> QualityIncident:
    """A batch-quality incident for a part, narrowed to a model, a sale period and the supplier lots involved
    (as received: `lots_of` lists the lots of the part on record)."""
    part = session.scalar(select(Part).where(Part.part_number == part_number)) \
        if isinstance(part_number, str) else None
    if part is None:
        from warehouse.errors import UnknownPart
        raise UnknownPart(part_number=part_number)
    title = (title or "").strip()
    if not title:
        raise ValidationError(field="title", reason="required")
    if len(title) > 200:
        raise ValidationError(field="title", reason="too_long", max=200)
    if sold_from and sold_to and sold_from > sold_to:
        raise ValidationError(field="sold_to", reason="before_start")
    names = sorted({str(lot).strip() for lot in (lots or []) if str(lot).strip()})
    if len(",".join(names)) > 200:
        raise ValidationError(field="lots", reason="too_long", max=200)
    inc = QualityIncident(incident_no=day_number(session, "QI"), part_id=part.id, model=model, sold_from=sold_from,
                          sold_to=sold_to, title=title, opened_by=actor, lots=",".join(names) or None)
    session.add(inc)
    session.flush()
    return inc


def get_incident(session: Session, incident_no: str) -> QualityIncident:
    inc = session.scalar(select(QualityIncident).where(QualityIncident.incident_no == incident_no)) \
        if isinstance(incident_no, str) else None
    if inc is None:
        raise NotFound(reason="incident", incident_no=incident_no)
    return inc


def _lots(inc: QualityIncident) -> list[str]:
    return inc.lots.split(",") if inc.lots else []


def units_with_lots(part_id: int, lots: list[str] | None):
    """Ids of the units known to carry one of these lots of the part (None: any recorded lot): fitted in a repair
    that recorded the lot, or named on a claim for the part."""
    from warehouse.service.models import Ticket, TicketPart

    fitted = (select(Ticket.unit_id).join(TicketPart, TicketPart.ticket_id == Ticket.id)
              .where(TicketPart.part_id == part_id, Ticket.unit_id.is_not(None),
                     TicketPart.lot.is_not(None) if lots is None else TicketPart.lot.in_(lots)))
    claimed = select(Claim.unit_id).where(Claim.part_id == part_id,
                                          Claim.lot.is_not(None) if lots is None else Claim.lot.in_(lots))
    return fitted.union(claimed)


def affected_units(session: Session, inc: QualityIncident, *, with_customers: bool, limit: int = 5000) -> list[dict]:
    """Units that may carry the part: the incident's model (else every model the part has failed on), sold in the
    incident's period. When the incident names lots, the lot is applied where it is known: a unit known to carry a
    named lot is in (`named_lot`), one known to carry only other lots of the part is out, one whose lot was never
    recorded stays in (it may carry a named lot)."""
    q = select(Unit, Customer).outerjoin(Customer, Customer.id == Unit.customer_id)
    named = set()
    if _lots(inc):
        named = set(session.scalars(units_with_lots(inc.part_id, _lots(inc))))
        recorded = units_with_lots(inc.part_id, None)
        q = q.where(or_(Unit.id.in_(named), Unit.id.not_in(recorded)))
    if inc.model:
        q = q.where(Unit.model == inc.model)
    else:
        q = q.where(Unit.model.in_(select(Unit.model).join(Claim, Claim.unit_id == Unit.id)
                                   .where(Claim.part_id == inc.part_id).distinct()))
    if inc.sold_from:
        q = q.where(Unit.sold_on >= inc.sold_from)
    if inc.sold_to:
        q = q.where(Unit.sold_on <= inc.sold_to)
    rows = []
    for unit, cust in session.execute(q.order_by(Unit.sold_on, Unit.serial).limit(limit)):
        row = {"serial": unit.serial, "model": unit.model, "sold_on": unit.sold_on.isoformat(),
               "dealer": unit.dealer_code, "named_lot": unit.id in named}
        if with_customers and cust is not None:
            row.update(customer=cust.name, phone=cust.phone)
        rows.append(row)
    return rows


def record_decision(session: Session, *, incident_no: str, decision: str, customers_told_on: date | None = None
                    ) -> QualityIncident:
    inc = get_incident(session, incident_no)
    if inc.status != "open":
        raise IncidentState(incident_no=inc.incident_no, status=inc.status)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError(field="decision", reason="required")
    inc.decision = decision[:4000]
    inc.customers_told_on = customers_told_on or inc.customers_told_on
    session.flush()
    return inc


def close_incident(session: Session, *, incident_no: str, actor: str) -> QualityIncident:
    inc = get_incident(session, incident_no)
    if inc.status != "open" or not inc.decision:
        raise IncidentState(incident_no=inc.incident_no, status=inc.status if inc.decision else "undecided")
    inc.status, inc.closed_by, inc.closed_at = "closed", actor, utcnow()
    session.flush()
    return inc


def lots_of(session: Session, *, part_id: int, limit: int = 200) -> list[dict]:
    """The supplier lots of a part received on record (receipts that scanned a GS1 label with AI 10): lot, qty
    received, first and last receipt."""
    from warehouse.ledger.models import Move

    q = (select(Move.lot, func.sum(Move.qty), func.min(Move.created_at), func.max(Move.created_at))
         .where(Move.part_id == part_id, Move.lot.is_not(None), Move.doc_type == "receipt")
         .group_by(Move.lot).order_by(func.min(Move.created_at)).limit(limit))
    return [{"lot": lot, "qty": int(n), "first": a.isoformat(), "last": b.isoformat()}
            for lot, n, a, b in session.execute(q)]


def incident_claims(session: Session, inc: QualityIncident, *, limit: int = 500) -> list[dict]:
    """The claims behind an incident: the part's claims on units of its model and sale period, newest first, each
    with the failed part's lot when known and whether that lot is one the incident names."""
    from warehouse.dealers.models import Dealer

    q = (select(Claim.claim_no, Claim.status, Claim.cause, Claim.lot, Claim.qty, Claim.created_at, Unit.serial,
                Unit.model, Dealer.code)
         .join(Unit, Unit.id == Claim.unit_id).join(Dealer, Dealer.id == Claim.dealer_id)
         .where(Claim.part_id == inc.part_id))
    if inc.model:
        q = q.where(Unit.model == inc.model)
    if inc.sold_from:
        q = q.where(Unit.sold_on >= inc.sold_from)
    if inc.sold_to:
        q = q.where(Unit.sold_on <= inc.sold_to)
    named = set(_lots(inc))
    return [{"claim_no": no, "status": st, "cause": cause, "lot": lot, "in_named_lot": lot in named, "qty": qty,
             "created_at": at.isoformat(), "serial": serial, "model": model, "dealer": dealer}
            for no, st, cause, lot, qty, at, serial, model, dealer
            in session.execute(q.order_by(Claim.id.desc()).limit(limit))]


def claim_lots(session: Session, *, part_id: int) -> list[dict]:
    """The lots the part's claims name (given with the claim or carried from the repair that fitted the part), with
    how many claims each: where the failures concentrate."""
    q = (select(Claim.lot, func.count(), func.sum(Claim.qty)).where(Claim.part_id == part_id, Claim.lot.is_not(None))
         .group_by(Claim.lot).order_by(func.count().desc(), Claim.lot))
    return [{"lot": lot, "claims": n, "qty": int(qty or 0)} for lot, n, qty in session.execute(q)]


def incident_view(session: Session, incident_no: str, *, with_customers: bool, units_limit: int = 5000) -> dict:
    """An incident with its affected units (customers only for roles that may read them), the claims behind it, the
    part's lots received and the lots its claims name."""
    inc = get_incident(session, incident_no)
    return {**incident_dict(session, inc),
            "affected_units": affected_units(session, inc, with_customers=with_customers, limit=units_limit),
            "claims": incident_claims(session, inc),
            "part_lots": lots_of(session, part_id=inc.part_id),
            "claim_lots": claim_lots(session, part_id=inc.part_id)}


def incident_dict(session: Session, inc: QualityIncident) -> dict:
    pn = session.scalar(select(Part.part_number).where(Part.id == inc.part_id))
    return {"incident_no": inc.incident_no, "part_number": pn, "model": inc.model,
            "sold_from": inc.sold_from.isoformat() if inc.sold_from else None,
            "sold_to": inc.sold_to.isoformat() if inc.sold_to else None,
            "lots": inc.lots.split(",") if inc.lots else [], "title": inc.title, "decision": inc.decision,
            "customers_told_on": inc.customers_told_on.isoformat() if inc.customers_told_on else None,
            "status": inc.status, "opened_by": inc.opened_by, "opened_at": inc.opened_at.isoformat(),
            "closed_by": inc.closed_by, "closed_at": inc.closed_at.isoformat() if inc.closed_at else None}


def list_incidents(session: Session, *, status: str | None = None, limit: int = 100) -> list[dict]:
    q = select(QualityIncident)
    if status:
        q = q.where(QualityIncident.status == status)
    return [incident_dict(session, inc) for inc in session.scalars(q.order_by(QualityIncident.id.desc())
                                                                     .limit(limit))]
