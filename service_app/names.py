"""What the department's codes are called on a page, in the reader's language: stores, counterparties, document
types, print-job states, label templates, units and part categories, plus dates and times in the locale's format.

The one place for these names. Role names live in `role_names.py` (re-exported here); the words an error message
fills in (lower case, mid-sentence) are `error_messages._WORDS`. Templates use the filters `name` and `when`:
`{{ doc.store|name('store') }}`, `{{ move.created_at|when }}`, `{{ day|when('date') }}`. A code without a name
shows as itself, so a new value is never hidden, and the page walk in tests/web/test_names_browser.py catches it.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from service_app.role_names import ROLE_NAMES, role_name

STORE_NAMES = {"NEW": _l("New-parts store"), "RETURNED": _l("Returned-parts store")}

# The ledger's counterparties (warehouse/locations/services.VIRTUAL); dealers' and technicians' own ones are
# `@D:<code>` and `@T:<user>`.
COUNTERPARTY_NAMES = {"@SUPPLIER": _l("Supplier"), "@CUSTOMER": _l("Customer"), "@SCRAP": _l("Scrap"),
                      "@ADJUST": _l("Stocktake adjustment"), "@TRANSIT": _l("In transit"),
                      "@PENDING": _l("Awaiting assessment")}

DOC_TYPE_NAMES = {"receipt": _l("Receipt note"), "issue": _l("Issue note"), "transfer": _l("Transfer note"),
                  "adjustment": _l("Adjustment note"), "reversal": _l("Reversal"),
                  "intake": _l("Returned-parts intake"), "dealer_return": _l("Dealer return"), "pick": _l("Picking"),
                  "scrap": _l("Scrapping"), "service": _l("Field service"), "shipment": _l("Shipment"),
                  "stocktake": _l("Stocktake"), "supplier_return": _l("Return to supplier"),
                  "van_refill": _l("Van refill")}

JOB_STATE_NAMES = {"queued": _l("Queued"), "sending": _l("Sending"), "done": _l("Printed"), "failed": _l("Failed"),
                   "cancelled": _l("Cancelled")}

TEMPLATE_NAMES = {"part": _l("Part label"), "bin": _l("Bin label"), "returned_part": _l("Returned-part tag"),
                  "unit": _l("Unit label"), "shipment": _l("Shipping label"), "bin_card": _l("Bin card")}

UNIT_NAMES = {"pcs": _l("pcs"), "set": _l("set"), "m": _l("m"), "kg": _l("kg"), "l": _l("L"), "box": _l("box"),
              "pair": _l("pair"), "roll": _l("roll")}

# Part categories are free text entered in Chinese; the ones the department uses have an English name.
CATEGORY_NAMES = {"制冷系统": _l("Refrigeration"), "电机": _l("Motors"), "电控": _l("Controls"),
                  "电气": _l("Electrical"), "附件": _l("Accessories"), "换热器": _l("Heat exchangers"),
                  "结构件": _l("Structural parts")}

KINDS = {"store": STORE_NAMES, "counterparty": COUNTERPARTY_NAMES, "doc_type": DOC_TYPE_NAMES,
         "job_state": JOB_STATE_NAMES, "template": TEMPLATE_NAMES, "unit": UNIT_NAMES, "category": CATEGORY_NAMES,
         "role": ROLE_NAMES}


def name(value, kind: str) -> str:
    """`value` (a code of `kind`) as the reader's language names it; an unknown code as itself, None as ''."""
    if value is None:
        return ""
    if kind == "role":
        return role_name(value)
    if kind == "location" or (kind == "counterparty" and isinstance(value, str)):
        return location_name(value)
    found = KINDS[kind].get(value)
    return str(found) if found is not None else str(value)


def location_name(code: str | None) -> str:
    """A bin code stays a code (it is on the shelf); a counterparty gets its name; a dealer's or a technician's
    own counterparty reads 'Dealer D001' / 'Van of tech1'."""
    if not code:
        return ""
    if code in COUNTERPARTY_NAMES:
        return str(COUNTERPARTY_NAMES[code])
    if code.startswith("@D:"):
        return str(_l("Dealer %(code)s", code=code[3:]))
    if code.startswith("@T:"):
        return str(_l("Van of %(user)s", user=code[3:]))
    return code


def local_name(name: str | None, name_en: str | None = None) -> str:
    """A part's (or a supplier's) name in the reader's language: the English name in English when it has one."""
    from flask_babel import get_locale

    if name_en and str(get_locale()).startswith("en"):
        return name_en
    return name or ""


def person_label(name: str, username: str) -> str:
    """A person as a picker offers them: "王小丽 (wangxl)", or the user name alone when that is all there is."""
    return username if name == username else f"{name} ({username})"


def when(value, what: str = "datetime") -> str:
    """A date or time in the locale's short format (2026/11/29 23:07 in Chinese, 11/29/26, 11:07 PM in English).
    Accepts a datetime, a date or an ISO 8601 string (the API's shape); None shows as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if ("T" in value or " " in value) else date.fromisoformat(value)
        except ValueError:
            return value
    if what == "date" or (isinstance(value, date) and not isinstance(value, datetime)):
        return format_date(value, "medium")
    return format_datetime(value, "short")


def init_names(app: Flask) -> None:
    app.add_template_filter(name, "name")
    app.add_template_filter(when, "when")
    app.add_template_global(location_name, "location_name")
    app.add_template_global(local_name, "local_name")
