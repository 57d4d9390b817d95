"""Warranty use cases: models and policies, units, claims, assessment, intake (session first, never commit)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.services import money
from warehouse.db import utcnow
from warehouse.dealers.services import counterparty_code, get_dealer, post_entry
from warehouse.documents.services import day_number, open_document
from warehouse.errors import AlreadyExists, Conflict, DomainError, NotAssessed, NotFound, UnknownUnit, ValidationError
from warehouse.ledger import services as ledger
from warehouse.printing import services as printing
from warehouse.warranty import rules
from warehouse.warranty.models import (Claim, Customer, Extension, LabourRate, PartFit, PartWarranty, Policy,
                                       ProductModel, Unit)

SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
MODEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}$")
MAX_MONTHS = 240
MAX_USAGE = 10_000_000
MAX_HOURS = Decimal("999.99")


class UnknownClaim(DomainError):
    code = "unknown_claim"


class ClaimState(DomainError):
    """The claim is not in a state that allows this step (params: claim_no, status)."""

    code = "claim_state"


class AlreadyTakenIn(DomainError):
    code = "already_taken_in"


class ClaimRejected(DomainError):
    code = "claim_rejected"


class OwnAssessment(DomainError):
    """Whoever assessed a claim cannot also confirm it."""

    code = "own_assessment"


# --- registry -------------------------------------------------------------------------------------------------------

def _int(value, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field=field, reason="not_integer")
    if not lo <= value <= hi:
        raise ValidationError(field=field, reason="out_of_range", min=lo, max=hi)
    return value


def _opt_int(value, field: str, lo: int, hi: int) -> int | None:
    return None if value is None else _int(value, field, lo, hi)


def _decimal(value, field: str, hi: Decimal) -> Decimal:
    d = money(value, field)
    if d > hi:
        raise ValidationError(field=field, reason="out_of_range", min=0, max=hi)
    return d


def model_code(model) -> str:
    model = (model or "").strip() if isinstance(model, str) else ""
    if not MODEL.match(model):
        raise ValidationError(field="model", reason="bad_model")
    return model


def normalise_serial(serial) -> str:
    s = serial.strip().upper() if isinstance(serial, str) else ""
    if not SERIAL.match(s):
        raise ValidationError(field="serial", reason="bad_serial")
    return s


def set_model(session: Session, *, code: str, name: str | None = None, category: str | None = None) -> ProductModel:
    code = model_code(code)
    row = session.scalar(select(ProductModel).where(ProductModel.code == code))
    if row is None:
        row = ProductModel(code=code)
        session.add(row)
    row.name, row.category = name, category
    session.flush()
    return row


def set_labour_rate(session: Session, *, category: str, rate) -> LabourRate:
    row = session.get(LabourRate, category) or LabourRate(category=category)
    row.rate = _decimal(rate, "rate", Decimal("99999.99"))
    session.add(row)
    session.flush()
    return row


def create_policy(session: Session, *, model: str, months: int, actor: str, usage_limit: int | None = None,
                  category: str | None = None, covers_parts: bool = True, covers_labour: bool = True,
                  replaced_part_months: int | None = None, repeat_limit: int | None = None,
                  quality_confirm_above=None, effective_from: date | None = None) -> Policy:
    """A new version of a model's terms, in force for units sold from `effective_from` (default today)."""
    policy = Policy(model=model_code(model), category=(category or "").strip() or None,
                    months=_int(months, "months", 1, MAX_MONTHS),
                    usage_limit=_opt_int(usage_limit, "usage_limit", 1, MAX_USAGE),
                    covers_parts=bool(covers_parts), covers_labour=bool(covers_labour),
                    replaced_part_months=_opt_int(replaced_part_months, "replaced_part_months", 1, MAX_MONTHS),
                    repeat_limit=_opt_int(repeat_limit, "repeat_limit", 1, 100),
                    quality_confirm_above=None if quality_confirm_above is None else
                    _decimal(quality_confirm_above, "quality_confirm_above", Decimal("999999999.99")),
                    effective_from=effective_from or utcnow().date(), created_by=actor)
    session.add(policy)
    session.flush()
    return policy


