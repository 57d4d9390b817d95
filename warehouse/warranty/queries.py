"""Reads: the warranty answer for a serial (CONTRACT §4 shape), a unit's claims, claim lists."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part, Supplier
from warehouse.db import without_transaction
from warehouse.dealers.models import Dealer
from warehouse.warranty import rules
from warehouse.warranty.models import Claim, ReturnBatch, ReturnLine, Unit
from warehouse.warranty.services import _part, get_claim, get_unit, lookup


def claim_dict(claim: Claim, part_number: str, dealer: str) -> dict:
    return {"claim_no": claim.claim_no, "serial": claim.unit.serial, "dealer": dealer, "part_number": part_number,
            "qty": claim.qty, "failure": claim.failure, "labour_hours": f"{claim.labour_hours:.2f}",
            "amount": f"{claim.amount:.2f}", "warranty_status": claim.warranty_status, "status": claim.status,
            "cause": claim.cause, "decision": claim.decision, "notes": claim.notes,
            "assessed_by": claim.assessed_by, "confirmed_by": claim.confirmed_by,
            "intake_doc_no": claim.intake_doc_no, "intake_qty": claim.intake_qty,
            "intake_location": claim.intake_location, "fits_model": claim.fits_model, "lot": claim.lot,
            "dealer_confirmed_by": claim.dealer_confirmed_by,
            "dealer_confirmed_at": claim.dealer_confirmed_at.isoformat() if claim.dealer_confirmed_at else None,
            "created_at": claim.created_at.isoformat()}


def claim_view(session: Session, claim_no: str) -> dict:
    claim = get_claim(session, claim_no)
    pn = session.scalar(select(Part.part_number).where(Part.id == claim.part_id))
    dealer = session.scalar(select(Dealer.code).where(Dealer.id == claim.dealer_id))
    return claim_dict(claim, pn, dealer)


def unit_claims(session: Session, unit: Unit, *, limit: int = 50) -> list[dict]:
    rows = session.execute(select(Claim, Part.part_number, Dealer.code).join(Part, Part.id == Claim.part_id)
                           .join(Dealer, Dealer.id == Claim.dealer_id).where(Claim.unit_id == unit.id)
                           .order_by(Claim.id.desc()).limit(limit)).all()
    return [claim_dict(c, pn, d) for c, pn, d in rows]


def repairs_of(session: Session, unit: Unit, part_id: int) -> int:
    return session.scalar(select(func.count()).where(Claim.unit_id == unit.id, Claim.part_id == part_id,
                                                     Claim.status == "approved"))


def warranty_view(session: Session, serial: str, *, on: date | None = None, part_number: str | None = None,
                  usage: int | None = None, with_customer: bool = False, history: bool = False) -> dict:
    """What a technician sees at a scan: status, until when, what is covered (for a part's category when asked).
    One statement for a unit without claims (services.lookup); the history costs a second one only when there is
    some."""
    without_transaction(session)
    part = _part(session, part_number) if part_number else None
    unit, st, policy, has_claims, customer = lookup(session, serial, on=on, part=part, usage=usage,
                                                    with_customer=with_customer)
    out = {"serial": unit.serial, "model": unit.model, "sold_on": unit.sold_on.isoformat(), "status": st.status,
           "expires_on": st.expires_on.isoformat() if st.expires_on else None, "days_left": st.days_left,
           "usage": usage if usage is not None else unit.usage, "usage_limit": st.usage_limit,
           "usage_left": st.usage_left, "expired_by": st.expired_by, "coverage": st.coverage,
           "dealer": unit.dealer_code, "part_number": part.part_number if part else None,
           "category": part.category if part else None}
    if part is not None and policy is not None:
        out["repeat_repairs"] = repairs_of(session, unit, part.id) if has_claims else 0
        out["replace_or_refund"] = rules.repeat_flag(out["repeat_repairs"], policy.repeat_limit)
    if customer is not None:
        out["customer"] = customer_dict(customer)
    if history:
        out["claims"] = unit_claims(session, unit) if has_claims else []
    return out


# --- pages: the technician's tablet, the claims list and detail, the intake receipt ----------------------------------

def fitting_parts(session: Session, model: str, *, limit: int = 200) -> list[dict]:
    """The parts on the compatibility list for a model (parts with no list fit any model and are not listed)."""
    from warehouse.warranty.models import PartFit

    rows = session.execute(select(Part.part_number, Part.name, Part.name_en, Part.category)
                           .join(PartFit, PartFit.part_id == Part.id)
                           .where(PartFit.model == model, Part.active.is_(True))
                           .order_by(Part.category, Part.part_number).limit(limit)).all()
    return [{"part_number": pn, "name": n, "name_en": ne, "category": c} for pn, n, ne, c in rows]


def repeat_repairs(session: Session, unit: Unit) -> list[dict]:
    """三包 count per part repaired on this unit (approved claims), with the policy's threshold for that part's
    category and whether the unit is due for replacement or refund."""
    from warehouse.warranty.services import policy_for

    rows = session.execute(select(Part.part_number, Part.name, Part.category, func.count(Claim.id))
                           .join(Part, Part.id == Claim.part_id)
                           .where(Claim.unit_id == unit.id, Claim.status == "approved")
                           .group_by(Part.part_number, Part.name, Part.category)
                           .order_by(func.count(Claim.id).desc(), Part.part_number)).all()
    out = []
    for pn, name, category, n in rows:
        policy = policy_for(session, model=unit.model, sold_on=unit.sold_on, category=category)
        limit = policy.repeat_limit if policy else None
        out.append({"part_number": pn, "name": name, "repairs": n, "limit": limit,
                    "due": rules.repeat_flag(n, limit)})
    return out


def tablet_view(session: Session, serial: str, *, part_number: str | None = None, with_customer: bool = False,
                on: date | None = None) -> dict:
    """Everything the technician's tablet shows for one unit: the status (for a part's category when asked), the
    policy's terms, claim history, 三包 repeat counts and the parts that fit the model."""
    from warehouse.warranty.services import policy_for

    out = warranty_view(session, serial, on=on, part_number=part_number, with_customer=with_customer,
                        history=True)
    unit = get_unit(session, serial)
    category = out.get("category")
    policy = policy_for(session, model=unit.model, sold_on=unit.sold_on, category=category)
    out["policy"] = None if policy is None else {
        "months": policy.months, "usage_limit": policy.usage_limit, "covers_parts": policy.covers_parts,
        "covers_labour": policy.covers_labour, "replaced_part_months": policy.replaced_part_months,
        "repeat_limit": policy.repeat_limit, "category": policy.category,
        "effective_from": policy.effective_from.isoformat()}
    out["repeats"] = repeat_repairs(session, unit)
    out["replace_or_refund"] = out.get("replace_or_refund") or any(r["due"] for r in out["repeats"])
    out["fitting_parts"] = fitting_parts(session, unit.model)
    return out


