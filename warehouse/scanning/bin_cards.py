"""Bin cards (`BC:N-A01-03:PN-48213-A`): by syntax alone; confirming or counting one checks bin and part."""
from __future__ import annotations

from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.scanning.registry import Found, resolver


@resolver("card")
def bin_card(session: Session, c: Classified) -> Found:
    return Found({"kind": "card", "location": c.fields["location"], "part_number": c.fields["part_number"],
                  "store": c.fields["store"]})
