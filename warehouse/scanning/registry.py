"""The resolver registry: syntax kind (from `scanners.codes.classify`) → the function that looks the code up."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from scanners.codes import Classified, classify
from warehouse.errors import UnknownCode, ValidationError
from warehouse.ledger.services import LocRef, PartRef
from warehouse.limits import SCAN_CODE_LEN as MAX_CODE


@dataclass(frozen=True)
class Found:
    """What a code identifies. `data` is the answer callers see (always with "kind"); `part` is the ledger's
    reference to an active part, so that posting the scan's move does not look the part up again; `bins`: the bins
    a stock-mode scan names, read with the part (None where there is none: the ledger looks it up and says why)."""
    data: dict
    part: PartRef | None = None
    bins: tuple[LocRef | None, ...] = ()


Resolver = Callable[[Session, Classified], "Found | None"]

_BY_KIND: dict[str, Resolver] = {}
_TEXT: list[tuple[int, Resolver]] = []  # (order, resolver): plain text is tried in this order


def resolver(kind: str, *, order: int | None = None) -> Callable[[Resolver], Resolver]:
    """Register a resolver for one syntax kind; for "text", `order` places it among the fallbacks (lower first)."""
    def register(fn: Resolver) -> Resolver:
        if kind == "text":
            if order is None:
                raise TypeError("a text resolver needs an order")
            _TEXT.append((order, fn))
            _TEXT.sort(key=lambda entry: entry[0])
        elif kind in _BY_KIND:
            raise ValueError(f"{kind!r} already resolves through {_BY_KIND[kind].__qualname__}")
        else:
            _BY_KIND[kind] = fn
        return fn
    return register


def unregister(fn: Resolver) -> None:
    """Remove a resolver wherever it is registered (tests, and an area switched off)."""
    for kind in [k for k, f in _BY_KIND.items() if f is fn]:
        del _BY_KIND[kind]
    _TEXT[:] = [entry for entry in _TEXT if entry[1] is not fn]


def classified(code: str) -> Classified:
    """A raw scanned string's syntax. Raises ValidationError for an unreadable code."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationError(field="code", reason="empty")
    if len(code) > MAX_CODE:
        raise ValidationError(field="code", reason="too_long", max=MAX_CODE)
    c = classify(code)
    if c.kind == "invalid":
        raise ValidationError(field="code", reason="unreadable", detail=c.fields.get("reason"))
    return c


def lookup(session: Session, code: str | Classified, *, tried: Resolver | None = None) -> Found:
    """What a raw scanned string (or one already `classified`) identifies. Raises ValidationError for an unreadable
    code, UnknownCode for a readable one that nothing here carries. `tried`: a resolver the caller already ran on
    this code, not run again."""
    c = code if isinstance(code, Classified) else classified(code)
    if c.kind == "text":
        candidates = [fn for _, fn in _TEXT if fn is not tried]
    else:  # a code of a known syntax is only what that syntax says (a claim number is never a part number)
        candidates = [_BY_KIND[c.kind]] if c.kind in _BY_KIND else []
    for fn in candidates:
        if (found := fn(session, c)) is not None:
            return found
    raise UnknownCode(code=c.value)


def resolve(session: Session, code: str) -> dict:
    """The public answer for a scanned code: `{"kind": "part"|"location"|"mode"|"card"|"receipt"|…, …}`."""
    return lookup(session, code).data
