"""The models whose changes are audited, with the columns left out or masked. One call per model, in audited.py."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Audited:
    entity: str  # the name entries carry (the table name)
    key: str  # the attribute that identifies a row to a person (part_number, code, username), else the id
    exclude: frozenset[str] = field(default_factory=frozenset)  # columns never recorded (bulky or derived)
    secret: frozenset[str] = field(default_factory=frozenset)  # recorded as "(changed)", never their value


AUDITED: dict[type, Audited] = {}


def register(model: type, *, key: str = "id", exclude: tuple[str, ...] = (), secret: tuple[str, ...] = ()) -> None:
    AUDITED[model] = Audited(model.__tablename__, key, frozenset(exclude), frozenset(secret))


def spec_for(obj) -> Audited | None:
    return AUDITED.get(type(obj))
