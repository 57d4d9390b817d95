"""GS1 element strings: the Application Identifiers printed on supplier cartons and in GS1-128/DataMatrix/QR codes.

`parse()` accepts the three forms a scanner or a person hands us:
- raw, as a decoder or a wedge scanner transmits it: `01095011015300031726123110LOT7\x1d21S1`, where ASCII GS
  (0x1d) stands for FNC1 after a variable-length field, optionally led by an AIM symbology identifier
  (`]C1` GS1-128, `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar, `]J1` GS1 DotCode) or by a GS;
- the parenthesised human-readable form printed under the bars: `(01)09501101530003(17)261231(10)LOT7`.

Pure Python: no imaging, no I/O.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

GS = "\x1d"
GS1_SYMBOLOGY_IDS = ("]C1", "]d2", "]Q3", "]e0", "]J1")


class GS1Error(ValueError):
    """The text is not a well-formed GS1 element string; the message says what is wrong and where."""


@dataclass(frozen=True)
class _AI:
    title: str
    numeric: bool
    length: int  # exact length when fixed, else the maximum
    fixed: bool
    check_digit: bool = False
    date: bool = False


def _n(title, length, **kw):
    return _AI(title, True, length, True, **kw)


def _nv(title, maximum):
    return _AI(title, True, maximum, False)


def _an(title, maximum):
    return _AI(title, False, maximum, False)


# The AIs a spare-parts warehouse meets on supplier labels (GS1 General Specifications §3).
_TABLE: dict[str, _AI] = {
    "00": _n("SSCC", 18, check_digit=True),
    "01": _n("GTIN", 14, check_digit=True),
    "02": _n("CONTENT", 14, check_digit=True),
    "10": _an("BATCH/LOT", 20),
    "11": _n("PROD DATE", 6, date=True),
    "12": _n("DUE DATE", 6, date=True),
    "13": _n("PACK DATE", 6, date=True),
    "15": _n("BEST BEFORE", 6, date=True),
    "16": _n("SELL BY", 6, date=True),
    "17": _n("USE BY", 6, date=True),
    "20": _n("VARIANT", 2),
    "21": _an("SERIAL", 20),
    "22": _an("CPV", 20),
    "235": _an("TPX", 28),
    "240": _an("ADDITIONAL ID", 30),
    "241": _an("CUST. PART No.", 30),
    "242": _nv("MTO VARIANT", 6),
    "243": _an("PCN", 20),
    "250": _an("SECONDARY SERIAL", 30),
    "251": _an("REF. TO SOURCE", 30),
    "253": _an("GDTI", 30),
    "254": _an("GLN EXTENSION COMPONENT", 20),
    "30": _nv("VAR. COUNT", 8),
    "37": _nv("COUNT", 8),
    "400": _an("ORDER NUMBER", 30),
    "401": _an("GINC", 30),
    "402": _n("GSIN", 17, check_digit=True),
    "403": _an("ROUTE", 30),
    "410": _n("SHIP TO LOC", 13, check_digit=True),
    "411": _n("BILL TO", 13, check_digit=True),
    "412": _n("PURCHASE FROM", 13, check_digit=True),
    "413": _n("SHIP FOR LOC", 13, check_digit=True),
    "414": _n("LOC No.", 13, check_digit=True),
    "415": _n("PAY TO", 13, check_digit=True),
    "416": _n("PROD/SERV LOC", 13, check_digit=True),
    "420": _an("SHIP TO POST", 20),
    "422": _n("ORIGIN", 3),
    "7003": _n("EXPIRY TIME", 10),
    "8003": _an("GRAI", 30),
    "8004": _an("GIAI", 30),
    "8020": _an("REF No.", 25),
    "90": _an("INTERNAL", 30),
    **{str(ai): _an("INTERNAL", 90) for ai in range(91, 100)},
    # Trade measures 310n–369n: six digits, n = implied decimal places.
    **{f"{base}{d}": _n("MEASURE", 6) for base in range(310, 370) for d in range(10)},
}

# AIs whose first two digits are in this set have a predefined length, so no FNC1 follows them (GS1 GenSpecs 7.8.5).
_PREDEFINED_PREFIXES = {"00", "01", "02", "03", "04", *(str(p) for p in range(11, 21)),
                        *(str(p) for p in range(31, 37)), "41"}

# GS1 AI encodable character set 82 (GenSpecs 7.11, Figure 7.11-1).
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*")
_HRI_AI = re.compile(r"\((\d{2,4})\)")


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


def _lookup(ai_digits: str) -> tuple[str, _AI] | None:
    for size in (2, 3, 4):
        ai = ai_digits[:size]
        if ai in _TABLE:
            return ai, _TABLE[ai]
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


def _validate(ai: str, spec: _AI, value: str) -> None:
    if not value:
        raise GS1Error(f"AI ({ai}) {spec.title} has no data")
    if spec.fixed and len(value) != spec.length:
        raise GS1Error(f"AI ({ai}) {spec.title} needs {spec.length} digits, got {len(value)}: {value!r}")
    if len(value) > spec.length:
        raise GS1Error(f"AI ({ai}) {spec.title} allows at most {spec.length} characters, got {len(value)}")
    if spec.numeric and not (value.isascii() and value.isdigit()):
        raise GS1Error(f"AI ({ai}) {spec.title} must be digits, got {value!r}")
    if not _CSET82.fullmatch(value):
        raise GS1Error(f"AI ({ai}) {spec.title} has a character outside the GS1 character set: {value!r}")
    if spec.check_digit and check_digit(value[:-1]) != int(value[-1]):
        raise GS1Error(f"AI ({ai}) {spec.title} {value} has a wrong check digit "
                       f"(expected {check_digit(value[:-1])})")


@dataclass(frozen=True)
class GS1Message:
    """A parsed element string. `elements` keeps the AIs in the order they were encoded."""
    elements: dict[str, str]
    expiry: _dt.date | None

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
            if i < len(items) - 1 and ai[:2] not in _PREDEFINED_PREFIXES:
                out.append(GS)
        return "".join(out)


def _split_raw(data: str) -> list[tuple[str, str]]:
    pairs, pos = [], 0
    while pos < len(data):
        if data[pos] == GS:
            pos += 1
            continue
        found = _lookup(data[pos:pos + 4])
        if found is None:
            raise GS1Error(f"unknown or ill-formed AI at position {pos}: {data[pos:pos + 4]!r}")
        ai, spec = found
        pos += len(ai)
        if spec.fixed:
            value = data[pos:pos + spec.length]
            pos += len(value)
        else:
            end = data.find(GS, pos)
            end = len(data) if end < 0 else end
            value = data[pos:end]
            pos = end
        pairs.append((ai, value))
    return pairs


def _split_hri(text: str) -> list[tuple[str, str]]:
    matches = list(_HRI_AI.finditer(text))
    if not matches or matches[0].start() != 0:
        raise GS1Error("the parenthesised form must start with an AI in parentheses, e.g. (01)")
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        ai = m.group(1)
        if ai not in _TABLE:
            raise GS1Error(f"unknown AI ({ai})")
        pairs.append((ai, text[m.end():end]))
    return pairs


def parse(text: str, *, today: _dt.date | None = None) -> GS1Message:
    """Parse a GS1 element string in raw, symbology-identified or parenthesised form. Raises GS1Error.

    `today` anchors the century of two-digit years (GS1 sliding window); it defaults to the current date.
    """
    if not isinstance(text, str):
        raise GS1Error("GS1 data must be text")
    data = text.strip(" \r\n\t")
    for prefix in GS1_SYMBOLOGY_IDS:
        if data.startswith(prefix):
            data = data[len(prefix):]
            break
    else:
        if data.startswith("]"):
            raise GS1Error(f"symbology identifier {data[:3]!r} does not mark GS1 data")
    data = data.lstrip(GS)
    if not data:
        raise GS1Error("empty GS1 element string")
    pairs = _split_hri(data) if data.startswith("(") else _split_raw(data)
    today = today or _dt.date.today()
    elements: dict[str, str] = {}
    expiry = None
    for ai, value in pairs:
        spec = _TABLE[ai]
        _validate(ai, spec, value)
        if ai in elements and elements[ai] != value:
            raise GS1Error(f"AI ({ai}) appears twice with different values")
        elements[ai] = value
        if spec.date:
            day = _gs1_date(ai, value, today)
            if ai == "17":
                expiry = day
    return GS1Message(elements=elements, expiry=expiry)
