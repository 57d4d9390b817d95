from __future__ import annotations

from datetime import date

from sqlalchemy import String, bindparam, cast, func, insert, select
from sqlalchemy.orm import Session

from warehouse.db import hot, insert_for, utcnow
from warehouse.documents.models import DocSequence, Document

DOC_PREFIX = {"receipt": "RN", "issue": "IN", "transfer": "TN", "adjustment": "AJ", "reversal": "RV",
              "intake": "RI"}


_seq = DocSequence.__table__
_NEXT: dict[str, object] = {}  # per dialect: the counter's first row or its increment, in one upsert
_INSERT_DOCUMENT = insert(Document.__table__)
_ROW_COLUMNS = {k: Document.__table__.c[k] for k in (  # a document_row's keys but its prefix (it has no number yet)
    "doc_type", "store", "counterparty", "reference", "note", "created_by", "created_at")}
WIDTH = 4  # a number's digits at least: RN-20261123-0001


def _increment(conn, prefix: str) -> int:
    name = conn.dialect.name
    if name not in _NEXT:
        ins = insert_for(conn)(_seq).values(prefix=bindparam("p"), last=1)
        _NEXT[name] = ins.on_conflict_do_update(index_elements=[_seq.c.prefix], set_={"last": _seq.c.last + 1}
                                                ).returning(_seq.c.last)
    return hot(conn, _NEXT[name], {"p": prefix}).scalar_one()


def next_number(session: Session, prefix: str, *, width: int = WIDTH) -> str:
    """`PREFIX-0001`, unique under concurrency.

    On PostgreSQL the counter is incremented by one statement in autocommit (one round trip, no BEGIN/COMMIT), so
    the counter row is locked for that statement instead of for the whole of a document's transaction, which may be
    long (an order shipped, a dealer statement); a document that then rolls back leaves a gap in the numbers. (A
    receipt's note, on the hottest path, is numbered in its move's statement instead: `numbered_insert`.) SQLite
    serialises writers anyway, and a second connection would wait on the first's lock, so there the increment joins
    the caller's transaction.
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
    return next_number(session, day_prefix(code, on))


def day_prefix(code: str, on: date | None = None) -> str:
    """The counter of a day's documents of one kind: `RN-20261123`."""
    return f"{code}-{on or utcnow().date():%Y%m%d}"


def open_document(session: Session, *, doc_type: str, actor: str, store: str | None = None,
                  counterparty: str | None = None, reference: str | None = None, note: str | None = None,
                  on: date | None = None) -> Document:
    doc = Document(doc_no=day_number(session, DOC_PREFIX[doc_type], on), doc_type=doc_type, store=store,
                   counterparty=counterparty, reference=reference, note=note, created_by=actor)
    session.add(doc)
    session.flush()
    return doc


def document_row(*, doc_type: str, actor: str, store: str | None = None, reference: str | None = None) -> dict:
    """A new document for the ledger's hot path (a receipt scan), not yet numbered nor written: its counter's
    `prefix` and its columns, for `insert_document`, or for a receipt on PostgreSQL to be numbered and inserted in
    its move's one statement (`numbered_insert`)."""
    now = utcnow()
    return {"prefix": day_prefix(DOC_PREFIX[doc_type], now.date()), "doc_type": doc_type, "store": store,
            "counterparty": None, "reference": reference, "note": None, "created_by": actor, "created_at": now}


def numbered_insert(bind: str, upsert):
    """A `document_row` numbered and inserted inside a larger statement (PostgreSQL), each of its keys bound as
    `bind` + the key: the day counter's upsert, a CTE named "seq" whose one column `doc_no` is the new number, and
    the document INSERT that reads it. The counter row then stays locked until the caller's transaction ends — for
    a receipt, its record and COMMIT, two round trips — and a receipt rolled back gives its number back."""
    prefix = bindparam(bind + "prefix", type_=_seq.c.prefix.type)
    last = cast(_seq.c.last, String)  # `{n:04d}`: at least WIDTH digits, more when the day needs them
    number = prefix + "-" + func.lpad(last, func.greatest(WIDTH, func.length(last)), "0")
    seq = upsert(_seq).values(prefix=prefix, last=1).on_conflict_do_update(
        index_elements=[_seq.c.prefix], set_={"last": _seq.c.last + 1}).returning(number.label("doc_no")).cte("seq")
    row = select(seq.c.doc_no, *(bindparam(bind + k, type_=c.type) for k, c in _ROW_COLUMNS.items()))
    return seq, insert(Document.__table__).from_select(["doc_no", *_ROW_COLUMNS], row)


def insert_document(session: Session, row: dict) -> str:
    """A `document_row` numbered (`next_number`) and written: one Core INSERT, no ORM object; its number."""
    doc_no = next_number(session, row["prefix"])
    hot(session.connection(), _INSERT_DOCUMENT, {"doc_no": doc_no, **{k: row[k] for k in _ROW_COLUMNS}})
    return doc_no


def get_document(session: Session, doc_no: str) -> Document | None:
    return session.scalar(select(Document).where(Document.doc_no == doc_no))
