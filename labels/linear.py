"""Linear barcodes as module patterns, encoded by python-barcode: Code 128 for our own codes, EAN-13, UPC-A and
EAN-8 for a supplier's GTIN.

A `Symbol` is the pattern of one symbol, `'1'` a dark module and `'0'` a light one, without quiet zones. It drives
every output (bitmaps and PDF rectangles, snapped to whole printer dots by labels.layout), so a printer draws
exactly the symbol whose width the layout measured. For the native ZPL `^BC` field, `code128_runs()` reads the
subsets back out of python-barcode's own symbol, so the printer is told to make the same choices.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from barcode import EAN8, EAN13, UPCA
from barcode.charsets.code128 import CODES, START_CODES
from barcode.codex import Code128 as _Code128
from barcode.errors import BarcodeError

# Quiet zone in modules on each side (the wider side where the standard differs: EAN-13 asks 11 left, 7 right).
QUIET = {"code128": 10, "ean13": 11, "upca": 9, "ean8": 7}
# Narrowest module that scans: Code 128 after thermal ink spread (2 dots at 203 dpi); EAN/UPC at their smallest
# magnification (80 % of 0.33 mm).
MIN_MODULE_MM = {"code128": 0.25, "ean13": 0.264, "upca": 0.264, "ean8": 0.264}
_GTIN = {"ean13": (EAN13, 13), "upca": (UPCA, 12), "ean8": (EAN8, 8)}
_VALUE = {pattern: value for value, pattern in enumerate(CODES)}
_BAR = re.compile("1+")
START_B, START_C, CODE_C, CODE_B = 104, 105, 99, 100  # CODE_C read in subset B, CODE_B in subset C


@dataclass(frozen=True)
class Symbol:
    symbology: str
    data: str
    pattern: str  # '1' dark module, '0' light module; no quiet zones

    @property
    def modules(self) -> int:
        return len(self.pattern)


def unencodable(data: str) -> str:
    """Characters outside printable ASCII (32..126): label barcodes carry nothing else."""
    return "".join(sorted({ch for ch in data if not 32 <= ord(ch) <= 126}))


class Code128(_Code128):
    """python-barcode's Code 128 less one bug (0.16.1): its optimiser folds a charset switch right after the start
    code into the start code, but a symbol that already starts in subset C has data there — a leading "99" pair has
    the switch code's value — so "99", "9912…" lost their first pair and printed a barcode of something else."""

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        if encoded[0] == START_CODES["C"] and encoded[1:2] == [99]:  # in subset C, 99 is the digits "99"
            return encoded
        return super()._try_to_optimize(encoded)


@lru_cache(maxsize=4096)
def symbol(symbology: str, data: str) -> Symbol:
    """The symbol of `data`; ValueError when the symbology cannot carry it (a GTIN must come with its check digit:
    python-barcode would silently replace a wrong one)."""
    if symbology == "code128":
        if not data or unencodable(data):
            raise ValueError(f"Code 128 cannot encode {data!r}")
        return Symbol(symbology, data, Code128(data).build()[0])
    cls, digits = _GTIN[symbology]
    if len(data) != digits or not (data.isascii() and data.isdigit()):
        raise ValueError(f"{symbology.upper()} needs {digits} digits, not {data!r}")
    try:
        code = cls(data)
    except BarcodeError as exc:
        raise ValueError(f"{symbology.upper()} cannot encode {data!r}: {exc}") from None
    if code.get_fullcode() != data:
        raise ValueError(f"{data} has a wrong check digit (a {symbology.upper()} of it ends in "
                         f"{code.get_fullcode()[-1]})")
    return Symbol(symbology, data, code.build()[0])


def code128_runs(s: Symbol) -> list[tuple[str, str]]:
    """(subset "B" or "C", text) runs in symbol order, read from the symbol values of python-barcode's pattern
    (11 modules each; the last 13 are the stop and its termination bar, the 11 before them the check character)."""
    pattern = s.pattern
    values = [_VALUE[pattern[k:k + 11]] for k in range(0, len(pattern) - 24, 11)]
    subset = {START_B: "B", START_C: "C"}.get(values[0])
    if subset is None:
        raise ValueError(f"Code 128 of {s.data!r} starts in subset A, which ^BC fields here do not use")
    runs: list[tuple[str, list[str]]] = [(subset, [])]
    for v in values[1:]:
        if subset == "B" and v < 95:
            runs[-1][1].append(chr(v + 32))
        elif subset == "C" and v < 100:
            runs[-1][1].append(f"{v:02d}")
        elif (subset, v) in (("B", CODE_C), ("C", CODE_B)):
            subset = "C" if v == CODE_C else "B"
            runs.append((subset, []))
        else:  # subset A or a function character: python-barcode uses neither for printable ASCII
            raise ValueError(f"Code 128 value {v} in subset {subset} of {s.data!r} has no ^BC field form")
    runs = [(subset, "".join(chars)) for subset, chars in runs]
    if "".join(text for _, text in runs) != s.data:  # cannot happen unless python-barcode changes its ways
        raise ValueError(f"Code 128 of {s.data!r} reads back as {runs!r}")
    return runs


def bar_runs(pattern: str) -> tuple[tuple[int, int], ...]:
    """(start, width) of each bar, in modules from the symbol's left edge."""
    return tuple((m.start(), m.end() - m.start()) for m in _BAR.finditer(pattern))
