"""Bounds and enumerations of what the department accepts, defined once.

The domain checks them (services raise ValidationError), the columns are sized by them, and both edges of the shell
read them: the API's marshmallow schemas (`validate.Length/Range/OneOf`) and the web's WTForms (`Length`,
`NumberRange`), so a value the API refuses is refused by the form too (tests/test_limits.py introspects both).
A new area adds its bounds here, or in its own package when no other area uses them.
"""
from __future__ import annotations

from decimal import Decimal

# Enumerations
STORES = ("NEW", "RETURNED")  # the new-parts store and the returned (failed) parts store
# What a scan does on the scan page (pick: an order's lines by bin and part; intake: a claim tag, then a RETURNED
# bin, takes the failed part in).
SCAN_MODES = ("receive", "issue", "transfer", "count", "pick", "intake")
ORDER_CHANNELS = ("phone", "fax", "chat")  # how a dealer's order arrived; phone orders wait for the written copy
DEALER_KINDS = ("dealer", "office", "station")  # a dealer, a regional office, a repair station under an office

# Quantities: one move or one count. Above this it is a typo (or a barcode scanned into the quantity field).
MAX_QTY = 1_000_000

# Text lengths (the widths of their columns)
PART_NUMBER_LEN = 40
LOCATION_CODE_LEN = 40  # bin codes (N-A01-03) and counterparty codes (@CUSTOMER)
BARCODE_LEN = 64
MAX_BARCODES = 50  # barcodes given with a new part
NAME_LEN = 200  # part, supplier and bin names
UNIT_LEN = 16
CATEGORY_LEN = 64
SUPPLIER_CODE_LEN = 32
ZONE_LEN = 16
REFERENCE_LEN = 100  # a supplier's delivery note, an order reference
DOCUMENT_LEN = 32  # our document numbers (RN-20250101-0001)
DEVICE_LEN = 64  # the scanner or station a move came from
NOTE_LEN = 200  # reasons and notes
LOT_LEN = 20  # a supplier's lot (batch) number: GS1 AI (10) holds at most 20 characters
USERNAME_LEN = 64
PASSWORD_LEN = 200
SCAN_CODE_LEN = 512  # raw scanned text (GS1 element strings are long)

# Money: sent as decimal strings; amounts keep 2 places, unit costs 4 (so moving averages do not drift).
MONEY_PLACES = 2
COST_PLACES = 4
MONEY_MAX = Decimal(10) ** 10  # exclusive

# Dealers and orders
MAX_ORDER_LINES = 200
MAX_PAYMENT_TERMS_DAYS = 365
TAX_RATE = Decimal("0.13")  # VAT on parts sold to dealers (增值税), recorded on each invoice
SHIP_DUE_HOURS = 24  # a released order not shipped within this many hours is late (daily shipped-vs-due check)
# Purchasing: a lead time is at most a year; a request line at most MAX_QTY
MAX_LEAD_TIME_DAYS = 365

# Labels
PRINTER_URL_LEN = 500
PRINTER_NAME_LEN = 100
TEMPLATE_LEN = 32
RETURN_WINDOW_DAYS = 30  # default return window after shipping (setting RETURN_WINDOW_DAYS); later returns are abnormal
RETURN_CONDITIONS = ("unused", "damaged")
RETURN_DECISIONS = ("accept", "reject", "scrap")
