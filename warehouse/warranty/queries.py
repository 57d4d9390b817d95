"""Reads: the warranty answer for a serial (CONTRACT §4 shape), a unit's claims, claim lists."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.dealers.models import Dealer
from warehouse.warranty import rules
from warehouse.warranty.models import Claim, Unit
from warehouse.warranty.services import _part, get_claim, get_unit, status_of


def claim_dict(claim: Claim, part_number: str, dealer: str) -> dict:
    return {"claim_no": claim.claim_no, "serial": claim.unit.serial, "dealer": dealer, "part_number": part_number,
            "qty": claim.qty, "failure": claim.failure, "labour_hours": f"{claim.labour_hours:.2f}",
            "amount": f"{claim.amount:.2f}", "warranty_status": claim.warranty_status, "status": claim.status,
            "cause": claim.cause, "decision": claim.decision, "notes": claim.notes,
            "assessed_by": claim.assessed_by, "confirmed_by": claim.confirmed_by,
            "intake_doc_no": claim.intake_doc_no, "intake_qty": claim.intake_qty,
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
    """What a technician sees at a scan: status, until when, what is covered (for a part's category when asked)."""
    unit = get_unit(session, serial)
    part = _part(session, part_number) if part_number else None
    st, policy = status_of(session, unit, on=on, part=part, usage=usage)
    out = {"serial": unit.serial, "model": unit.model, "sold_on": unit.sold_on.isoformat(), "status": st.status,
           "expires_on": st.expires_on.isoformat() if st.expires_on else None, "days_left": st.days_left,
           "usage": usage if usage is not None else unit.usage, "usage_limit": st.usage_limit,
           "usage_left": st.usage_left, "expired_by": st.expired_by, "coverage": st.coverage,
           "dealer": unit.dealer_code, "part_number": part.part_number if part else None,
           "category": part.category if part else None}
    if part is not None and policy is not None:
        out["repeat_repairs"] = repairs_of(session, unit, part.id)
        out["replace_or_refund"] = rules.repeat_flag(out["repeat_repairs"], policy.repeat_limit)
    if with_customer and unit.customer is not None:
        c = unit.customer
        out["customer"] = {"name": c.name, "phone": c.phone, "address": c.address, "key_account": c.key_account}
    if history:
        out["claims"] = unit_claims(session, unit)
    return out
