from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from warehouse.db import hot, insert_for, utcnow
from warehouse.documents.models import DocSequence, Document

DOC_PREFIX = {"receipt": "RN", "issue": "IN", "transfer": "TN", "adjustment": "AJ", "reversal": "RV",
              "intake": "RI"}


_seq = DocSequence.__table__
_NEXT: dict[str, object] = {}  # per dialect: the counter's first row or its increment, in one upsert
_INSERT_DOCUMENT = insert(Document.__table__)
_ROW_COLUMNS = {k: Document.__table__.c[k] for k in (  # the keys of a document_row
    "doc_no", "doc_type", "store", "counterparty", "reference", "note", "created_by", "created_at")}


def _increment(conn, prefix: str) -> int:
    name = conn.dialect.name
    if name not in _NEXT:
        ins = insert_for(conn)(_seq).values(prefix=bindparam("p"), last=1)
        _NEXT[name] = ins.on_conflict_do_update(index_elements=[_seq.c.prefix], set_={"last": _seq.c.last + 1}
                                                ).returning(_seq.c.last)
    return hot(conn, _NEXT[name], {"p": prefix}).scalar_one()


def next_number(session: Session, prefix: str, *, width: int = 4) -> str:
    """`PREFIX-0001`, unique under concurrency.

    On PostgreSQL the counter is incremented by one statement in autocommit (one round trip, no BEGIN/COMMIT), so
    the counter row is locked for that statement instead of for the whole receipt (every receipt in the building
    would queue on it); a receipt that then rolls back leaves a gap in the numbers. SQLite serialises writers
    anyway, and a second connection would wait on the first's lock, so there the increment joins the caller's
    transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        side = getattr(session, "autocommit_connection", None)  # a LeanSession's (the stock path's), kept with it
        if side is not None:
            n = _increment(side(), prefix)
        else:
            with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                n = _increment(conn, prefix)
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


def document_row(session: Session, *, doc_type: str, actor: str, store: str | None = None,
                 reference: str | None = None) -> dict:
    """A new document for the ledger's hot path (a receipt scan), numbered but not yet written: its row, for
    `insert_document`, or for a receipt on PostgreSQL to insert in its move's one statement (`document_insert`)."""
    return {"doc_no": day_number(session, DOC_PREFIX[doc_type]), "doc_type": doc_type, "store": store,
            "counterparty": None, "reference": reference, "note": None, "created_by": actor,
            "created_at": utcnow()}


def document_insert(prefix: str):
    """The INSERT of a `document_row` inside a larger statement, each column bound as `prefix` + its name."""
    return insert(Document.__table__).values({k: bindparam(prefix + k, type_=c.type) for k, c in
                                              _ROW_COLUMNS.items()})


def insert_document(conn, row: dict) -> str:
    """A `document_row` written: one Core INSERT, no ORM object; its number."""
    hot(conn, _INSERT_DOCUMENT, row)
    return row["doc_no"]


def get_document(session: Session, doc_no: str) -> Document | None:
    return session.scalar(select(Document).where(Document.doc_no == doc_no))
