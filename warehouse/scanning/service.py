"""Field service codes: a ticket number (`TK-20250105-0001`, on the completion notice) and a technician's van
(`V-<USERNAME>`, a stock location of the NEW store counted like a bin)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.locations.models import Location
from warehouse.scanning.registry import Found, resolver
from warehouse.service.models import Ticket


@resolver("ticket")
def ticket(session: Session, c: Classified) -> Found | None:
    t = session.scalar(select(Ticket).where(Ticket.ticket_no == c.value))
    return Found({"kind": "ticket", "ticket_no": t.ticket_no, "status": t.status}) if t else None


@resolver("van")
def van(session: Session, c: Classified) -> Found | None:
    loc = session.scalar(select(Location).where(Location.code == c.value, Location.kind == "technician",
                                                Location.active.is_(True)))
    return Found({"kind": "location", "location": loc.code, "store": loc.store, "van": True}) if loc else None