CLAIM_FILTERS = ("status", "warranty_status", "dealer", "serial", "part_number")


def claim_list(session: Session, *, status: str | list[str] | None = None, warranty_status: str | None = None,
               dealer: str | None = None, serial: str | None = None, part_number: str | None = None,
               limit: int = 200) -> list[dict]:
    """Claims, newest first, filtered by state, warranty status at filing, dealer, unit or part (exact codes)."""
    q = (select(Claim, Part.part_number, Part.name, Dealer.code).join(Part, Part.id == Claim.part_id)
         .join(Dealer, Dealer.id == Claim.dealer_id).join(Unit, Unit.id == Claim.unit_id))
    if status:
        q = q.where(Claim.status.in_([status] if isinstance(status, str) else status))
    if warranty_status == "out":
        q = q.where(Claim.warranty_status != "in_warranty")
    elif warranty_status:
        q = q.where(Claim.warranty_status == warranty_status)
    if dealer:
        q = q.where(Dealer.code == dealer.strip().upper())
    if serial:
        q = q.where(Unit.serial == serial.strip().upper())
    if part_number:
        q = q.where(Part.part_number == part_number.strip())
    rows = session.execute(q.order_by(Claim.id.desc()).limit(limit)).all()
    return [{**claim_dict(c, pn, d), "name": name, "model": c.unit.model} for c, pn, name, d in rows]


