"""GS1 element strings: the Application Identifiers printed on supplier cartons and in GS1-128/DataMatrix/QR codes.

`parse()` accepts the three forms a scanner or a person hands us:
- raw, as a decoder or a wedge scanner transmits it: `01095011015300031726123110LOT7\x1d21S1`, where ASCII GS
  (0x1d) stands for FNC1 after a variable-length field, optionally led by an AIM symbology identifier
  (`]C1` GS1-128, `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar, `]J1` GS1 DotCode) or by a GS;
- the parenthesised human-readable form printed under the bars: `(01)09501101530003(17)261231(10)LOT7`.

The standard itself — every AI, its format and character set, check digits of GTIN, SSCC and GLN, dates and
decimal values — comes from biip (`biip.gs1_element_strings`), which follows the GS1 syntax dictionary. This layer
keeps the project's API: it splits the string so that a variable-length field must end at a GS or the end (biip
would read on into the next AI), checks the check digits biip leaves alone (GSIN, GDTI, GCN, GRAI, ITIP, GSRN and
the GMN's check character pair), anchors two-digit years on `today`, and turns every failure into a `GS1Error`
that names the AI and what is wrong. Pure Python: no imaging, no I/O.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString
from biip.symbology import GS1Symbology

GS = "\x1d"
GS1_SYMBOLOGY_IDS = tuple(sorted(f"]{s.value}" for s in GS1Symbology.with_gs1_messages()))


class GS1Error(ValueError):
    """The text is not a well-formed GS1 element string; the message says what is wrong and where."""


# Mod-10 check digits biip does not verify: AI -> how many leading digits end in one (GS1 syntax dictionary "csum").
_MOD10 = {"402": 17, "253": 13, "255": 13, "8003": 14, "8006": 14, "8017": 18, "8018": 18, "8026": 14}
_CSUMALPHA = {"8013"}  # a check character pair over the rest (GMN, GenSpecs 7.9.5)
_CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89)
_HRI_AI = re.compile(r"\((\d{2,4})\)")
_COMPONENT = re.compile(r"(\[\+?)?([NXYZ])(\.\.)?(\d+)")  # one field of an AI's format, e.g. N14, X..20, [+N4]
_MONTH = r"(?:0\d|1[0-2])"  # how the syntax dictionary's patterns spell a date's month


def check_digit(body: str) -> int:
    """GS1 mod-10 check digit of the digits that precede it (GTIN, SSCC, GLN, ITF-14)."""
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_check_digit_ok(digits: str) -> bool:
    """True when `digits` is a GTIN-8, -12, -13 or -14 whose last digit is its correct check digit."""
    if not isinstance(digits, str) or len(digits) not in (8, 12, 13, 14) or not digits.isascii() \
            or not digits.isdigit():
        return False
    return check_digit(digits[:-1]) == int(digits[-1])


def check_pair(body: str) -> str:
    """The two check characters that end a GMN (AI 8013) after `body`: prime-weighted sum of the character-set-82
    values mod 1021, written in character set 32."""
    total = sum(_CSET82.index(c) * _PRIMES[len(body) - 1 - i] for i, c in enumerate(body)) % 1021
    return _CSET32[total >> 5] + _CSET32[total & 31]


def _ai(text: str) -> GS1ApplicationIdentifier | None:
    try:
        return GS1ApplicationIdentifier.extract(text)
    except ParseError:
        return None


def _gs1_date(ai: str, value: str, today: _dt.date) -> _dt.date:
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:6])
    # Century by GS1's sliding window (GenSpecs 7.12): up to 49 years ahead, otherwise the past.
    this = today.year % 100
    century = today.year - this
    diff = yy - this
    if diff >= 51:
        century -= 100
    elif diff <= -50:
        century += 100
    year = century + yy
    if not 1 <= mm <= 12:
        raise GS1Error(f"AI ({ai}) date {value} has month {mm:02d}")
    last = calendar.monthrange(year, mm)[1]
    if dd == 0:  # GS1: day 00 means the last day of the month
        return _dt.date(year, mm, last)
    if dd > last:
        raise GS1Error(f"AI ({ai}) date {value}: day {dd:02d} does not exist in {year}-{mm:02d}")
    return _dt.date(year, mm, dd)


def _why(ai: GS1ApplicationIdentifier, value: str, error: ParseError, today: _dt.date) -> str:
    """What is wrong with a value biip refused, in words, from the AI's format (e.g. N2+N14, N2+X..20)."""
    name = f"AI ({ai.ai}) {ai.data_title}"
    fields = _COMPONENT.findall(ai.format.split("+", 1)[1])
    numeric = all(kind == "N" for _, kind, _, _ in fields) and "[-]" not in ai.format
    maximum = sum(int(n) for *_, n in fields)
    fixed = not any(optional or dots for optional, _, dots, _ in fields)
    if not value:
        return f"{name} has no data"
    if numeric and not (value.isascii() and value.isdigit()):
        return f"{name} must be digits, got {value!r}"
    if fixed and len(value) != maximum:
        return f"{name} needs {maximum} digits, got {len(value)}: {value!r}"
    if len(value) > maximum:
        return f"{name} allows at most {maximum} characters, got {len(value)}"
    if all(kind in "NX" for _, kind, _, _ in fields) and any(c not in _CSET82 for c in value):
        return f"{name} has a character outside the GS1 character set: {value!r}"
    if (_MONTH in ai.pattern or "date" in str(error)) and value[:6].isdigit() and len(value) >= 6:
        _gs1_date(ai.ai, value[:6], today)  # raises with the month or day that cannot be
    return f"{name} {value!r} does not match its format {ai.format}"