def _customer(session: Session, customer) -> Customer | None:
    if customer is None:
        return None
    if isinstance(customer, str):
        customer = {"name": customer}
    name = (customer.get("name") or "").strip()
    if not name:
        raise ValidationError(field="customer.name", reason="required")
    phone = (customer.get("phone") or "").strip() or None
    found = session.scalar(select(Customer).where(Customer.name == name, Customer.phone == phone)) if phone else None
    if found is None:
        found = Customer(name=name, phone=phone, phone2=customer.get("phone2"), address=customer.get("address"),
                         key_account=bool(customer.get("key_account")), owner=customer.get("owner"))
        session.add(found)
    return found


def register_unit(session: Session, *, serial: str, model: str, sold_on: date, dealer: str | None = None,
                  customer=None, usage: int | None = None) -> Unit:
    serial = normalise_serial(serial)
    if not isinstance(sold_on, date):
        raise ValidationError(field="sold_on", reason="bad_date")
    if sold_on > utcnow().date():
        raise ValidationError(field="sold_on", reason="in_future")
    if session.scalar(select(Unit.id).where(Unit.serial == serial)) is not None:
        raise AlreadyExists(code=serial)
    dealer_code = get_dealer(session, dealer).code if dealer else None
    cust = _customer(session, customer)
    unit = Unit(serial=serial, model=model_code(model), sold_on=sold_on, dealer_code=dealer_code,
                customer=cust, usage=_opt_int(usage, "usage", 0, MAX_USAGE),
                usage_read_on=utcnow().date() if usage is not None else None)
    session.add(unit)
    session.flush()
    return unit


def add_extension(session: Session, *, serial: str, months: int, bought_on: date | None = None,
                  reference: str | None = None) -> Extension:
    unit = get_unit(session, serial)
    ext = Extension(unit_id=unit.id, months=_int(months, "months", 1, MAX_MONTHS),
                    bought_on=bought_on or utcnow().date(), reference=reference)
    session.add(ext)
    session.flush()
    return ext


def get_unit(session: Session, serial: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.serial == serial.strip().upper())) \
        if isinstance(serial, str) else None
    if unit is None:
        raise UnknownUnit(serial=serial)
    return unit


# --- status ---------------------------------------------------------------------------------------------------------

def policy_for(session: Session, *, model: str, sold_on: date, category: str | None = None) -> Policy | None:
    """The version in force on the sale date: the part category's exception if there is one, else the model's."""
    base = select(Policy).where(Policy.model == model, Policy.effective_from <= sold_on) \
        .order_by(Policy.effective_from.desc(), Policy.id.desc()).limit(1)
    if category:
        found = session.scalar(base.where(Policy.category == category))
        if found is not None:
            return found
    return session.scalar(base.where(Policy.category.is_(None)))


def terms(policy: Policy | None) -> rules.Terms | None:
    return None if policy is None else rules.Terms(policy.months, policy.usage_limit, policy.covers_parts,
                                                   policy.covers_labour)


def status_of(session: Session, unit: Unit, *, on: date | None = None, part: Part | None = None,
              usage: int | None = None) -> tuple[rules.Status, Policy | None]:
    on = on or utcnow().date()
    if on < unit.sold_on:
        raise ValidationError(field="on", reason="before_sale")
    policy = policy_for(session, model=unit.model, sold_on=unit.sold_on, category=part.category if part else None)
    extra = session.scalar(select(func.coalesce(func.sum(Extension.months), 0))
                           .where(Extension.unit_id == unit.id, Extension.bought_on <= on))
    return _evaluate(session, unit, policy, int(extra), on=on, part=part, usage=usage), policy


