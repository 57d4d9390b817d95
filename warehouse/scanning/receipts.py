"""Receipt notes (入库单, `RN-20261103-0001`)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from scanners.codes import Classified
from warehouse.documents.services import get_document
from warehouse.scanning.registry import Found, resolver


@resolver("receipt")
def receipt_note(session: Session, c: Classified) -> Found | None:
    doc = get_document(session, c.value)
    return Found({"kind": "receipt", "doc_no": doc.doc_no}) if doc else None