def _element(ai: GS1ApplicationIdentifier, value: str, today: _dt.date) -> GS1ElementString:
    """The element string as biip reads it, with every check digit verified."""
    name = f"AI ({ai.ai}) {ai.data_title}"
    try:
        element = GS1ElementString.parse(ai.ai + value)
    except ParseError as exc:
        raise GS1Error(_why(ai, value, exc, today)) from None
    error = element.gtin_error or element.sscc_error or element.gln_error
    if error:
        what = "has a wrong check digit" if "check digit" in error else "is not valid"
        raise GS1Error(f"{name} {value} {what}: {error}")
    digits = _MOD10.get(ai.ai)
    if digits and check_digit(value[:digits - 1]) != int(value[digits - 1]):
        raise GS1Error(f"{name} {value} has a wrong check digit (expected {check_digit(value[:digits - 1])} at "
                       f"position {digits})")
    if ai.ai in _CSUMALPHA and (len(value) < 3 or check_pair(value[:-2]) != value[-2:]):
        expected = check_pair(value[:-2]) if len(value) >= 3 else "two characters after at least one"
        raise GS1Error(f"{name} {value} has a wrong check character pair (expected {expected})")
    return element


@dataclass(frozen=True)
class GS1Message:
    """A parsed element string. `elements` keeps the AIs in the order they were encoded; `dates` holds every date
    AI as a `date` (century by the sliding window), `decimals` every measure and amount AI (310n–369n, 390n–394n)
    as a `Decimal` with its implied decimal places."""
    elements: dict[str, str]
    expiry: _dt.date | None
    dates: dict[str, _dt.date] = field(default_factory=dict)
    decimals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def gtin(self) -> str | None:
        return self.elements.get("01") or self.elements.get("02")

    @property
    def lot(self) -> str | None:
        return self.elements.get("10")

    @property
    def serial(self) -> str | None:
        return self.elements.get("21")

    @property
    def quantity(self) -> int | None:
        count = self.elements.get("37") or self.elements.get("30")
        return int(count) if count is not None else None

    @property
    def sscc(self) -> str | None:
        return self.elements.get("00")

    def hri(self) -> str:
        """The parenthesised human-readable form, e.g. `(01)09501101530003(10)LOT7`."""
        return "".join(f"({ai}){value}" for ai, value in self.elements.items())

    def element_string(self) -> str:
        """The raw form with GS after every variable-length field that is not last."""
        out, items = [], list(self.elements.items())
        for i, (ai, value) in enumerate(items):
            out.append(ai + value)
            if i < len(items) - 1 and GS1ApplicationIdentifier.extract(ai).separator_required:
                out.append(GS)
        return "".join(out)


def _split_raw(data: str) -> list[tuple[GS1ApplicationIdentifier, str]]:
    pairs, pos = [], 0
    while pos < len(data):
        if data[pos] == GS:
            pos += 1
            continue
        ai = _ai(data[pos:pos + 4])
        if ai is None:
            raise GS1Error(f"unknown or ill-formed AI at position {pos}: {data[pos:pos + 4]!r}")
        pos += len(ai.ai)
        if ai.separator_required:  # runs to the next FNC1 or the end, never into the next AI
            end = data.find(GS, pos)
            end = len(data) if end < 0 else end
        else:  # a predefined length: N2+N14, N4+N6, ...
            end = pos + int(ai.format.split("+")[1][1:])
        pairs.append((ai, data[pos:end]))
        pos = end
    return pairs


def _split_hri(text: str) -> list[tuple[GS1ApplicationIdentifier, str]]:
    matches = list(_HRI_AI.finditer(text))
    if not matches or matches[0].start() != 0:
        raise GS1Error("the parenthesised form must start with an AI in parentheses, e.g. (01)")
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        ai = _ai(m.group(1))
        if ai is None or ai.ai != m.group(1):
            raise GS1Error(f"unknown AI ({m.group(1)})")
        pairs.append((ai, text[m.end():end]))
    return pairs


def parse(text: str, *, today: _dt.date | None = None) -> GS1Message:
    """Parse a GS1 element string in raw, symbology-identified or parenthesised form. Raises GS1Error.

    `today` anchors the century of two-digit years (GS1 sliding window); it defaults to the current date.
    """
    if not isinstance(text, str):
        raise GS1Error("GS1 data must be text")
    data = text.strip(" \r\n\t")
    if data.startswith(GS1_SYMBOLOGY_IDS):
        data = data[3:]
    elif data.startswith("]"):
        raise GS1Error(f"symbology identifier {data[:3]!r} does not mark GS1 data")
    data = data.lstrip(GS)
    if not data:
        raise GS1Error("empty GS1 element string")
    pairs = _split_hri(data) if data.startswith("(") else _split_raw(data)
    today = today or _dt.date.today()
    elements: dict[str, str] = {}
    dates: dict[str, _dt.date] = {}
    decimals: dict[str, Decimal] = {}
    for ai, value in pairs:
        element = _element(ai, value, today)
        if ai.ai in elements and elements[ai.ai] != value:
            raise GS1Error(f"AI ({ai.ai}) appears twice with different values")
        elements[ai.ai] = value
        if element.date is not None:
            dates[ai.ai] = _gs1_date(ai.ai, value[:6], today)
        if element.decimal is not None:  # biip reads "(3922)1" as 0.1: take its digits, place the point here
            decimals[ai.ai] = Decimal(element.pattern_groups[-1]).scaleb(-int(ai.ai[3]))
    return GS1Message(elements=elements, expiry=dates.get("17"), dates=dates, decimals=decimals)