def _evaluate(session: Session, unit: Unit, policy: Policy | None, extra: int, *, on: date, part: Part | None,
              usage: int | None) -> rules.Status:
    own_until = None
    if part is not None:
        own = session.scalars(select(PartWarranty).where(PartWarranty.unit_id == unit.id,
                                                         PartWarranty.part_id == part.id,
                                                         PartWarranty.from_date <= on)).all()
        ends = [rules.add_months(p.from_date, p.months) for p in own]
        own_until = max(ends) - timedelta(days=1) if ends else None
    reading = usage if usage is not None else unit.usage
    return rules.evaluate(terms(policy), sold_on=unit.sold_on, on=on, usage=reading, extra_months=extra,
                          own_until=own_until)


def _version(category, *, on_sale_of=Unit):
    """The id of the policy version in force on the unit's sale date, as a correlated subquery (None: the model's
    own terms; a category: that part category's exception)."""
    cat = Policy.category.is_(None) if category is None else Policy.category == category
    return (select(Policy.id).where(Policy.model == on_sale_of.model, cat, Policy.effective_from <= on_sale_of.sold_on)
            .order_by(Policy.effective_from.desc(), Policy.id.desc()).limit(1).correlate(on_sale_of)
            .scalar_subquery())


def lookup(session: Session, serial: str, *, on: date | None = None, part: Part | None = None,
           usage: int | None = None, with_customer: bool = False):
    """The status lookup in ONE statement (the tablet's scan): the unit, the policy version in force on its sale
    date (the part category's exception first), the extension months bought by `on`, whether it has claims, and the
    customer only when the caller may read it. Returns (unit, status, policy, has_claims, customer)."""
    on = on or utcnow().date()
    if not isinstance(serial, str):
        raise UnknownUnit(serial=serial)
    version = _version(None) if part is None or not part.category else \
        func.coalesce(_version(part.category), _version(None))
    extra = (select(func.coalesce(func.sum(Extension.months), 0))
             .where(Extension.unit_id == Unit.id, Extension.bought_on <= on).correlate(Unit).scalar_subquery())
    has_claims = select(Claim.id).where(Claim.unit_id == Unit.id).correlate(Unit).exists()
    cols = [Unit, Policy, extra, has_claims] + ([Customer] if with_customer else [])
    q = select(*cols).outerjoin(Policy, Policy.id == version).where(Unit.serial == serial.strip().upper())
    if with_customer:
        q = q.outerjoin(Customer, Customer.id == Unit.customer_id)
    row = session.execute(q).first()
    if row is None:
        raise UnknownUnit(serial=serial)
    unit, policy, months, claimed = row[0], row[1], int(row[2] or 0), bool(row[3])
    if on < unit.sold_on:
        raise ValidationError(field="on", reason="before_sale")
    st = _evaluate(session, unit, policy, months, on=on, part=part, usage=usage)
    return unit, st, policy, claimed, (row[4] if with_customer else None)


# --- compatibility --------------------------------------------------------------------------------------------------

def set_fits(session: Session, *, part_number: str, models: list[str]) -> int:
    """Replace a part's list of models it fits; returns how many models it now fits."""
    part = _part(session, part_number)
    wanted = {model_code(m) for m in models}
    session.execute(delete(PartFit).where(PartFit.part_id == part.id))
    session.add_all(PartFit(part_id=part.id, model=m) for m in sorted(wanted))
    session.flush()
    return len(wanted)


def fits(session: Session, *, part_id: int, model: str) -> bool | None:
    """True/False from the compatibility list; None when the part has no list (it then fits any model)."""
    models = set(session.scalars(select(PartFit.model).where(PartFit.part_id == part_id)))
    return None if not models else model in models


# --- claims ---------------------------------------------------------------------------------------------------------

def _part(session: Session, part_number: str) -> Part:
    part = session.scalar(select(Part).where(Part.part_number == part_number.strip(), Part.active.is_(True))) \
        if isinstance(part_number, str) else None
    if part is None:
        from warehouse.errors import UnknownPart
        raise UnknownPart(part_number=part_number)
    return part


