from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warehouse.db import insert_for, utcnow
from warehouse.documents.models import DocSequence, Document

DOC_PREFIX = {"receipt": "RN", "issue": "IN", "transfer": "TN", "adjustment": "AJ", "reversal": "RV",
              "intake": "RI"}


def _increment(conn, prefix: str) -> int:
    conn.execute(insert_for(conn)(DocSequence).values(prefix=prefix, last=0).on_conflict_do_nothing())
    return conn.execute(update(DocSequence).where(DocSequence.prefix == prefix)
                        .values(last=DocSequence.last + 1).returning(DocSequence.last)).scalar_one()


def next_number(session: Session, prefix: str, *, width: int = 4) -> str:
    """`PREFIX-0001`, unique under concurrency.

    On PostgreSQL the counter is incremented in its own short transaction, so the counter row is locked for one
    round trip instead of for the whole receipt (every receipt in the building would queue on it); a receipt that
    then rolls back leaves a gap in the numbers. SQLite serialises writers anyway, and a second connection would
    wait on the first's lock, so there the increment joins the caller's transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        with session.get_bind().connect() as conn:
            n = _increment(conn, prefix)
            conn.commit()
    else:
        n = _increment(session.connection(), prefix)
    return f"{prefix}-{n:0{width}d}"


def day_number(session: Session, code: str, on: date | None = None) -> str:
    """Day-sequenced document number such as `RN-20261123-0001`."""
    on = on or utcnow().date()
    return next_number(session, f"{code}-{on:%Y%m%d}")


def open_document(session: Session, *, doc_type: str, actor: str, store: str | None = None,
                  counterparty: str | None = None, reference: str | None = None, note: str | None = None,
                  on: date | None = None) -> Document:
    doc = Document(doc_no=day_number(session, DOC_PREFIX[doc_type], on), doc_type=doc_type, store=store,
                   counterparty=counterparty, reference=reference, note=note, created_by=actor)
    session.add(doc)
    session.flush()
    return doc


def get_document(session: Session, doc_no: str) -> Document | None:
    return session.scalar(select(Document).where(Document.doc_no == doc_no))
