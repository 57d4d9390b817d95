"""Dealer and account errors (codes and keyword parameters; messages in service_app/error_messages.py)."""
from __future__ import annotations

from warehouse.errors import DomainError


class DealerBlocked(DomainError):
    code = "dealer_blocked"


class UnknownPriceList(DomainError):
    code = "unknown_price_list"


class UnknownInvoice(DomainError):
    code = "unknown_invoice"


class PeriodClosed(DomainError):
    code = "period_closed"


class OverAllocated(DomainError):
    code = "over_allocated"