def claim_page(session: Session, claim_no: str) -> dict:
    """One claim with its unit, part and dealer named, and its history as dated steps (filed, assessed, confirmed,
    taken in), each with who did it."""
    claim = get_claim(session, claim_no)
    part = session.get(Part, claim.part_id)
    dealer = session.get(Dealer, claim.dealer_id)
    out = {**claim_dict(claim, part.part_number, dealer.code), "name": part.name, "name_en": part.name_en,
           "category": part.category, "dealer_name": dealer.name, "model": claim.unit.model,
           "sold_on": claim.unit.sold_on.isoformat(), "fits_model": claim.fits_model,
           "intake_location": claim.intake_location}
    steps = [("filed", claim.created_at, claim.created_by),
             ("assessed", claim.assessed_at, claim.assessed_by),
             ("confirmed", claim.confirmed_at, claim.confirmed_by),
             ("taken_in", claim.intake_at, None)]
    out["history"] = [{"step": s, "at": at.isoformat(), "by": by} for s, at, by in steps if at is not None]
    return out


def intake_receipt(session: Session, doc_no: str) -> dict | None:
    """The intake receipt (旧件入库单): the document, its claim, dealer, part, bin and quantity."""
    from warehouse.documents.services import get_document

    doc = get_document(session, (doc_no or "").strip().upper()) if isinstance(doc_no, str) else None
    if doc is None or doc.doc_type != "intake":
        return None
    claim = session.scalar(select(Claim).where(Claim.intake_doc_no == doc.doc_no))
    if claim is None:
        return None
    page = claim_page(session, claim.claim_no)
    return {"doc_no": doc.doc_no, "created_at": doc.created_at.isoformat(), "created_by": doc.created_by,
            "claim": page}


def claim_key(session: Session, key: str) -> str | None:
    """A claim's number as stored, for the attachments registry (photos of the failed part); None: no such claim."""
    return session.scalar(select(Claim.claim_no).where(Claim.claim_no == key.strip().upper()))
def _day(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.utc)


def list_claims(session: Session, *, status: str | None = None, dealer: str | None = None,
                part_number: str | None = None, supplier: str | None = None, cause: str | None = None,
                serial: str | None = None, filed_from: date | None = None, filed_to: date | None = None,
                limit: int = 100, offset: int = 0) -> list[dict]:
    """Claims newest first, filtered by status, dealer, part, the part's supplier, cause, unit and filing dates
    (`filed_to` inclusive)."""
    q = (select(Claim, Part.part_number, Dealer.code).join(Part, Part.id == Claim.part_id)
         .join(Dealer, Dealer.id == Claim.dealer_id))
    if status:
        q = q.where(Claim.status == status)
    if dealer:
        q = q.where(Dealer.code == dealer.strip().upper())
    if part_number:
        q = q.where(Part.part_number == part_number.strip())
    if supplier:
        q = q.join(Supplier, Supplier.id == Part.supplier_id).where(Supplier.code == supplier.strip())
    if cause:
        q = q.where(Claim.cause == cause)
    if serial:
        q = q.join(Unit, Unit.id == Claim.unit_id).where(Unit.serial == serial.strip().upper())
    if filed_from:
        q = q.where(Claim.created_at >= _day(filed_from))
    if filed_to:
        q = q.where(Claim.created_at < _day(filed_to + timedelta(days=1)))
    rows = session.execute(q.order_by(Claim.id.desc()).limit(limit).offset(offset)).all()
    return [claim_dict(c, pn, d) for c, pn, d in rows]


