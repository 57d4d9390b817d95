"""Printer drivers behind one tiny protocol: `send(job, name=…)` and `status()`, chosen by `from_url()`.

    tcp://HOST[:9100]?lang=zpl|tspl    raw TCP to a label printer (Zebra ZPL; TSC, Gprinter, Xprinter TSPL)
    cups://QUEUE  or cups://SERVER/QUEUE   through `lp` (lang=pdf by default; zpl/tspl go raw)
    file:///DIR  or file://RELATIVE/DIR    atomically written files (lang=pdf by default)

Every URL also takes `dpi=` (203 for label printers, 300 for PDF by default), `size=WxH` (mm of the loaded stock;
each template's default when absent) and `timeout=` (seconds). Building a printer opens nothing.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from labels.printers.base import Printer, PrinterError, PrinterStatus, PrinterUrlError, options
from labels.printers.cups import CupsPrinter
from labels.printers.folder import FolderPrinter
from labels.printers.tcp import TcpPrinter

__all__ = ["Printer", "PrinterError", "PrinterStatus", "PrinterUrlError", "from_url"]


def from_url(url: str) -> Printer:
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        o = options(url, parts.query, langs=("zpl", "tspl"), default_lang="zpl")
        try:
            port = parts.port or 9100
        except ValueError:
            raise PrinterUrlError(f"{url}: bad port") from None
        if not parts.hostname:
            raise PrinterUrlError(f"{url}: no host; write tcp://HOST:9100?lang=zpl")
        return TcpPrinter(url, parts.hostname, port, lang=o.lang, dpi=o.dpi, size_mm=o.size_mm, timeout=o.timeout)
    if scheme == "cups":
        o = options(url, parts.query, langs=("pdf", "zpl", "tspl"), default_lang="pdf")
        path = parts.path.strip("/")
        queue, server = (path, parts.netloc) if path else (parts.netloc, None)
        if not queue:
            raise PrinterUrlError(f"{url}: no queue; write cups://QUEUE")
        return CupsPrinter(url, queue, server, lang=o.lang, dpi=o.dpi, size_mm=o.size_mm, timeout=o.timeout)
    if scheme == "file":
        o = options(url, parts.query, langs=("pdf", "zpl", "tspl"), default_lang="pdf")
        path = parts.netloc + parts.path  # file://instance/labels is relative, file:///srv/labels absolute
        if not path:
            raise PrinterUrlError(f"{url}: no folder; write file:///path/to/folder")
        return FolderPrinter(url, path, lang=o.lang, dpi=o.dpi, size_mm=o.size_mm)
    raise PrinterUrlError(f"{url!r} is not a printer URL: use tcp://HOST:9100?lang=zpl|tspl, cups://QUEUE or "
                          f"file:///DIR")
