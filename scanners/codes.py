"""What a scanned string is, by syntax alone: our bin, bin-card, mode, claim, order, ticket and receipt codes,
GS1 element strings, bare GTINs, or free text. No database: the warehouse resolves the result.

Every format we print is defined once, in PATTERNS. A code of our syntax whose date or month cannot exist is
kind "invalid" with a reason, like a GS1 string with a bad check digit. Matching ignores letter case (a wedge scanner typed with
Caps Lock on still resolves) and values come back upper-cased; free text is returned as scanned.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from scanners import gs1

_BIN = r"[NR]-[A-Z][0-9]{2}-[0-9]{2}"

PATTERNS: dict[str, re.Pattern] = {
    "bin": re.compile(rf"^{_BIN}$"),
    "card": re.compile(rf"^BC:(?P<location>{_BIN}):(?P<part_number>[^:\s][^:]*)$"),
    "mode": re.compile(r"^MODE:(?P<mode>RECEIVE|ISSUE|TRANSFER|COUNT|PICK|INTAKE)$"),
    # warranty claim numbers as printed on the returned-part tag (day-numbered, 4 digits, more on a busy day)
    "claim": re.compile(r"^CL-(?P<date>[0-9]{8})-(?P<seq>[0-9]{4,6})$"),
    "order": re.compile(r"^SO-(?P<date>[0-9]{8})-(?P<seq>[0-9]{4})$"),
    "ticket": re.compile(r"^TK-(?P<date>[0-9]{8})-(?P<seq>[0-9]{4})$"),
    "receipt": re.compile(r"^RN-(?P<date>[0-9]{8})-(?P<seq>[0-9]{4})$"),
    "van": re.compile(r"^V-(?P<technician>[A-Z0-9][A-Z0-9_.-]{1,37})$"),  # a technician's van, counted like a bin
}
STORES = {"N": "NEW", "R": "RETURNED"}

# An AIM symbology identifier (ISO/IEC 15424) that a scanner may prepend: "]" + code letter + modifier.
_AIM = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_GS1_HRI = re.compile(r"^\(\d{2,4}\)")
_TERMINATORS = " \t\r\n"


@dataclass(frozen=True)
class Classified:
    kind: str  # bin, card, mode, claim, order, ticket, receipt, van, gs1, gtin, text, invalid
    value: str
    fields: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "fields": dict(self.fields)}


def _dated(kind: str, m: re.Match, value: str) -> Classified:
    raw = m.group("date")
    try:
        day = _dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return Classified("invalid", value, {"reason": f"{kind} code {value} has no valid date {raw}"})
    return Classified(kind, value, {"date": day.isoformat(), "seq": int(m.group("seq"))})


def _gs1(text: str) -> Classified:
    try:
        msg = gs1.parse(text)
    except gs1.GS1Error as exc:
        return Classified("invalid", text, {"reason": str(exc)})
    fields = {"gtin": msg.gtin, "lot": msg.lot, "serial": msg.serial,
              "expiry": msg.expiry.isoformat() if msg.expiry else None, "quantity": msg.quantity,
              "elements": dict(msg.elements)}
    return Classified("gs1", msg.hri(), fields)


def _looks_gs1(text: str) -> bool:
    return text.startswith(gs1.GS1_SYMBOLOGY_IDS) or gs1.GS in text or bool(_GS1_HRI.match(text))


def classify(text: str) -> Classified:
    """Classify one scan. Never raises for any string; a malformed GS1 string is kind "invalid"."""
    text = str(text).strip(_TERMINATORS)
    if _looks_gs1(text):
        return _gs1(text)
    text = _AIM.sub("", text, count=1).strip(_TERMINATORS)
    upper = text.upper()
    for kind, pattern in PATTERNS.items():
        m = pattern.match(upper)
        if not m:
            continue
        if kind == "bin":
            return Classified(kind, upper, {"store": STORES[upper[0]]})
        if kind == "card":
            location = m.group("location")
            return Classified(kind, upper, {"location": location, "part_number": m.group("part_number"),
                                            "store": STORES[location[0]]})
        if kind == "van":
            return Classified(kind, upper, {"store": "NEW"})
        if kind == "mode":
            return Classified(kind, m.group("mode").lower())
        return _dated(kind, m, upper)
    if len(text) in (8, 12, 13, 14) and gs1.gtin_check_digit_ok(text):
        return Classified("gtin", text.zfill(14), {"digits": text})
    return Classified("text", text)
