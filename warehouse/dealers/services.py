"""Dealer registry use cases (session first, keyword-only, never commit)."""
from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.catalog.services import money
from warehouse.dealers.models import AccountEntry, Dealer
from warehouse.errors import AlreadyExists, DomainError, ValidationError
from warehouse.locations.services import virtual

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


class UnknownDealer(DomainError):
    code = "unknown_dealer"


def counterparty_code(code: str) -> str:
    return f"@D:{code}"


def create_dealer(session: Session, *, code: str, name: str, credit_limit="0", region: str | None = None) -> Dealer:
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise ValidationError(field="code", reason="bad_dealer_code")
    name = (name or "").strip()
    if not name:
        raise ValidationError(field="name", reason="required")
    if len(name) > 200:
        raise ValidationError(field="name", reason="too_long", max=200)
    if session.scalar(select(Dealer.id).where(Dealer.code == code)) is not None:
        raise AlreadyExists(code=code)
    dealer = Dealer(code=code, name=name, credit_limit=money(credit_limit, "credit_limit"), region=region)
    session.add(dealer)
    virtual(session, counterparty_code(code), kind="dealer", name=name)
    session.flush()
    return dealer


def get_dealer(session: Session, code: str) -> Dealer:
    dealer = session.scalar(select(Dealer).where(Dealer.code == (code or "").strip().upper(), Dealer.active.is_(True))) \
        if isinstance(code, str) else None
    if dealer is None:
        raise UnknownDealer(dealer=code)
    return dealer


def post_entry(session: Session, *, dealer: Dealer, kind: str, source: str, amount: Decimal, actor: str,
               note: str | None = None) -> AccountEntry:
    entry = AccountEntry(dealer_id=dealer.id, kind=kind, source=source, amount=amount, note=note, created_by=actor)
    session.add(entry)
    session.flush()
    return entry
