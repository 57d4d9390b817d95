"""What goes on a label: the data of label items built from the department's records.

Shared by every caller that prints part labels (the receipt note's labels button, the scan page's auto-print on
receive), so a part label carries the same fields wherever it is printed.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from warehouse.ledger import queries as ledger_queries


def part_label(*, part_number: str, name: str, name_en: str | None, location: str,
               on: date | None = None) -> dict:
    """One part label (the `part` template): the part, the bin it went into and, for a receipt, the day."""
    item = {"part_number": part_number, "name": name, "name_en": name_en, "location": location}
    if on is not None:
        item["date"] = on.isoformat()
    return item


def receipt_labels(session: Session, *, doc_no: str) -> list[dict]:
    """A part label for every unit received on a receipt note, leaving out reversed lines (those parts did not
    stay): a receipt of 200 parts is 200 labels."""
    moves = [m for m in ledger_queries.document_moves(session, doc_no=doc_no) if m.doc_type == "receipt"]
    reversed_ids = ledger_queries.reversed_among(session, [m.id for m in moves])
    return [part_label(part_number=m.part.part_number, name=m.part.name, name_en=m.part.name_en,
                       location=m.to_location.code, on=m.created_at.date())
            for m in moves if m.id not in reversed_ids for _unit in range(m.qty)]