def get_claim(session: Session, claim_no: str, *, lock: bool = False) -> Claim:
    q = select(Claim).where(Claim.claim_no == (claim_no or "").strip().upper()) if isinstance(claim_no, str) else None
    claim = session.scalar(q.with_for_update() if lock else q) if q is not None else None
    if claim is None:
        raise UnknownClaim(claim_no=claim_no)
    return claim


def _labour_rate(session: Session, model: str) -> Decimal:
    category = session.scalar(select(ProductModel.category).where(ProductModel.code == model))
    for key in ((category,) if category else ()) + ("*",):
        rate = session.scalar(select(LabourRate.rate).where(LabourRate.category == key))
        if rate is not None:
            return Decimal(rate)
    return Decimal("0")


def fitted_lot(session: Session, *, unit_id: int, part_id: int) -> str | None:
    """The supplier's lot of the part last fitted to this unit in a completed repair (field service records the lot
    of each part it issues to a job), or None: the part that fails now is most likely that one."""
    from warehouse.service.models import Ticket, TicketPart

    return session.scalar(select(TicketPart.lot).join(Ticket, Ticket.id == TicketPart.ticket_id)
                          .where(Ticket.unit_id == unit_id, TicketPart.part_id == part_id,
                                 Ticket.completed_at.is_not(None), TicketPart.lot.is_not(None))
                          .order_by(Ticket.completed_at.desc(), TicketPart.id.desc()).limit(1))


def file_claim(session: Session, *, serial: str, dealer: str, part_number: str, qty: int, failure: str,
               actor: str, labour_hours="0", label_printer: str | None = None, lot: str | None = None,
               derive_lot: bool = True) -> Claim:
    """Record a dealer's claim; its `returned_part` tag goes to the print queue when a printer is given. `lot`: the
    supplier's lot read off the failed part; when not given, the lot of the part fitted to the unit in our last
    repair, if one was recorded (`fitted_lot`)."""
    unit = get_unit(session, serial)
    dlr = get_dealer(session, dealer)
    part = _part(session, part_number)
    qty = ledger.check_qty(qty)
    failure = (failure or "").strip() if isinstance(failure, str) else ""
    if not failure:
        raise ValidationError(field="failure", reason="required")
    if len(failure) > 2000:
        raise ValidationError(field="failure", reason="too_long", max=2000)
    hours = _decimal(labour_hours, "labour_hours", MAX_HOURS)
    lot = ledger.check_lot(lot)
    if lot is None and derive_lot:
        lot = fitted_lot(session, unit_id=unit.id, part_id=part.id)
    status, _policy = status_of(session, unit, part=part)
    amount = rules.claim_amount(dealer_price=Decimal(part.dealer_price), qty=qty, labour_hours=hours,
                                labour_rate=_labour_rate(session, unit.model))
    claim = Claim(claim_no=day_number(session, "CL"), unit_id=unit.id, dealer_id=dlr.id, part_id=part.id, qty=qty,
                  failure=failure, labour_hours=hours, warranty_status=status.status, amount=amount,
                  fits_model=fits(session, part_id=part.id, model=unit.model), lot=lot, created_by=actor)
    session.add(claim)
    session.flush()
    if label_printer:
        printing.enqueue(session, template="returned_part", printer_url=label_printer, actor=actor,
                         items=[{"claim_no": claim.claim_no, "part_number": part.part_number, "dealer": dlr.code,
                                 "name": part.name}])
    return claim


