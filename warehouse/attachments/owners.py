"""The records attachments can belong to. A new area adds one line to `OWNERS`: its kind, the permission that
reads its records, the one that writes them, a look-up from a key to the record's one spelling of it (None: no
such record), and the types it takes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.attachments.content import IMAGES, SPREADSHEETS
from warehouse.attachments.errors import UnknownOwner
from warehouse.documents.services import get_document
from warehouse.stocktake.models import Stocktake
from warehouse.warranty.queries import claim_key

# Every owner key is short printable ASCII (document numbers, ids): checked before any query, so hostile text
# (NULs, surrogates, 5,000 digits) never reaches the database.
KEY = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")  # anchored: marshmallow's Regexp only .match()es
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Owner:
    kind: str
    read: str  # permission to list and download
    write: str  # permission to upload and delete
    find: Callable[[Session, str], str | None]  # the canonical key of an existing record, else None
    accepts: frozenset[str]
    # Per-record rule on top of the kind's permissions, for records only some holders of the permission may see:
    # (session, canonical key, username, role, writing) → allowed. None: the permission is enough.
    may: Callable[[Session, str, str | None, str, bool], bool] | None = None

    def allows(self, session: Session, key: str, *, username: str | None, role: str, writing: bool = False) -> bool:
        return self.may is None or self.may(session, key, username, role, writing)


def _receipt(session: Session, key: str) -> str | None:
    doc = get_document(session, key)
    return doc.doc_no if doc is not None and doc.doc_type == "receipt" else None


def _stocktake(session: Session, key: str) -> str | None:
    # The key is the stocktake's id ("12"); its paper number "ST-12" names the same record.
    digits = key.removeprefix("ST-")
    if not digits.isascii() or not digits.isdigit() or not 0 < int(digits) <= INT32_MAX:
        return None
    return str(int(digits)) if session.get(Stocktake, int(digits)) is not None else None


def _order(session: Session, key: str) -> str | None:
    from warehouse.orders.models import Order

    return session.scalar(select(Order.order_no).where(Order.order_no == key.upper()))


def _ticket(session: Session, key: str) -> str | None:
    from warehouse.service.queries import ticket_exists

    return ticket_exists(session, key)


def _ticket_may(session: Session, key: str, username: str | None, role: str, writing: bool) -> bool:
    # a job's photos and signature: the technician holding it and the roles that read customers (writing: the
    # back office that records any job's steps) — not every technician
    from warehouse.service.queries import may_touch_ticket

    return may_touch_ticket(session, key, username=username, role=role, writing=writing)


def _import(session: Session, key: str) -> str | None:
    # an import file is kept with the list it feeds: the sold units or the part–model compatibility list
    return key if key in ("units", "fits") else None


OWNERS: dict[str, Owner] = {o.kind: o for o in (
    # the written order (订单以传真或Q传为准): a photo of the fax or a screenshot of the chat
    Owner("order", read="orders.read", write="orders.write", find=_order, accepts=IMAGES),
    # the delivery note's photo, kept with the receipt note (入库单) it was received on
    Owner("receipt", read="stock.read", write="stock.receive", find=_receipt, accepts=IMAGES),
    # the signed count sheet (a photo or scan), or the counts typed into a spreadsheet
    Owner("stocktake", read="stock.count", write="stock.count", find=_stocktake,
          accepts=IMAGES | SPREADSHEETS),
    # photos of a claim's failed part: the clerk who files it and the technician who assesses it add them
    Owner("claim", read="claims.read", write="claims.photos", find=claim_key, accepts=IMAGES),
    # a field job's photos and the customer's signature drawn on the technician's tablet
    # (only the technician holding the job, the back office and the roles that read customers)
    Owner("ticket", read="tickets.read", write="tickets.work", find=_ticket, accepts=IMAGES, may=_ticket_may),
    # a unit or compatibility import file, read by the import job
    Owner("import", read="warranty.write", write="warranty.write", find=_import, accepts=SPREADSHEETS),
)}


def resolve(session: Session, *, kind: str, key: str) -> tuple[Owner, str]:
    """The owner entry and canonical key of an existing record; `unknown_owner` otherwise."""
    owner = OWNERS.get(kind)
    well_formed = isinstance(key, str) and KEY.fullmatch(key) is not None
    found = owner.find(session, key) if owner is not None and well_formed else None
    if found is None:
        raise UnknownOwner(owner_kind=kind if owner is not None else "?", owner_key=key if well_formed else "?")
    return owner, found
