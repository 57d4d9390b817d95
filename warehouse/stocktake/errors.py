"""Domain errors of bin cards and stocktakes (codes are part of the API)."""
from __future__ import annotations

from warehouse.errors import DomainError


class UnknownStocktake(DomainError):
    code = "unknown_stocktake"


class StocktakeClosed(DomainError):
    code = "stocktake_closed"


class NotInStocktake(DomainError):
    code = "not_in_stocktake"


class NoOpenStocktake(DomainError):
    code = "no_open_stocktake"


class LineApproved(DomainError):
    code = "already_approved"


class NotCounted(DomainError):
    code = "not_counted"


class OwnCount(DomainError):
    """The manager counted a line of this stocktake: another manager must approve it."""

    code = "own_count"


class SameCounter(DomainError):
    """A rejected count must be recounted by someone else."""

    code = "same_counter"
