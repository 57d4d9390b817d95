"""Who may do what: role → permissions. One table, checked by every API endpoint and web page, and read by the
menus (a link shows only when its view's permission is in the user's set). Permissions of areas not built yet are
declared here already, so a new area adds its pages, not its roles."""
from __future__ import annotations

ROLES = ("admin", "manager", "new_store_clerk", "returned_store_clerk", "shipper", "technician", "order_clerk",
         "finance", "service_agent", "customer_supervisor", "quality")

_READ = {"stock.read", "catalog.read"}
PERMISSIONS: dict[str, set[str]] = {
    "new_store_clerk": _READ | {"stock.receive", "stock.issue", "stock.transfer", "stock.reverse", "stock.count",
                                "catalog.write", "locations.write", "labels.print", "card.confirm",
                                "purchasing.read", "purchasing.write"},
    "returned_store_clerk": _READ | {"stock.issue", "stock.transfer", "stock.reverse", "stock.count",
                                     "returned.intake", "labels.print", "card.confirm", "locations.write",
                                     "claims.write", "claims.read", "warranty.read", "claims.photos",
                                     "returned.read", "returns.read", "returns.write", "quality.read"},
    "shipper": _READ | {"stock.issue", "orders.read", "orders.pick", "orders.ship", "labels.print",
                        "dealer_returns.write", "dealer_returns.receive"},
    "technician": _READ | {"warranty.read", "claims.read", "claims.assess", "tickets.work", "tickets.read",
                           "claims.photos", "returned.read", "kb.read", "kb.write"},
    # 售后内勤: takes orders, reads dealer accounts and chases overdue payments with finance (collection calls).
    "order_clerk": _READ | {"costs.read", "orders.write", "orders.read", "dealers.read", "dealers.collect", "reports.read",
                            "claims.write", "claims.read", "warranty.read", "purchasing.read", "purchasing.write",
                            "claims.photos", "dealer_returns.write"},
    # Only finance records payments and adjustments, blocks accounts and closes months (dealers.account).
    # Finance reads the reconciliation (its valued differences are the adjustments it books) and stock values;
    # it neither counts nor opens stocktakes.
    "finance": _READ | {"orders.read", "dealers.read", "dealers.account", "dealers.collect", "reports.read",
                        "reports.profit", "export", "purchasing.read", "returns.read", "reconciliation.read",
                        "costs.read"},
    "service_agent": {"warranty.read", "tickets.write", "tickets.read", "customers.read",
                      "complaints.write", "kb.read", "kb.write"},
    # 客户主管: quality feedback to other departments, complaints and batch incidents, inspections and scoring of
    # dealers and stations, the files on station repairmen, service-quality checks. No stock, no money.
    "customer_supervisor": {"customers.read", "warranty.read", "claims.read", "tickets.read", "reports.read",
                            "complaints.write", "incidents.write", "inspections.write", "stations.write",
                            "kpis.read", "quality.read", "quality.feedback", "inspections.read", "kb.read",
                            "kb.write", "kb.review", "service_checks.write", "service_checks.read"},
    # 品技部: confirms the technician's assessment where the policy asks for it, investigates batch failures (so it
    # reads the failed parts in the returned-parts store and the catalog).
    "quality": _READ | {"warranty.read", "claims.read", "claims.confirm", "incidents.write", "reports.read",
                        "returned.read", "quality.read", "quality.feedback"},
}
# Judgements that belong to one trade and are never handed out wholesale: the technician's assessment of a failed
# part and the quality department's confirmation of it. The catch-all below leaves them out, so neither the manager
# nor the admin can assess or confirm a claim.
OWN_TRADE = {"claims.assess", "claims.confirm"}
# `costs.read`: unit costs, moving averages and stock values on pages (store clerks see quantities, not costs).
# The manager approves exceptions (adjustments, stocktakes) and reads everything (`jobs.all`: every user's background
# jobs, not only their own); admin also manages users.
_ALL = (set().union(*PERMISSIONS.values()) | {"stocktake.approve", "stocktake.open", "users.manage", "reports.read",
                                              "export", "warranty.write", "claims.write", "dealers.write",
                                              "printers.manage", "jobs.all", "claims.approve", "audit.read",
                                              "orders.release", "dealer_returns.decide", "vans.review",
                                              "service.configure", "kpis.targets",
                                              # exceptions only a manager decides: scrapping what a supplier
                                              # refused, closing a dealer dispute, closing a quality incident
                                              "returns.scrap", "disputes.close", "incidents.close"}) - OWN_TRADE
# The audit trail is the administrators' (it also records the manager's own changes).
PERMISSIONS["manager"] = _ALL - {"users.manage", "audit.read"}
PERMISSIONS["admin"] = _ALL
# Store clerks work in their own store only.
STORE_OF_ROLE = {"new_store_clerk": "NEW", "returned_store_clerk": "RETURNED"}


def can(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, ())


def store_allowed(role: str, store: str | None) -> bool:
    own = STORE_OF_ROLE.get(role)
    return own is None or store is None or own == store
