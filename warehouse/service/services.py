"""Field-service use cases: log, dispatch, arrive, complete, callback, answer, hand-off, quote, payment.

Session first, keyword-only, flush but never commit. A refused step raises before anything is flushed or after
writes its caller's transaction rolls back, so nothing of it stays.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.services import money
from warehouse.checks import one_of as _one_of
from warehouse.checks import text as _text
from warehouse.db import utcnow
from warehouse.dealers.models import Dealer
from warehouse.dealers.services import create_dealer
from warehouse.documents.services import day_number
from warehouse.errors import Forbidden, ValidationError
from warehouse.ledger import services as ledger
from warehouse.service import rules
from warehouse.service.errors import (JobOpen, NoQuote, NotDispatched, NotReached, TicketState, UnknownStation,
                                      UnknownTicket, WarrantyJob)
from warehouse.service.models import (Callback, DueRule, Handoff, Payment, Station, TechnicianProfile, Ticket,
                                      TicketEvent, TicketPart)
from warehouse.service.vans import technician_user, van_of
from warehouse.warranty.models import Customer, LabourRate, ProductModel, Unit
from warehouse.warranty.services import file_claim, fitted_lot, get_unit, normalise_serial, status_of

DESCRIPTION_LEN = 4000
TEXT_LEN = 2000
MAX_HOURS = Decimal("999.99")
# Field service's own dealer account: the warranty claims for failed parts our technicians collect are filed in its
# name (a claim needs a dealer; crediting the unit's selling dealer for our own repair would be wrong).
SERVICE_DEALER = "SVC"


# --- small checks ---------------------------------------------------------------------------------------------------

def _utc(value, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError(field=field, reason="required")
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _hours(value, field: str = "labour_hours") -> Decimal:
    d = money(value, field)
    if d > MAX_HOURS:
        raise ValidationError(field=field, reason="out_of_range", min=0, max=MAX_HOURS)
    return d


def _check_time(at: datetime, *, not_before: datetime | None) -> None:
    problem = rules.time_problem(at, not_before=not_before, now=utcnow())
    if problem == "in_future":
        raise ValidationError(field="at", reason="ahead_of_clock", tolerance_minutes=rules.CLOCK_SKEW.seconds // 60)
    if problem == "before_previous":
        raise ValidationError(field="at", reason="before_previous", not_before=not_before.isoformat())


def _move_key(idempotency_key: str | None, i: int) -> str | None:
    """Each van issue of a step carries a key derived from the request's (unique in the ledger: a step replayed
    after a lost answer cannot issue twice), short enough for the column."""
    if idempotency_key is None:
        return None
    import hashlib
    return f"svc:{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}:{i}"


def _event(session: Session, ticket: Ticket, kind: str, actor: str, *, at: datetime | None = None,
           **data) -> None:
    session.add(TicketEvent(ticket_id=ticket.id, kind=kind, at=at or utcnow(), actor=actor,
                            data={k: v for k, v in data.items() if v is not None} or None))


def get_ticket(session: Session, ticket_no: str, *, lock: bool = False) -> Ticket:
    q = select(Ticket).where(Ticket.ticket_no == ticket_no.strip().upper()) if isinstance(ticket_no, str) else None
    ticket = session.scalar(q.with_for_update() if lock else q) if q is not None else None
    if ticket is None:
        raise UnknownTicket(ticket_no=ticket_no)
    return ticket


def _state(ticket: Ticket, step: str) -> None:
    if ticket.status not in rules.ALLOWED[step]:
        raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step=step)


def _may_work(ticket: Ticket, actor: str, *, may_any: bool) -> None:
    """A technician records steps on their own jobs only; the back office (tickets.write) on any."""
    if may_any:
        return
    if ticket.assignee_kind != "technician" or ticket.assignee != actor:
        raise Forbidden(reason="not_assignee", ticket_no=ticket.ticket_no)


# --- registry: stations, profiles, due rules --------------------------------------------------------------------------

def create_station(session: Session, *, code: str, name: str, region: str | None = None, phone: str | None = None,
                   dealer: str | None = None) -> Station:
    code = (code or "").strip().upper() if isinstance(code, str) else ""
    from warehouse.dealers.services import CODE, get_dealer
    if not CODE.match(code):
        raise ValidationError(field="code", reason="service_dealer_code")
    if session.scalar(select(Station.id).where(Station.code == code)) is not None:
        from warehouse.errors import AlreadyExists
        raise AlreadyExists(code=code)
    station = Station(code=code, name=_text(name, "name", 200, required=True), region=_text(region, "region", 64),
                      phone=_text(phone, "phone", 40), dealer_code=get_dealer(session, dealer).code if dealer else None)
    session.add(station)
    session.flush()
    return station


def get_station(session: Session, code) -> Station:
    station = session.scalar(select(Station).where(Station.code == code.strip().upper(), Station.active.is_(True))) \
        if isinstance(code, str) else None
    if station is None:
        raise UnknownStation(station=code)
    return station


def set_profile(session: Session, *, username: str, region: str | None = None,
                skills: str | None = None) -> TechnicianProfile:
    user = technician_user(session, username)
    row = session.get(TechnicianProfile, user.username) or TechnicianProfile(username=user.username)
    row.region, row.skills = _text(region, "region", 64), _text(skills, "skills", 200)
    session.add(row)
    session.flush()
    return row


def set_due_rule(session: Session, *, kind: str = "*", priority: str = "*", region: str | None = None,
                 contact_hours: int, reach_hours: int) -> DueRule:
    _one_of(kind, "kind", ("*",) + rules.FIELD_KINDS)
    _one_of(priority, "priority", ("*",) + rules.PRIORITIES)
    region = _text(region, "region", 64) or "*"
    for name, v in (("contact_hours", contact_hours), ("reach_hours", reach_hours)):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 24 * 90:
            raise ValidationError(field=name, reason="out_of_range", min=1, max=24 * 90)
    row = session.scalar(select(DueRule).where(DueRule.kind == kind, DueRule.priority == priority,
                                               DueRule.region == region)) \
        or DueRule(kind=kind, priority=priority, region=region)
    row.contact_hours, row.reach_hours = contact_hours, reach_hours
    session.add(row)
    session.flush()
    return row


def due_hours(session: Session, *, kind: str, priority: str, region: str | None) -> tuple[int, int]:
    rows = session.scalars(select(DueRule).where(DueRule.kind.in_((kind, "*")),
                                                 DueRule.priority.in_((priority, "*")))).all()
    row = rules.pick_rule(rows, kind=kind, priority=priority, region=region)
    return (row.contact_hours, row.reach_hours) if row else rules.DEFAULT_HOURS[priority]


# --- logging a call ---------------------------------------------------------------------------------------------

def _customer(session: Session, customer) -> Customer | None:
    """An existing customer by id, or found by name and phone, or created from {name, phone?, address?}."""
    if customer is None:
        return None
    if isinstance(customer, int) and not isinstance(customer, bool):
        found = session.get(Customer, customer)
        if found is None:
            from warehouse.errors import NotFound
            raise NotFound(reason="customer", customer=customer)
        return found
    if isinstance(customer, str):
        customer = {"name": customer}
    if not isinstance(customer, dict):
        raise ValidationError(field="customer", reason="not_text")
    name = _text(customer.get("name"), "customer.name", 200, required=True)
    phone = _text(customer.get("phone"), "customer.phone", 40)
    found = session.scalar(select(Customer).where(Customer.name == name, Customer.phone == phone).limit(1)) \
        if phone else None
    if found is None:
        found = Customer(name=name, phone=phone, address=_text(customer.get("address"), "customer.address", 300),
                         key_account=bool(customer.get("key_account")),
                         owner=_text(customer.get("owner"), "customer.owner", 64))
        session.add(found)
        session.flush()
    return found


def create_ticket(session: Session, *, category: str, description: str, actor: str, serial: str | None = None,
                  customer=None, kind: str | None = None, channel: str = "phone", priority: str | None = None,
                  region: str | None = None, on: date | None = None) -> Ticket:
    """Log a call. A device problem needs the unit's serial, and its warranty status is captured from it now."""
    _one_of(category, "category", rules.CATEGORIES)
    kind = kind or ("repair" if category == "device" else "inquiry")
    _one_of(kind, "kind", rules.KINDS)
    _one_of(channel, "channel", rules.CHANNELS)
    description = _text(description, "description", DESCRIPTION_LEN, required=True)
    unit, warranty_status = None, None
    if serial is not None and not (isinstance(serial, str) and not serial.strip()):
        unit = get_unit(session, normalise_serial(serial))
        warranty_status = status_of(session, unit, on=on if on and on >= unit.sold_on else None)[0].status
    elif category == "device":
        raise ValidationError(field="serial", reason="required")
    cust = _customer(session, customer) or (unit.customer if unit is not None else None)
    if priority is None:
        priority = "high" if cust is not None and cust.key_account else "normal"
    _one_of(priority, "priority", rules.PRIORITIES)
    ticket = Ticket(ticket_no=day_number(session, "TK"), kind=kind, category=category, channel=channel,
                    priority=priority, region=_text(region, "region", 64), description=description,
                    customer_id=cust.id if cust else None, unit_id=unit.id if unit else None,
                    warranty_status=warranty_status, status="open", created_by=actor, created_at=utcnow())
    session.add(ticket)
    session.flush()
    _event(session, ticket, "logged", actor, ticket_kind=kind, category=category, channel=channel)
    if kind == "complaint":  # every complaint is followed to closure: the one who logged it is responsible
        from warehouse.service.complaints import register
        register(session, ticket=ticket, responsible=actor)
    session.flush()
    return ticket