def assess(session: Session, *, claim_no: str, cause: str, decision: str, actor: str, notes: str | None = None,
           reject_limit: Decimal | None = None) -> Claim:
    """The technician's assessment; it takes effect now or waits for quality or a manager (rules.next_status)."""
    if cause not in rules.CAUSES:
        raise ValidationError(field="cause", reason="one_of", allowed=", ".join(rules.CAUSES))
    if decision not in rules.DECISIONS:
        raise ValidationError(field="decision", reason="one_of", allowed=", ".join(rules.DECISIONS))
    claim = get_claim(session, claim_no, lock=True)
    if claim.status != "filed":
        raise ClaimState(claim_no=claim.claim_no, status=claim.status)
    part = session.get(Part, claim.part_id)
    policy = policy_for(session, model=claim.unit.model, sold_on=claim.unit.sold_on, category=part.category)
    claim.cause, claim.decision, claim.notes = cause, decision, (notes or "").strip()[:2000] or None
    claim.assessed_by, claim.assessed_at = actor, utcnow()
    claim.status = rules.next_status(decision, amount=claim.amount,
                                     quality_above=policy.quality_confirm_above if policy else None,
                                     reject_limit=reject_limit)
    _take_effect(session, claim, actor=actor, policy=policy)
    session.flush()
    return claim


def confirm(session: Session, *, claim_no: str, agree: bool, actor: str, notes: str | None = None,
            step: str = "pending_quality") -> Claim:
    """Quality (pending_quality) or a manager (pending_manager) confirms the assessment — or sends it back to the
    technician, who assesses again."""
    claim = get_claim(session, claim_no, lock=True)
    if claim.status != step:
        raise ClaimState(claim_no=claim.claim_no, status=claim.status)
    if actor == claim.assessed_by:
        raise OwnAssessment(claim_no=claim.claim_no)
    claim.confirmed_by, claim.confirmed_at = actor, utcnow()
    if notes:
        claim.notes = ((claim.notes or "") + "\n" + notes.strip())[:2000]
    claim.status = rules.FINAL[claim.decision] if agree else "filed"
    part = session.get(Part, claim.part_id)
    _take_effect(session, claim, actor=actor, policy=policy_for(session, model=claim.unit.model,
                                                                sold_on=claim.unit.sold_on, category=part.category))
    session.flush()
    return claim


def _take_effect(session: Session, claim: Claim, *, actor: str, policy: Policy | None) -> None:
    """An approved claim credits the dealer once and starts the replaced part's own warranty."""
    if claim.status != "approved":
        return
    from warehouse.dealers.models import Dealer

    post_entry(session, dealer=session.get(Dealer, claim.dealer_id), kind="warranty_credit", source=claim.claim_no,
               amount=-claim.amount, actor=actor)
    if policy is not None and policy.replaced_part_months:
        session.add(PartWarranty(unit_id=claim.unit_id, part_id=claim.part_id, from_date=utcnow().date(),
                                 months=policy.replaced_part_months, claim_no=claim.claim_no))


ABNORMAL = ("wrong_part", "part_missing")


