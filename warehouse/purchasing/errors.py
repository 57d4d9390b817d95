"""Errors of purchase requests (codes are part of the API and the pages)."""
from __future__ import annotations

from warehouse.errors import DomainError


class UnknownRequest(DomainError):
    code = "unknown_purchase_request"


class RequestNotOpen(DomainError):
    code = "purchase_request_not_open"
