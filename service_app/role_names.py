"""What each role is called, in the reader's language: the user box on every page, the home page, later the user
list. The role codes themselves (`warehouse.accounts.roles.ROLES`) are the stable names the CLI and the API use."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "admin": _l("Administrator"),
    "manager": _l("After-sales manager"),
    "new_store_clerk": _l("New-parts store clerk"),
    "returned_store_clerk": _l("Returned-parts store clerk"),
    "shipper": _l("Parts shipper"),
    "technician": _l("Warranty technician"),
    "order_clerk": _l("Order and statistics clerk"),
    "finance": _l("Finance statistician"),
    "service_agent": _l("Service agent"),
    "customer_supervisor": _l("Customer supervisor"),
    "quality": _l("Quality engineer"),
}


def role_name(role: str) -> str:
    """The role's name in the current locale; an unknown code (a role dropped from the table) shows as itself."""
    name = ROLE_NAMES.get(role)
    return str(name) if name is not None else role
