"""Code 128: data → symbol values (start, data, check, stop) → bar and space widths in modules.

Only subsets B (printable ASCII) and C (digit pairs) are used: label data is printable ASCII. The values computed
here drive every output, bitmaps, PDF rectangles and the ZPL `^BC` field data with explicit subset codes, so a
printer draws exactly the symbol whose width the layout measured.
"""
from __future__ import annotations

from functools import lru_cache

# Bar/space widths of symbol values 0..105, then the stop pattern (which ends with a 2-module termination bar).
PATTERNS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 "
    "113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 "
    "113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 "
    "241211 221114 413111 241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 211214 "
    "211232 2331112"
).split()
CODE_C, CODE_B, START_B, START_C, STOP = 99, 100, 104, 105, 106
QUIET = 10  # modules of blank space each side; scanners need it to find the symbol's ends


def unencodable(data: str) -> str:
    """Characters outside printable ASCII (32..126), which this encoder refuses."""
    return "".join(sorted({ch for ch in data if not 32 <= ord(ch) <= 126}))


def segments(data: str) -> list[tuple[str, str]]:
    """Split data into runs of subset "B" or "C" (even digit runs), the usual shortest-symbol rules:
    C for a run of 4+ digits at the start or end, 6+ in the middle, or data of exactly 2 digits."""
    runs: list[tuple[str, str]] = []
    i, n = 0, len(data)
    while i < n:
        j = i
        while j < n and data[j].isdigit():
            j += 1
        digits = j - i
        at_edge = i == 0 or j == n
        if digits >= (4 if at_edge else 6) or (digits == 2 and n == 2):
            if digits % 2:  # an odd run: its first digit goes in B so the rest pairs up
                runs.append(("B", data[i]))
                i += 1
            runs.append(("C", data[i:j]))
            i = j
        else:
            k = max(j, i + 1)
            runs.append(("B", data[i:k]))
            i = k
    merged: list[tuple[str, str]] = []
    for subset, text in runs:
        if merged and merged[-1][0] == subset:
            merged[-1] = (subset, merged[-1][1] + text)
        else:
            merged.append((subset, text))
    return merged


@lru_cache(maxsize=4096)
def values(data: str) -> tuple[int, ...]:
    """Symbol values including start, check and stop."""
    if not data or unencodable(data):
        raise ValueError(f"Code 128 cannot encode {data!r}")
    out: list[int] = []
    for subset, text in segments(data):
        if subset == "C":
            out.append(CODE_C if out else START_C)
            out.extend(int(text[k:k + 2]) for k in range(0, len(text), 2))
        else:
            out.append(CODE_B if out else START_B)
            out.extend(ord(ch) - 32 for ch in text)
    check = (out[0] + sum(pos * v for pos, v in enumerate(out[1:], start=1))) % 103
    return (*out, check, STOP)


def module_count(vals: tuple[int, ...]) -> int:
    """Width of the symbol in modules, without quiet zones."""
    return 11 * (len(vals) - 1) + 13


def bar_runs(vals: tuple[int, ...]) -> list[tuple[int, int]]:
    """(start, width) of each bar, in modules from the symbol's left edge."""
    runs, x = [], 0
    for v in vals:
        for k, w in enumerate(PATTERNS[v]):
            if k % 2 == 0:
                runs.append((x, int(w)))
            x += int(w)
    return runs
