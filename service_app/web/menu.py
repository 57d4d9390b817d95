"""The one list of places a user can go: the top menu and the home page's tiles are both drawn from it.

An entry names its endpoint, never a permission: the permission is read back from the view itself
(`permission_required` records it on the view function), and the entry shows only to roles that hold it. So a link
cannot be shown to someone its page would answer 403, and an entry cannot claim a permission its view does not check.
A new area adds its entries (and a group) here.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from service_app.role_names import role_name


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object                    # lazy string: the tile on the home page
    group: str                       # key of GROUPS: the heading the tile sits under
    menu: object | None = None       # lazy string: the link in the top menu; None for the home page only
    args: tuple[tuple[str, str], ...] = ()   # url_for arguments, as pairs so entries stay hashable

    def url(self) -> str:
        return url_for(self.endpoint, **dict(self.args))


GROUPS = {
    "service": _l("Field service"),
    "care": _l("Customer care"),
    "warranty": _l("Warranty and claims"),
    "returned": _l("Returned-parts store"),
    "quality": _l("Quality"),
    "stock": _l("Stock"),
    "stocktake": _l("Stocktaking"),
    "labels": _l("Labels and printing"),
    "dealers": _l("Dealer orders and accounts"),
    "reports": _l("Reports and planning"),
    "admin": _l("Administration"),
}

ENTRIES: tuple[Entry, ...] = (
    # Field service first: for the hotline agents and technicians on a job this is the day's work.
    Entry("service.my_jobs", _l("My jobs (today's visits)"), "service", menu=_l("My jobs")),
    Entry("service.new_ticket", _l("New service ticket"), "service", menu=_l("New ticket")),
    Entry("service.tickets", _l("Service tickets"), "service", menu=_l("Tickets")),
    Entry("service.board", _l("Dispatch board"), "service", menu=_l("Board")),
    Entry("service_care.calls", _l("Call list (follow-up calls)"), "service", menu=_l("Calls")),
    Entry("service_care.complaint_list", _l("Complaints"), "service", menu=_l("Complaints")),
    Entry("service_care.complaint_list", _l("Escalated complaints"), "service", args=(("escalated", "1"),)),
    Entry("service_care.seasons", _l("Season dates (reminders)"), "service"),
    Entry("service.kpis", _l("Service KPIs"), "service", menu=_l("KPIs")),
    # Customer care: the knowledge base for agents and technicians, the supervisor's inspections and checks.
    Entry("care.kb", _l("Knowledge base (problems and solutions)"), "care", menu=_l("Knowledge base")),
    Entry("care.inspections_page", _l("Inspections of dealers and stations"), "care", menu=_l("Inspections")),
    Entry("care.ranking", _l("Station ranking and files"), "care", menu=_l("Stations")),
    Entry("care.checks", _l("Service-quality checks"), "care", menu=_l("Quality checks")),
    Entry("care.checklists_page", _l("Checklists"), "care"),
    # Warranty first: for technicians and the returned-parts clerk this is the day's work.
    Entry("warranty.lookup", _l("Warranty check (scan a unit)"), "warranty", menu=_l("Warranty")),
    Entry("claims.assess_queue", _l("Claims to assess"), "warranty", menu=_l("Assess")),
    Entry("claims.new", _l("New warranty claim"), "warranty"),
    Entry("claims.claims", _l("Warranty claims"), "warranty", menu=_l("Claims")),
    Entry("claims.to_confirm", _l("Claims waiting for confirmation"), "warranty", menu=_l("To confirm")),
    Entry("claims.to_decide", _l("Rejections waiting for approval"), "warranty"),
    Entry("warranty.import_file", _l("Import sold units and the compatibility list"), "warranty"),
    Entry("web.intake_scan", _l("Take in returned parts (scan)"), "returned", menu=_l("Intake")),
    Entry("returned.store", _l("What the returned-parts store holds"), "returned", menu=_l("Returned store")),
    Entry("returned.disputes_list", _l("Intake disputes with dealers"), "returned"),
    Entry("supplier_returns.batches", _l("Return batches to suppliers"), "returned", menu=_l("Supplier returns")),
    Entry("supplier_returns.recovery", _l("Recovery from suppliers"), "returned"),
    Entry("warranty.alerts", _l("Batch-quality alerts"), "quality", menu=_l("Alerts")),
    Entry("quality.incidents", _l("Quality incidents"), "quality", menu=_l("Incidents")),
    Entry("web.scan", _l("Scan in / out"), "stock", menu=_l("Scan")),
    Entry("web.parts", _l("Parts and stock"), "stock", menu=_l("Parts")),
    Entry("web.bins", _l("New-parts store bins"), "stock", menu=_l("Bins"), args=(("store", "NEW"),)),
    Entry("web.bins", _l("Returned-parts store bins"), "stock", args=(("store", "RETURNED"),)),
    Entry("web.receive", _l("Receive parts"), "stock"),
    Entry("web.issue", _l("Issue parts"), "stock"),
    Entry("web.transfer", _l("Transfer between bins"), "stock"),
    Entry("stocktake.stocktakes", _l("Stocktakes"), "stocktake", menu=_l("Stocktakes")),
    Entry("stocktake.reconciliation", _l("Reconciliation"), "stocktake", menu=_l("Reconciliation")),
    Entry("printing.queue", _l("Print queue"), "labels", menu=_l("Print queue")),
    Entry("printing.bin_labels", _l("Bin labels"), "labels"),
    Entry("orders.new", _l("New order"), "dealers", menu=_l("New order")),
    Entry("orders.orders_list", _l("Orders"), "dealers", menu=_l("Orders")),
    Entry("dealers.dealers_list", _l("Dealer accounts"), "dealers", menu=_l("Dealers")),
    Entry("dealers.collections", _l("Collections (overdue dealers)"), "dealers"),
    Entry("returns.returns_list", _l("Dealer returns"), "dealers", menu=_l("Returns")),
    Entry("reports.index", _l("Statements and reports"), "reports", menu=_l("Reports")),
    Entry("reports.stock_plan", _l("Stock plan and purchase requests"), "reports", menu=_l("Stock plan")),
    Entry("audit.trail", _l("Audit trail"), "admin", menu=_l("Audit")),
)


def view_permission(app: Flask, endpoint: str) -> str:
    """The permission the view behind `endpoint` checks, as its decorator recorded it."""
    view = app.view_functions.get(endpoint)
    if view is None:
        raise LookupError(f"menu entry for {endpoint!r}: no such view")
    permission = getattr(view, "permission", None)
    if permission is None:
        raise LookupError(f"menu entry for {endpoint!r}: its view records no permission (use permission_required)")
    return permission


def visible(user, entries=ENTRIES) -> list[Entry]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [e for e in entries if user.can(view_permission(current_app, e.endpoint))]


def may(endpoint: str) -> bool:
    """Whether the signed-in user may use the view behind `endpoint`: for buttons and forms on pages, so a button
    shows only to whoever its view lets through."""
    return bool(getattr(current_user, "is_authenticated", False)
                and current_user.can(view_permission(current_app, endpoint)))


def menu_links(user) -> list[dict]:
    """Top menu: one link per entry that has a menu text, marked when it is the page being shown."""
    return [{"label": e.menu, "url": e.url(), "on": request.endpoint == e.endpoint, "endpoint": e.endpoint}
            for e in visible(user) if e.menu is not None]


def home_groups(user) -> list[dict]:
    """Home page: the user's tiles under their group headings, in the order of GROUPS; empty groups left out."""
    entries = visible(user)
    return [{"key": key, "title": title, "tiles": [{"label": e.label, "url": e.url()} for e in entries
                                                    if e.group == key]}
            for key, title in GROUPS.items() if any(e.group == key for e in entries)]


def init_menu(app: Flask) -> None:
    @app.context_processor
    def _inject():
        # Functions, not values: only pages that draw a menu pay for it (error pages for anonymous users do not).
        return {"menu_links": lambda: menu_links(current_user), "home_groups": lambda: home_groups(current_user),
                "role_name": role_name, "may": may}
