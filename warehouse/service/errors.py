"""Errors of the field-service area: a code and keyword parameters (rows in service_app/error_messages.py)."""
from __future__ import annotations

from warehouse.errors import DomainError


class UnknownTicket(DomainError):
    code = "unknown_ticket"


class UnknownTechnician(DomainError):
    code = "unknown_technician"


class UnknownStation(DomainError):
    code = "unknown_station"


class TicketState(DomainError):
    """The step is not possible in the ticket's state (params: ticket_no, status, step)."""

    code = "ticket_state"


class NotDispatched(DomainError):
    code = "not_dispatched"


class NotReached(DomainError):
    """Completing a job nobody has arrived at."""

    code = "not_reached"


class JobOpen(DomainError):
    """A callback on a job that is not completed yet."""

    code = "job_open"


class WarrantyJob(DomainError):
    """A quote or payment on a job the warranty covers."""

    code = "warranty_job"


class NoQuote(DomainError):
    code = "no_quote"


class UnknownRefill(DomainError):
    code = "unknown_refill"


class RefillState(DomainError):
    code = "refill_state"


class ComplaintState(DomainError):
    """A step on a complaint that is already closed (params: ticket_no, status, step)."""

    code = "complaint_state"


class ComplaintNoResult(DomainError):
    """Closing a complaint that has no result (处理结果) yet."""

    code = "complaint_no_result"


class NotCompleted(DomainError):
    """A paper of the finished job (the completion notice) asked for before the job is completed."""

    code = "not_completed"
