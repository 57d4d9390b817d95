"""Order errors (codes and keyword parameters; messages in service_app/error_messages.py). `wrong_part` is the
shared `warehouse.errors.WrongPart`."""
from __future__ import annotations

from warehouse.errors import DomainError


class UnknownOrder(DomainError):
    code = "unknown_order"


class OrderState(DomainError):
    """The order's status does not allow this step (reason: not_released, not_picked, shipped, not_held)."""
    code = "order_state"


class OverPick(DomainError):
    code = "over_pick"
