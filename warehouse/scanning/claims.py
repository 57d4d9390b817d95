"""Warranty claims (`CL-20261103-0042`), as printed on the failed part's `returned_part` tag: the technician scans
it to assess the claim, the returned-parts clerk to take the part in."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.catalog.models import Part
from warehouse.dealers.models import Dealer
from warehouse.scanning.registry import Found, resolver
from warehouse.warranty.models import Claim, Unit


@resolver("claim")
def claim(session: Session, c: Classified) -> Found | None:
    row = session.execute(
        select(Claim.claim_no, Claim.status, Claim.qty, Claim.intake_doc_no, Unit.serial, Part.part_number,
               Part.name, Dealer.code)
        .join(Unit, Unit.id == Claim.unit_id).join(Part, Part.id == Claim.part_id)
        .join(Dealer, Dealer.id == Claim.dealer_id).where(Claim.claim_no == c.value)).first()
    if row is None:
        return None
    return Found({"kind": "claim", "claim_no": row.claim_no, "status": row.status, "serial": row.serial,
                  "part_number": row.part_number, "name": row.name, "dealer": row.code, "qty": row.qty,
                  "intake_doc_no": row.intake_doc_no})
