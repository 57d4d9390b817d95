"""What every printer driver shares: the status it reports, the error it raises, and the URL options it reads."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qs


@dataclass(frozen=True)
class PrinterStatus:
    reachable: bool
    ready: bool
    paper_out: bool = False
    head_open: bool = False
    paused: bool = False
    detail: str = ""

    @classmethod
    def unreachable(cls, detail: str) -> PrinterStatus:
        return cls(reachable=False, ready=False, detail=detail)


class PrinterError(Exception):
    """The printer did not confirm it took the job (or all of it).

    `retryable`: trying again later may succeed (printer off, busy, out of paper, connection dropped); False means
    it never will without a person (no such CUPS queue, a job the printer's language cannot carry).
    `delivered`: how many leading labels of the job the printer did confirm; a retry sends only the rest.
    """

    def __init__(self, message: str, *, retryable: bool, delivered: int = 0, status: PrinterStatus | None = None):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.delivered = delivered
        self.status = status


class PrinterUrlError(ValueError):
    """A printer URL that names no printer this package can drive."""


class Printer(Protocol):
    url: str
    lang: str  # "zpl" | "tspl" | "pdf": what send() expects
    dpi: int
    size_mm: tuple[float, float] | None  # the loaded label stock, None for each template's default

    def send(self, job: bytes, *, name: str) -> None: ...

    def status(self) -> PrinterStatus: ...


@dataclass(frozen=True)
class Options:
    lang: str
    dpi: int
    size_mm: tuple[float, float] | None
    timeout: float


TIMEOUT = (0.05, 30.0)  # seconds: bounded both ways (nan, inf, 1e9 are no timeouts); sites allow 0.5+ (policy)
DEFAULT_DPI = {"zpl": 203, "tspl": 203, "pdf": 300}  # 300 lands on whole dots of the office printers' 600 dpi


def options(url: str, query: str, *, langs: tuple[str, ...], default_lang: str) -> Options:
    """Read `?lang=&dpi=&size=WxH&timeout=` and refuse anything else, so that a typo is not silently ignored."""
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    unknown = set(params) - {"lang", "dpi", "size", "timeout"}
    if unknown:
        raise PrinterUrlError(f"{url}: unknown option(s) {', '.join(sorted(unknown))}; known: lang, dpi, size, timeout")
    lang = params.get("lang", default_lang).lower()
    if lang not in langs:
        raise PrinterUrlError(f"{url}: lang must be one of {', '.join(langs)}, not {lang!r}")
    try:
        dpi = int(params.get("dpi", DEFAULT_DPI[lang]))
        timeout = float(params.get("timeout", 5))
        size = tuple(float(v) for v in params["size"].lower().split("x")) if "size" in params else None
    except ValueError:
        raise PrinterUrlError(f"{url}: dpi, timeout and size (WxH in mm) must be numbers") from None
    if size is not None and len(size) != 2:
        raise PrinterUrlError(f"{url}: size must be WIDTHxHEIGHT in mm, such as 60x40")
    if not 100 <= dpi <= 600 or not math.isfinite(timeout) or not TIMEOUT[0] <= timeout <= TIMEOUT[1]:
        raise PrinterUrlError(f"{url}: dpi must be 100..600 and timeout {TIMEOUT[0]:g}..{TIMEOUT[1]:g} seconds")
    return Options(lang, dpi, size, timeout)
