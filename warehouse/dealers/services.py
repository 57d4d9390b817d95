"""Dealer registry and price lists (session first, keyword-only, never commit). Accounts: dealers/accounts.py."""
from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.catalog.models import Part
from warehouse.catalog.queries import get_part
from warehouse.catalog.services import money
from warehouse.checks import text as _text
from warehouse.dealers.accounts import post_entry  # noqa: F401  (warranty posts its credits through here)
from warehouse.dealers.errors import UnknownPriceList
from warehouse.dealers.models import Dealer, PriceList, PriceListItem
from warehouse.errors import AlreadyExists, DomainError, ValidationError
from warehouse.limits import DEALER_KINDS, MAX_PAYMENT_TERMS_DAYS
from warehouse.locations.services import virtual

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
LIST_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
RETAIL = "RETAIL"
# Registry fields other than code/name/credit limit, with their widths (the columns').
_TEXT_FIELDS = {"region": 64, "contact_name": 64, "contact_phone": 40, "address": 300, "tax_number": 32,
                "invoice_title": 200}


class UnknownDealer(DomainError):
    code = "unknown_dealer"


def counterparty_code(code: str) -> str:
    return f"@D:{code}"


def _details(session: Session, fields: dict) -> dict:
    """Validated optional registry fields (only those given)."""
    out = {k: _text(fields[k], k, n) for k, n in _TEXT_FIELDS.items() if k in fields}
    if "kind" in fields:
        if fields["kind"] not in DEALER_KINDS:
            raise ValidationError(field="kind", reason="one_of", allowed=", ".join(DEALER_KINDS))
        out["kind"] = fields["kind"]
    if "payment_terms_days" in fields:
        days = fields["payment_terms_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
            raise ValidationError(field="payment_terms_days", reason="out_of_range", min=0,
                                  max=MAX_PAYMENT_TERMS_DAYS)
        out["payment_terms_days"] = days
    if fields.get("price_level") is not None:
        out["price_level"] = get_price_list(session, fields["price_level"]).code
    elif "price_level" in fields:
        out["price_level"] = None
    if fields.get("parent") is not None:
        parent = get_dealer(session, fields["parent"])
        if parent.kind != "office":
            raise ValidationError(field="parent", reason="not_an_office", dealer=parent.code)
        out["parent_id"] = parent.id
    if "credit_limit" in fields:
        out["credit_limit"] = money(fields["credit_limit"], "credit_limit")
    return out


def create_dealer(session: Session, *, code: str, name: str, credit_limit="0", **details) -> Dealer:
    code = (code or "").strip().upper() if isinstance(code, str) else ""
    if not CODE.match(code):
        raise ValidationError(field="code", reason="bad_dealer_code")
    name = (name or "").strip()
    if not name:
        raise ValidationError(field="name", reason="required")
    if len(name) > 200:
        raise ValidationError(field="name", reason="too_long", max=200)
    fields = _details(session, {**details, "credit_limit": credit_limit})
    if session.scalar(select(Dealer.id).where(Dealer.code == code)) is not None:
        raise AlreadyExists(code=code)
    dealer = Dealer(code=code, name=name, **fields)
    session.add(dealer)
    virtual(session, counterparty_code(code), kind="dealer", name=name)
    session.flush()
    return dealer


def update_dealer(session: Session, *, code: str, **fields) -> Dealer:
    """Change registry details (not the code, not the block: that is finance's `set_block`)."""
    dealer = get_dealer(session, code)
    if "name" in fields:
        name = _text(fields.pop("name"), "name", 200)
        if not name:
            raise ValidationError(field="name", reason="required")
        dealer.name = name
    for k, v in _details(session, fields).items():
        setattr(dealer, k, v)
    session.flush()
    return dealer


def set_block(session: Session, *, code: str, blocked: bool, reason: str | None = None) -> Dealer:
    """Finance blocks a dealer's account (no new orders) or lifts the block."""
    dealer = get_dealer(session, code)
    dealer.blocked = bool(blocked)
    dealer.blocked_reason = _text(reason, "reason", 200) if blocked else None
    session.flush()
    return dealer


def get_dealer(session: Session, code: str) -> Dealer:
    dealer = session.scalar(select(Dealer).where(Dealer.code == (code or "").strip().upper(), Dealer.active.is_(True))) \
        if isinstance(code, str) else None
    if dealer is None:
        raise UnknownDealer(dealer=code)
    return dealer


# --- price lists -------------------------------------------------------------------------------------------------
def create_price_list(session: Session, *, code: str, name: str, kind: str = "dealer") -> PriceList:
    code = (code or "").strip().upper() if isinstance(code, str) else ""
    if not LIST_CODE.match(code):
        raise ValidationError(field="code", reason="bad_dealer_code")
    if kind not in ("dealer", "retail"):
        raise ValidationError(field="kind", reason="one_of", allowed="dealer, retail")
    name = _text(name, "name", 200)
    if not name:
        raise ValidationError(field="name", reason="required")
    if session.scalar(select(PriceList.id).where(PriceList.code == code)) is not None:
        raise AlreadyExists(code=code)
    pl = PriceList(code=code, name=name, kind=kind)
    session.add(pl)
    session.flush()
    return pl


def get_price_list(session: Session, code: str) -> PriceList:
    pl = session.scalar(select(PriceList).where(PriceList.code == code.strip().upper())) \
        if isinstance(code, str) else None
    if pl is None:
        raise UnknownPriceList(price_list=code)
    return pl


def set_price(session: Session, *, price_list: str, part_number: str, price) -> PriceListItem:
    pl = get_price_list(session, price_list)
    part = get_part(session, part_number)
    amount = money(price, "price")
    item = session.get(PriceListItem, (pl.id, part.id))
    if item is None:
        item = PriceListItem(price_list_id=pl.id, part_id=part.id, price=amount)
        session.add(item)
    else:
        item.price = amount
    session.flush()
    return item


def price_of(session: Session, *, part: Part, level: str | None) -> Decimal:
    """A part's price on a list (a dealer's price level, or RETAIL); without an item, the part's dealer_price."""
    if level:
        price = session.scalar(select(PriceListItem.price).join(PriceList)
                               .where(PriceList.code == level, PriceListItem.part_id == part.id))
        if price is not None:
            return price
    return part.dealer_price


def prices_of(session: Session, *, parts: list[Part], level: str | None) -> dict[int, Decimal]:
    """`price_of` for many parts in one query: {part id: price}."""
    prices = {p.id: p.dealer_price for p in parts}
    if level and parts:
        rows = session.execute(select(PriceListItem.part_id, PriceListItem.price).join(PriceList)
                               .where(PriceList.code == level, PriceListItem.part_id.in_(list(prices))))
        prices.update({pid: price for pid, price in rows})
    return prices


def set_successor(session: Session, *, part_number: str, successor: str | None) -> Part:
    """替代件: the part that replaces this one (None clears it). A part cannot replace itself, directly or not."""
    part = get_part(session, part_number)
    if successor is None:
        part.superseded_by_id = None
    else:
        new = get_part(session, successor)
        seen, cur = {part.id}, new
        while cur is not None:
            if cur.id in seen:
                raise ValidationError(field="successor", reason="succession_loop", part_number=new.part_number)
            seen.add(cur.id)
            cur = session.get(Part, cur.superseded_by_id) if cur.superseded_by_id else None
        part.superseded_by_id = new.id
    session.flush()
    return part