def answer(session: Session, *, ticket_no: str, text: str, actor: str) -> Ticket:
    """The response to an inquiry, suggestion or complaint (its response time is answered_at − created_at).
    An inquiry or suggestion is closed by it; a complaint stays open for customer care."""
    ticket = get_ticket(session, ticket_no, lock=True)
    if ticket.kind not in rules.ANSWERED_KINDS or ticket.answered_at is not None:
        raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step="answer")
    ticket.answer = _text(text, "answer", TEXT_LEN, required=True)
    ticket.answered_at = utcnow()
    if ticket.kind != "complaint":
        ticket.status, ticket.closed_at = "closed", ticket.answered_at
    _event(session, ticket, "answered", actor)
    session.flush()
    return ticket


# --- dispatch ---------------------------------------------------------------------------------------------------

def dispatch(session: Session, *, ticket_no: str, actor: str, technician: str | None = None,
             station: str | None = None, due_at: datetime | None = None) -> Ticket:
    """Assign the job to a technician or a station. The first dispatch sets the clocks (from the due rules, or
    `due_at`); a later one is a reassignment: history kept, clocks unchanged."""
    if (technician is None) == (station is None):
        raise ValidationError(field="technician", reason="one_assignee")
    ticket = get_ticket(session, ticket_no, lock=True)
    if ticket.kind not in rules.FIELD_KINDS:
        raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step="dispatch")
    _state(ticket, "dispatch")
    if technician is not None:
        kind, who = "technician", technician_user(session, technician).username
    else:
        kind, who = "station", get_station(session, station).code
    now = utcnow()
    if ticket.dispatched_at is None:
        contact_h, reach_h = due_hours(session, kind=ticket.kind, priority=ticket.priority, region=ticket.region)
        ticket.contact_by, ticket.due_at = rules.clocks(logged_at=ticket.created_at, contact_hours=contact_h,
                                                        reach_hours=reach_h)
        if due_at is not None:
            ticket.due_at = _utc(due_at, "due_at")
            if ticket.due_at <= ticket.created_at:
                raise ValidationError(field="due_at", reason="before_previous",
                                      not_before=ticket.created_at.isoformat())
            ticket.contact_by = min(ticket.contact_by, ticket.due_at)
        ticket.dispatched_at = now
        ticket.status = "dispatched"
        _event(session, ticket, "dispatched", actor, assignee_kind=kind, assignee=who,
               due_at=ticket.due_at.isoformat())
    else:
        if due_at is not None:
            raise ValidationError(field="due_at", reason="clock_kept")
        if (ticket.assignee_kind, ticket.assignee) == (kind, who):
            raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step="dispatch",
                              reason="same_assignee", assignee=who)
        _event(session, ticket, "reassigned", actor, from_kind=ticket.assignee_kind, from_assignee=ticket.assignee,
               assignee_kind=kind, assignee=who)
        if ticket.status == "arrived":  # the new assignee must go there themselves
            ticket.status = "dispatched"
    ticket.assignee_kind, ticket.assignee = kind, who
    session.flush()
    return ticket