def returned_store(session: Session, *, supplier: str | None = None, part_number: str | None = None,
                   cause: str | None = None, location: str | None = None, limit: int = 200,
                   offset: int = 0) -> list[dict]:
    """What is in the returned-parts store now, classified by supplier, part and cause: claims taken in whose part
    has not left with a shipped supplier return (a line in a batch still open is in the store, marked with it)."""
    shipped = (select(ReturnLine.claim_no).join(ReturnBatch, ReturnBatch.id == ReturnLine.batch_id)
               .where(ReturnBatch.status != "open"))
    batch_of = (select(ReturnBatch.batch_no).join(ReturnLine, ReturnLine.batch_id == ReturnBatch.id)
                .where(ReturnLine.claim_no == Claim.claim_no).scalar_subquery())
    q = (select(Claim.claim_no, Claim.intake_qty, Claim.intake_location, Claim.intake_doc_no, Claim.intake_at,
                Claim.cause, Claim.amount, Part.part_number, Part.name, Supplier.code, Dealer.code,
                batch_of.label("batch_no"))
         .join(Part, Part.id == Claim.part_id).outerjoin(Supplier, Supplier.id == Part.supplier_id)
         .join(Dealer, Dealer.id == Claim.dealer_id)
         .where(Claim.intake_doc_no.is_not(None), Claim.claim_no.not_in(shipped)))
    if supplier:
        q = q.where(Supplier.code == supplier.strip())
    if part_number:
        q = q.where(Part.part_number == part_number.strip())
    if cause:
        q = q.where(Claim.cause == cause)
    if location:
        q = q.where(Claim.intake_location == location.strip().upper())
    q = q.order_by(Supplier.code, Part.part_number, Claim.cause, Claim.claim_no).limit(limit).offset(offset)
    return [{"claim_no": r[0], "qty": r[1], "location": r[2], "doc_no": r[3],
             "taken_in_at": r[4].isoformat() if r[4] else None, "cause": r[5], "claimed": f"{r[6]:.2f}",
             "part_number": r[7], "name": r[8], "supplier": r[9], "dealer": r[10], "batch_no": r[11]}
            for r in session.execute(q)]


def parts_fitting(session: Session, model: str, *, limit: int = 500) -> list[dict]:
    """The parts on the compatibility list for a model (the tablet page lists them)."""
    from warehouse.warranty.models import PartFit

    q = (select(Part.part_number, Part.name, Part.category).join(PartFit, PartFit.part_id == Part.id)
         .where(PartFit.model == model, Part.active.is_(True)).order_by(Part.part_number).limit(limit))
    return [{"part_number": pn, "name": name, "category": cat} for pn, name, cat in session.execute(q)]


def policy_dict(p) -> dict:
    return {"id": p.id, "model": p.model, "category": p.category, "months": p.months, "usage_limit": p.usage_limit,
            "covers_parts": p.covers_parts, "covers_labour": p.covers_labour,
            "replaced_part_months": p.replaced_part_months, "repeat_limit": p.repeat_limit,
            "quality_confirm_above": None if p.quality_confirm_above is None else f"{p.quality_confirm_above:.2f}",
            "effective_from": p.effective_from.isoformat(), "created_by": p.created_by}


def model_policies(session: Session, model: str) -> list[dict]:
    """Every version of a model's terms and of its part-category exceptions, newest first."""
    from warehouse.warranty.models import Policy

    q = select(Policy).where(Policy.model == model.strip()).order_by(Policy.category.is_not(None), Policy.category,
                                                                    Policy.effective_from.desc(), Policy.id.desc())
    return [policy_dict(p) for p in session.scalars(q)]


def list_models(session: Session) -> list[dict]:
    from warehouse.warranty.models import ProductModel

    return [{"code": m.code, "name": m.name, "category": m.category}
            for m in session.scalars(select(ProductModel).order_by(ProductModel.code))]


def labour_rates(session: Session) -> list[dict]:
    from warehouse.warranty.models import LabourRate

    return [{"category": r.category, "rate": f"{r.rate:.2f}"}
            for r in session.scalars(select(LabourRate).order_by(LabourRate.category))]


def unit_view(session: Session, serial: str, *, with_customer: bool) -> dict:
    """A sold unit's record, its extensions and claim history; the customer only for roles that may read it."""
    from warehouse.warranty.models import Extension

    unit = get_unit(session, serial)
    out = {"serial": unit.serial, "model": unit.model, "sold_on": unit.sold_on.isoformat(),
           "dealer": unit.dealer_code, "usage": unit.usage,
           "usage_read_on": unit.usage_read_on.isoformat() if unit.usage_read_on else None,
           "extensions": [{"months": e.months, "bought_on": e.bought_on.isoformat(), "reference": e.reference}
                          for e in session.scalars(select(Extension).where(Extension.unit_id == unit.id)
                                                   .order_by(Extension.id))],
           "claims": unit_claims(session, unit)}
    if with_customer and unit.customer is not None:
        out["customer"] = customer_dict(unit.customer)
    return out


def customer_dict(c) -> dict:
    """The one shape of a customer record wherever it is shown (confidential: callers check `customers.read`)."""
    return {"name": c.name, "phone": c.phone, "phone2": c.phone2, "address": c.address,
            "key_account": c.key_account, "owner": c.owner}
