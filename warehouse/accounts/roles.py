"""Who may do what: role → permissions. One table, checked by every API endpoint and web page."""
from __future__ import annotations

ROLES = ("admin", "manager", "new_store_clerk", "returned_store_clerk", "shipper", "technician", "order_clerk",
         "finance", "service_agent", "quality", "customer_supervisor")

_READ = {"stock.read", "catalog.read"}
PERMISSIONS: dict[str, set[str]] = {
    "new_store_clerk": _READ | {"stock.receive", "stock.issue", "stock.transfer", "stock.reverse", "stock.count",
                                "catalog.write", "locations.write", "labels.print", "card.confirm"},
    "returned_store_clerk": _READ | {"stock.issue", "stock.transfer", "stock.reverse", "stock.count",
                                     "returned.intake", "labels.print", "card.confirm", "locations.write",
                                     "claims.write", "warranty.read"},
    "shipper": _READ | {"stock.issue", "orders.pick", "orders.ship", "labels.print"},
    "technician": _READ | {"warranty.read", "claims.assess", "tickets.work"},
    "order_clerk": _READ | {"orders.write", "dealers.read", "reports.read", "claims.write", "warranty.read"},
    "finance": _READ | {"dealers.read", "dealers.account", "reports.read", "export"},
    "service_agent": {"warranty.read", "tickets.write", "customers.read"},
    "quality": _READ | {"warranty.read", "claims.confirm", "reports.read"},
    "customer_supervisor": {"warranty.read", "customers.read", "reports.read"},
}
# The manager approves exceptions (adjustments, stocktakes) and reads everything (`jobs.all`: every user's background
# jobs, not only their own); admin also manages users.
_ALL = set().union(*PERMISSIONS.values()) | {"stocktake.approve", "stocktake.open", "users.manage", "reports.read",
                                             "export", "warranty.write", "claims.write", "dealers.write",
                                             "printers.manage", "claims.approve", "jobs.all"}
# Some acts belong to one role's judgement only: a technician assesses, the quality department confirms.
_OWN = {"claims.assess", "claims.confirm"}
PERMISSIONS["manager"] = _ALL - {"users.manage"} - _OWN
PERMISSIONS["admin"] = _ALL - _OWN
# Store clerks work in their own store only.
STORE_OF_ROLE = {"new_store_clerk": "NEW", "returned_store_clerk": "RETURNED"}


def can(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, ())


def store_allowed(role: str, store: str | None) -> bool:
    own = STORE_OF_ROLE.get(role)
    return own is None or store is None or own == store