def record_contact(session: Session, *, ticket_no: str, actor: str, at: datetime | None = None,
                   visit_at: datetime | None = None) -> Ticket:
    """The customer was called and the visit booked (the contact clock)."""
    ticket = get_ticket(session, ticket_no, lock=True)
    if ticket.dispatched_at is None:
        raise NotDispatched(ticket_no=ticket.ticket_no)
    at = _utc(at, "at") if at is not None else utcnow()
    _check_time(at, not_before=ticket.created_at)
    ticket.contacted_at = ticket.contacted_at or at
    _event(session, ticket, "contacted", actor, at=at, visit_at=_utc(visit_at, "visit_at").isoformat()
           if visit_at else None)
    session.flush()
    return ticket


# --- the visit ----------------------------------------------------------------------------------------------------

def arrive(session: Session, *, ticket_no: str, at: datetime, actor: str, may_any: bool = False) -> Ticket:
    ticket = get_ticket(session, ticket_no, lock=True)
    if ticket.dispatched_at is None:
        raise NotDispatched(ticket_no=ticket.ticket_no)
    _may_work(ticket, actor, may_any=may_any)
    _state(ticket, "arrive")
    at = _utc(at, "at")
    _check_time(at, not_before=ticket.dispatched_at)
    ticket.arrived_at = ticket.arrived_at or at  # the first arrival is the one the KPI measures
    ticket.status = "arrived"
    _event(session, ticket, "arrived", actor, at=at)
    session.flush()
    return ticket


