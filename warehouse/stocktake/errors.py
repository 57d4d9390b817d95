"""Domain errors of bin cards and stocktakes (codes are part of the API)."""
from __future__ import annotations

from warehouse.errors import DomainError


class UnknownStocktake(DomainError):
    code, status = "unknown_stocktake", 404


class StocktakeClosed(DomainError):
    code, status = "stocktake_closed", 409


class NotInStocktake(DomainError):
    code, status = "not_in_stocktake", 409


class NoOpenStocktake(DomainError):
    code, status = "no_open_stocktake", 409


class LineApproved(DomainError):
    code, status = "already_approved", 409


class NotCounted(DomainError):
    code, status = "not_counted", 409


class OwnCount(DomainError):
    """The manager counted a line of this stocktake: another manager must approve it."""

    code, status = "own_count", 403


class SameCounter(DomainError):
    """A rejected count must be recounted by someone else."""

    code, status = "same_counter", 403
