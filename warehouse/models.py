"""Imports every table module so `Base.metadata` is complete (Alembic autogenerate, create_all in tests)."""
from warehouse.accounts.models import User  # noqa: F401
from warehouse.catalog.models import Part, PartBarcode, Supplier  # noqa: F401
from warehouse.db import Base  # noqa: F401
from warehouse.documents.models import DocSequence, Document  # noqa: F401
from warehouse.idempotency import IdempotencyRecord  # noqa: F401
from warehouse.ledger.models import Balance, Move, Valuation  # noqa: F401
from warehouse.locations.models import Location  # noqa: F401
from warehouse.stocktake.models import BinCard, CardConfirmation, Stocktake, StocktakeBin, StocktakeLine  # noqa: F401,E501
from warehouse.printing.models import LabelPrinter, PrintJob  # noqa: F401
from warehouse.dealers.models import (AccountEntry, Allocation, CollectionCall, Dealer, Invoice,  # noqa: F401
                                      Period, PriceList, PriceListItem, Statement)
from warehouse.orders.models import DealerReturn, DealerReturnLine, Order, OrderLine  # noqa: F401
from warehouse.warranty.models import (Claim, Customer, Extension, IntakeDispute, LabourRate,  # noqa: F401
                                       PartWarranty, Policy, ProductModel, Unit)
from warehouse.jobs.models import Job  # noqa: F401
from warehouse.attachments.models import Attachment  # noqa: F401
from warehouse.service.models import (Callback, Complaint, DueRule, Handoff, KpiTarget,  # noqa: F401
                                      MaintenanceContract, Payment, RefillLine, RefillRequest, Season, Station,
                                      TechnicianProfile, Ticket, TicketEvent, TicketPart)
from warehouse.purchasing.models import PurchaseRequest  # noqa: F401
from warehouse.care.models import (ActionFollowUp, Checklist, ChecklistItem, CorrectiveAction,  # noqa: F401
                                   Inspection, InspectionScore, KbEntry, KbToken, Repairman, ServiceCheck,
                                   ServiceCheckScore, Training)
from warehouse.audit.models import AuditEntry  # noqa: F401
from warehouse.accounts.models import LoginSession, LoginThrottle  # noqa: F401
import warehouse.audit.audited  # noqa: F401,E402  (the audited models: one line each)
from warehouse.audit.listener import install as _install_audit  # noqa: E402

_install_audit()