def _last_arrival(ticket: Ticket, session: Session) -> datetime:
    return session.scalar(select(TicketEvent.at).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "arrived")
                          .order_by(TicketEvent.id.desc()).limit(1)) or ticket.arrived_at


def _service_dealer(session: Session, ticket: Ticket) -> str:
    if ticket.assignee_kind == "station":
        code = get_station(session, ticket.assignee).dealer_code
        if code:
            return code
    if session.scalar(select(Dealer.id).where(Dealer.code == SERVICE_DEALER)) is None:
        create_dealer(session, code=SERVICE_DEALER, name="售后服务部现场维修")
    return SERVICE_DEALER


def complete(session: Session, *, ticket_no: str, at: datetime, actor: str, parts_used: list | None = None,
             diagnosis: str | None = None, cause: str | None = None, labour_hours=None,
             failed_parts: list | None = None, may_any: bool = False, device: str | None = None,
             idempotency_key: str | None = None, label_printer: str | None = None) -> Ticket:
    """Complete the visit: parts used leave the assignee's van (all or none: a part the van does not hold refuses
    the whole step), failed parts collected get a warranty claim (and its returned-part tag)."""
    ticket = get_ticket(session, ticket_no, lock=True)
    _may_work(ticket, actor, may_any=may_any)
    if ticket.status in ("dispatched", "reopened", "open"):
        raise NotReached(ticket_no=ticket.ticket_no)
    _state(ticket, "complete")
    at = _utc(at, "at")
    _check_time(at, not_before=_last_arrival(ticket, session))
    if cause is not None:
        _one_of(cause, "cause", rules.CAUSES)
    ticket.diagnosis = _text(diagnosis, "diagnosis", TEXT_LEN) or ticket.diagnosis
    ticket.cause = cause or ticket.cause
    if labour_hours is not None:
        ticket.labour_hours = _hours(labour_hours)
    # The lots of the parts that fail now are those fitted before this visit: read them before this visit's parts
    # are recorded (a failed line may also give the lot read off the part itself).
    prior_lots = {}
    if failed_parts and ticket.unit_id is not None:
        for line in failed_parts:
            pn = (line or {}).get("part_number")
            if isinstance(pn, str) and pn not in prior_lots:
                prior_lots[pn] = fitted_lot(session, unit_id=ticket.unit_id,
                                            part_id=ledger.part_ref(session, pn).id)
    used = []
    van = ledger.loc_ref(session, van_of(session, ticket.assignee).code) \
        if ticket.assignee_kind == "technician" else None
    for i, line in enumerate(parts_used or []):
        part = ledger.part_ref(session, (line or {}).get("part_number"))
        qty = ledger.check_qty((line or {}).get("qty"))
        lot = ledger.check_lot((line or {}).get("lot"))  # read off the part's label: carried to later claims
        move_id = None
        if van is not None:
            move = ledger.post_move(session, part=part, qty=qty, src=van, dst=ledger.loc_ref(session, "@CUSTOMER"),
                                    doc_type="service", doc_no=ticket.ticket_no, actor=actor, device=device,
                                    idempotency_key=_move_key(idempotency_key, i),
                                    at=at, lot=lot)
            move_id = move.id
        used.append({"part_number": part.part_number, "qty": qty, **({"lot": lot} if lot else {})})
        session.add(TicketPart(ticket_id=ticket.id, part_id=part.id, qty=qty,
                               location=van.code if van else ticket.assignee, move_id=move_id, lot=lot))
    claims = []
    if failed_parts:
        if ticket.unit_id is None:
            raise ValidationError(field="failed_parts", reason="no_unit")
        serial = session.get(Unit, ticket.unit_id).serial
        dealer = _service_dealer(session, ticket)
        for line in failed_parts:
            line = line or {}
            claim = file_claim(session, serial=serial, dealer=dealer, part_number=line.get("part_number"),
                               qty=line.get("qty", 1), failure=line.get("failure") or ticket.diagnosis or "",
                               actor=actor, labour_hours=str(ticket.labour_hours), label_printer=label_printer,
                               lot=line.get("lot") or prior_lots.get(line.get("part_number")), derive_lot=False)
            claims.append(claim.claim_no)
    ticket.completed_at = at
    ticket.status = "completed"
    _event(session, ticket, "completed", actor, at=at, parts_used=used or None, claims=claims or None,
           diagnosis=ticket.diagnosis)
    session.flush()
    return ticket