def intake(session: Session, *, claim_no: str, location: str, actor: str, qty: int | None = None,
           abnormal: str | None = None, notes: str | None = None, role: str | None = None,
           device: str | None = None, idempotency_key: str | None = None) -> dict:
    """The failed part of an assessed claim enters a RETURNED bin from the dealer, at zero stock value, on an
    intake receipt (旧件入库单). Once per claim: a conditional UPDATE marks the claim, so two clerks scanning the
    same tag cannot both take it in.

    Abnormal returns open a dispute with the dealer that a manager closes (disputes.py): fewer parts than claimed
    (the parts that came are taken in), or `abnormal` = `wrong_part` / `part_missing` (nothing is taken in; the
    claim waits for the dispute's outcome)."""
    from warehouse.warranty import disputes

    claim = get_claim(session, claim_no)
    if claim.status in ("filed", "pending_quality", "pending_manager"):
        raise NotAssessed(claim_no=claim.claim_no, status=claim.status)
    if claim.status == "rejected":
        raise ClaimRejected(claim_no=claim.claim_no)
    if claim.intake_doc_no is not None:
        raise AlreadyTakenIn(claim_no=claim.claim_no, doc_no=claim.intake_doc_no)
    if abnormal is not None and abnormal not in ABNORMAL:
        raise ValidationError(field="abnormal", reason="one_of", allowed=", ".join(ABNORMAL))
    from warehouse.dealers.models import Dealer

    dealer = session.get(Dealer, claim.dealer_id)
    if abnormal is not None:
        ledger.bin_ref(session, location, role=role)  # the clerk's bin is checked alike, though nothing moves
        dispute = disputes.open_dispute(session, claim=claim, kind=abnormal, received_qty=0, notes=notes,
                                        actor=actor)
        return {"claim_no": claim.claim_no, "doc_no": None, "qty": 0, "short": claim.qty,
                "dispute_no": dispute.dispute_no, "part_number": None, "location": None, "move_id": None,
                "qty_on_hand": None}
    qty = claim.qty if qty is None else ledger.check_qty(qty)
    if qty > claim.qty:
        raise ValidationError(field="qty", reason="too_large", max=claim.qty)
    doc = open_document(session, doc_type="intake", actor=actor, store="RETURNED", counterparty=dealer.code,
                        reference=claim.claim_no)
    taken = session.execute(update(Claim).where(Claim.id == claim.id, Claim.intake_doc_no.is_(None))
                            .values(intake_doc_no=doc.doc_no, intake_qty=qty, intake_at=utcnow(),
                                    intake_location=(location or "").strip().upper())
                            .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise AlreadyTakenIn(claim_no=claim.claim_no)
    posted = ledger.receive_returned(session, part_id=claim.part_id, location=location, qty=qty,
                                     src=counterparty_code(dealer.code), doc_no=doc.doc_no, actor=actor, role=role,
                                     device=device, idempotency_key=idempotency_key, note=claim.claim_no)
    dispute_no = None
    if qty < claim.qty:
        dispute_no = disputes.open_dispute(session, claim=claim, kind="shortfall", received_qty=qty, notes=notes,
                                           actor=actor).dispute_no
    return {"claim_no": claim.claim_no, "doc_no": doc.doc_no, "qty": qty, "short": claim.qty - qty,
            "dispute_no": dispute_no,
            **{k: v for k, v in posted.as_dict().items() if k not in ("doc_no", "qty")}}


def ready_for_intake(session: Session, *, claim_no: str) -> Claim:
    """The claim whose tag was just scanned, if its part may be taken in now: the scan page refuses an unassessed,
    rejected or already taken-in claim at the tag, before the clerk looks for a bin (`intake` checks again)."""
    claim = get_claim(session, claim_no)
    if claim.status in ("filed", "pending_quality", "pending_manager"):
        raise NotAssessed(claim_no=claim.claim_no, status=claim.status)
    if claim.status == "rejected":
        raise ClaimRejected(claim_no=claim.claim_no)
    if claim.intake_doc_no is not None:
        raise AlreadyTakenIn(claim_no=claim.claim_no, doc_no=claim.intake_doc_no)
    return claim


def confirm_intake(session: Session, *, doc_no: str, confirmed_by: str, actor: str) -> Claim:
    """Record the dealer's confirmation of an intake receipt (every receipt is confirmed with the dealer): who at the
    dealer confirmed it, once. A shortfall or an abnormal return is settled through its dispute, not here."""
    doc_no = doc_no.strip().upper() if isinstance(doc_no, str) else ""
    claim = session.scalar(select(Claim).where(Claim.intake_doc_no == doc_no).with_for_update()) if doc_no else None
    if claim is None:
        raise NotFound(reason="intake_receipt", doc_no=doc_no[:40])
    who = confirmed_by.strip() if isinstance(confirmed_by, str) else ""
    if not who:
        raise ValidationError(field="confirmed_by", reason="required")
    if len(who) > 64:
        raise ValidationError(field="confirmed_by", reason="too_long", max=64)
    if claim.dealer_confirmed_at is not None:
        raise Conflict(reason="intake_confirmed", doc_no=doc_no, confirmed_by=claim.dealer_confirmed_by)
    claim.dealer_confirmed_by, claim.dealer_confirmed_at = who, utcnow()
    session.flush()
    return claim
