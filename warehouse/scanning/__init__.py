"""What a scanned code means here, and one scan-page step (select a bin, switch mode, or post a move).

`scanners.codes.classify` decides a code's syntax kind; `registry` hands it to the one resolver registered for that
kind, and plain text to the text resolvers in their `order` (part number, then supplier barcode, …). A new area adds
`warehouse/scanning/<noun>.py` with `@resolver("claim") def claim(session, c) -> Found | None` (None: "not mine",
the code is then `unknown_code`) and names it in the import line below; no chain to edit.
"""
from __future__ import annotations

from warehouse.scanning.registry import MAX_CODE, Found, lookup, resolve, resolver, unregister
# Each of these modules registers its resolvers on import.
from warehouse.scanning import (bin_cards, claims, locations, modes, orders, parts, receipts,  # noqa: F401
                                service, units)
from warehouse.scanning.step import MODES, scan_step

__all__ = ["MAX_CODE", "MODES", "Found", "lookup", "resolve", "resolver", "scan_step", "unregister"]