# --- after the visit ----------------------------------------------------------------------------------------------

def callback(session: Session, *, ticket_no: str, satisfied: bool, actor: str, score: int | None = None,
             notes: str | None = None) -> Callback:
    """回访: satisfied closes the job; not satisfied reopens it (same assignee, clocks kept) with the reason."""
    if not isinstance(satisfied, bool):
        raise ValidationError(field="satisfied", reason="required")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5):
        raise ValidationError(field="score", reason="out_of_range", min=1, max=5)
    notes = _text(notes, "notes", TEXT_LEN)
    ticket = get_ticket(session, ticket_no, lock=True)
    if ticket.status != "completed":
        if ticket.status == "closed":
            raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step="callback")
        raise JobOpen(ticket_no=ticket.ticket_no, status=ticket.status)
    cb = Callback(ticket_id=ticket.id, satisfied=satisfied, score=score, notes=notes, actor=actor, at=utcnow())
    session.add(cb)
    if satisfied:
        ticket.status, ticket.closed_at = "closed", cb.at
    else:
        ticket.status = "reopened"
        ticket.reopened += 1
    _event(session, ticket, "callback", actor, satisfied=satisfied, score=score, notes=notes)
    session.flush()
    return cb


def hand_off(session: Session, *, ticket_no: str, department: str, question: str, due_at: datetime,
             actor: str) -> Handoff:
    ticket = get_ticket(session, ticket_no, lock=True)
    if ticket.status == "closed":
        raise TicketState(ticket_no=ticket.ticket_no, status=ticket.status, step="hand_off")
    due_at = _utc(due_at, "due_at")
    if due_at <= utcnow():
        raise ValidationError(field="due_at", reason="in_past")
    h = Handoff(ticket_id=ticket.id, department=_text(department, "department", 64, required=True),
                question=_text(question, "question", TEXT_LEN, required=True), due_at=due_at, created_by=actor)
    session.add(h)
    session.flush()
    _event(session, ticket, "handed_off", actor, handoff=h.id, department=h.department)
    session.flush()
    return h


def answer_handoff(session: Session, *, ticket_no: str, handoff_id: int, text: str, actor: str) -> Handoff:
    """The department's answer comes back onto the ticket (and the agent passes it to the customer)."""
    ticket = get_ticket(session, ticket_no, lock=True)
    h = session.get(Handoff, handoff_id) if isinstance(handoff_id, int) else None
    if h is None or h.ticket_id != ticket.id:
        from warehouse.errors import NotFound
        raise NotFound(reason="handoff", handoff=handoff_id)
    if h.answered_at is not None:
        raise TicketState(ticket_no=ticket.ticket_no, status="answered", step="handoff_answer")
    h.answer = _text(text, "answer", TEXT_LEN, required=True)
    h.answered_by, h.answered_at = actor, utcnow()
    _event(session, ticket, "handoff_answered", actor, handoff=h.id, department=h.department)
    session.flush()
    return h


# --- charged repairs ------------------------------------------------------------------------------------------------

