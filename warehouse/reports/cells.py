"""Cell values: the kinds a column may have, how a value of each kind is normalised, printed and typed in XLSX, and
the one neutraliser for text that a spreadsheet would run as a formula.

Money is rounded to the cent, half up (the accounting rule), once, when a value enters the report: the CSV, the XLSX
and the PDF then carry the same cents, and a total is the sum of the printed cents, so a column adds up on paper.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KINDS = ("text", "qty", "money", "percent", "date")
NUMERIC_KINDS = ("qty", "money", "percent")
CENT = Decimal("0.01")
PERCENT_PLACES = Decimal("0.0001")  # a fraction to 4 places is a percentage to 2: 0.1234 → 12.34 %

# Number formats in XLSX: thousands separators, negatives in red with their minus sign kept (so a black-and-white
# printout still shows them), percentages stored as fractions.
XLSX_FORMATS = {
    "qty": "#,##0;[Red]-#,##0",
    "money": "#,##0.00;[Red]-#,##0.00",
    "percent": "0.00%;[Red]-0.00%",
    "date": "yyyy-mm-dd",
}
XLSX_DATETIME = "yyyy-mm-dd hh:mm"

# A spreadsheet treats a cell that starts with one of these as a formula (or, in old Excel, a DDE command):
# "=HYPERLINK(…)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(…)"; a leading tab or CR hides the rest from view.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRAL_PREFIX = "'"  # what Excel itself shows for text typed with a leading apostrophe


def neutralise(value):
    """The value as a spreadsheet cell may safely hold it: text that starts like a formula gets a leading apostrophe
    and stays visibly the same text; every other value — numbers (a negative one included), dates, None — is
    returned unchanged. The one place CSV and XLSX writers make text inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return NEUTRAL_PREFIX + value
    return value


def _decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the float as written, not its binary expansion
    if isinstance(value, str):
        try:
            d = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def coerce(kind: str, value):
    """The value a column of `kind` holds: money a Decimal in cents, qty an int, percent a Decimal fraction.
    A numeric string (the API's decimal strings) becomes its number; anything that is not a number of that kind
    is kept as it is and written as text (neutralised), never silently turned into 0."""
    if value is None or kind == "text":
        return value
    if kind == "date":
        return value
    d = _decimal(value)
    if d is None:
        return value
    if kind == "money":
        return d.quantize(CENT, rounding=ROUND_HALF_UP)
    if kind == "qty":
        return int(d) if d == d.to_integral_value() else d
    return d.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)  # percent


def is_number(value) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def display(kind: str, value) -> str:
    """The value as printed on paper: money with thousands separators and 2 places, quantities as integers with
    separators, percentages with 2 places and a % sign, dates as ISO dates; negatives keep their minus sign."""
    if value is None:
        return ""
    if is_number(value):
        if kind == "money":
            return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
        if kind == "qty":
            return f"{value:,}" if isinstance(value, int) else f"{value:,f}"
        if kind == "percent":
            return f"{Decimal(value) * 100:,.2f}%"
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_negative(value) -> bool:
    return is_number(value) and value < 0


def text_width(text: str) -> int:
    """Width in character cells as a spreadsheet or a terminal shows it: CJK (wide and full-width) counts 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
