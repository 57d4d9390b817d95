"""The audited models: one line each. A new area whose rows people change adds its line here (parts of the catalog,
bins, users, printers, policies, dealers, price lists, customers, claims, tickets, stations)."""
from __future__ import annotations

from warehouse.accounts.models import User
from warehouse.audit.registry import register
from warehouse.catalog.models import Part, PartBarcode, Supplier
from warehouse.dealers.models import Dealer, PriceList, PriceListItem
from warehouse.locations.models import Location
from warehouse.printing.models import LabelPrinter
from warehouse.service.models import DueRule, Station, Ticket
from warehouse.warranty.models import Claim, Customer, Extension, LabourRate, PartWarranty, Policy, Unit

register(Part, key="part_number")
register(PartBarcode, key="code")
register(Supplier, key="code")
register(Location, key="code")
register(User, key="username", secret=("password_hash",))
register(LabelPrinter, key="url", exclude=("reachable", "ready", "paper_out", "head_open", "paused", "detail",
                                           "checked_at"))
register(Policy)
register(Extension)
register(LabourRate)
register(PartWarranty)
register(Dealer, key="code")
register(Customer)
register(Unit, key="serial")
register(Claim, key="claim_no")
register(PriceList, key="code")
register(PriceListItem)
register(Ticket, key="ticket_no")
register(Station, key="code")
register(DueRule)