def _labour_rate(session: Session, ticket: Ticket) -> Decimal:
    category = None
    if ticket.unit_id is not None:
        model = session.get(Unit, ticket.unit_id).model
        category = session.scalar(select(ProductModel.category).where(ProductModel.code == model))
    for key in ((category,) if category else ()) + ("*",):
        rate = session.scalar(select(LabourRate.rate).where(LabourRate.category == key))
        if rate is not None:
            return Decimal(rate)
    return Decimal("0")


def make_quote(session: Session, *, ticket_no: str, actor: str, parts: list | None = None, labour_hours="0",
               cause: str | None = None, may_any: bool = False,
               retail_factor: Decimal = rules.RETAIL_FACTOR) -> Ticket:
    """A quote for a charged repair: parts at the customer price (dealer price × the retail factor), labour at the
    model category's hourly rate. Replaces an earlier quote that was not accepted."""
    ticket = get_ticket(session, ticket_no, lock=True)
    _may_work(ticket, actor, may_any=may_any)
    _state(ticket, "quote")
    if cause is not None:
        ticket.cause = _one_of(cause, "cause", rules.CAUSES)
    if not rules.chargeable(warranty_status=ticket.warranty_status, cause=ticket.cause):
        raise WarrantyJob(ticket_no=ticket.ticket_no)
    if ticket.quote_accepted_at is not None:
        raise TicketState(ticket_no=ticket.ticket_no, status="quote_accepted", step="quote")
    lines, priced = [], []
    for line in parts or []:
        part = session.get(Part, ledger.part_ref(session, (line or {}).get("part_number")).id)
        qty = ledger.check_qty((line or {}).get("qty"))
        price = rules.customer_price(part.dealer_price, retail_factor)
        priced.append((price, qty))
        lines.append({"part_number": part.part_number, "name": part.name, "qty": qty, "price": f"{price:.2f}"})
    hours = _hours(labour_hours)
    rate = _labour_rate(session, ticket)
    ticket.quote_parts, ticket.quote_labour, ticket.quote_total = rules.quote(priced, labour_hours=hours,
                                                                             labour_rate=rate)
    ticket.quote_lines = lines + [{"labour_hours": f"{hours:.2f}", "rate": f"{rate:.2f}"}]
    _event(session, ticket, "quoted", actor, total=f"{ticket.quote_total:.2f}")
    session.flush()
    return ticket


def accept_quote(session: Session, *, ticket_no: str, actor: str, may_any: bool = False) -> Ticket:
    """The customer accepts the quote on the tablet (their signature is an attachment of the ticket)."""
    ticket = get_ticket(session, ticket_no, lock=True)
    _may_work(ticket, actor, may_any=may_any)
    if ticket.quote_total is None:
        raise NoQuote(ticket_no=ticket.ticket_no)
    if ticket.quote_accepted_at is None:
        ticket.quote_accepted_at = utcnow()
        _event(session, ticket, "quote_accepted", actor)
    session.flush()
    return ticket


def record_payment(session: Session, *, ticket_no: str, amount, method: str, actor: str,
                   reference: str | None = None, may_any: bool = False) -> Payment:
    """Money for an accepted quote; never on a warranty job, never more than is still owed."""
    _one_of(method, "method", rules.PAYMENT_METHODS)
    amount = money(amount, "amount")
    if amount <= 0:
        raise ValidationError(field="amount", reason="not_positive")
    reference = _text(reference, "reference", 100)
    if method != "cash" and not reference:
        raise ValidationError(field="reference", reason="required")
    ticket = get_ticket(session, ticket_no, lock=True)
    _may_work(ticket, actor, may_any=may_any)
    if not rules.chargeable(warranty_status=ticket.warranty_status, cause=ticket.cause):
        raise WarrantyJob(ticket_no=ticket.ticket_no)
    if ticket.quote_total is None or ticket.quote_accepted_at is None:
        raise NoQuote(ticket_no=ticket.ticket_no)
    _state(ticket, "payment")
    owed = ticket.quote_total - ticket.paid
    if amount > owed:
        raise ValidationError(field="amount", reason="too_large", max=f"{owed:.2f}")
    pay = Payment(receipt_no=day_number(session, "SR"), ticket_id=ticket.id, amount=amount, method=method,
                  reference=reference, actor=actor, at=utcnow())
    session.add(pay)
    ticket.paid = ticket.paid + amount
    _event(session, ticket, "paid", actor, receipt_no=pay.receipt_no, amount=f"{amount:.2f}", method=method)
    session.flush()
    return pay
