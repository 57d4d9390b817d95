"""Where printers may be: the site's rules for printer URLs, so that nobody who may name a printer can make the
server connect to any host and port, write into any folder or hand jobs to any CUPS server.

- tcp://HOST:PORT — HOST an address inside one of the allowed networks (or a name listed as such, or one whose
  addresses all are); PORT one of the allowed ports (default 9100 only). Loopback, link-local and everything else
  is refused unless listed.
- file://DIR — only under the one configured folder root, no `..`, no symlink that leads out of it.
- cups://QUEUE — a plain queue name on the local scheduler; cups://SERVER/QUEUE only for listed servers.
- timeout= 0.5 to 30 seconds, a finite number: refused otherwise, never clamped.

Checked when a printer is registered, and again by the worker and the status check before every connection (a
row registered before these rules, or a name that now resolves elsewhere, is refused then). The site's default
printer (PRINTER_URL) is the operator's own setting and is trusted.
"""
from __future__ import annotations

import ipaddress
import math
import os
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from labels.printers import Printer, PrinterUrlError, from_url
from warehouse.errors import ValidationError

TIMEOUT_MIN, TIMEOUT_MAX = 0.5, 30.0
QUEUE = re.compile(r"^[A-Za-z0-9_-]{1,127}$")


def _ports(specs) -> tuple[tuple[int, int], ...]:
    out = []
    for spec in specs:
        lo, _, hi = str(spec).partition("-")
        out.append((int(lo), int(hi or lo)))
    return tuple(out)


@dataclass(frozen=True)
class PrinterPolicy:
    tcp_allow: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
    tcp_ports: tuple[str, ...] = ("9100",)  # ports or ranges ("1024-65535")
    folder_root: str | None = None
    cups_servers: tuple[str, ...] = ()
    trusted: frozenset[str] = field(default_factory=frozenset)  # the site's own default printer

    @classmethod
    def from_config(cls, config) -> PrinterPolicy:
        return cls(tcp_allow=tuple(config.get("PRINTER_TCP_ALLOW") or ()),
                   tcp_ports=tuple(str(p) for p in config.get("PRINTER_TCP_PORTS") or ()),
                   folder_root=config.get("PRINTER_FOLDER_ROOT"),
                   cups_servers=tuple(config.get("PRINTER_CUPS_SERVERS") or ()),
                   trusted=frozenset(u for u in [config.get("PRINTER_URL")] if u))

    # --- the rules -------------------------------------------------------------------------------------------

    def check(self, url: str) -> None:
        """Raise ValidationError (field url, a printer_* reason) unless `url` names a printer the site allows."""
        if url in self.trusted:
            return
        parts = urlsplit(url or "")
        _check_timeout(parts.query)
        scheme = parts.scheme.lower()
        if scheme == "tcp":
            self._check_tcp(parts)
        elif scheme == "file":
            self._check_folder(parts.netloc + parts.path)
        elif scheme == "cups":
            self._check_cups(parts)

    def _networks(self):
        nets, names = [], set()
        for entry in self.tcp_allow:
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.add(entry.lower())
        return nets, names

    def _check_tcp(self, parts) -> None:
        try:
            port = parts.port or 9100
        except ValueError:
            return  # from_url reports the bad port
        if not any(lo <= port <= hi for lo, hi in _ports(self.tcp_ports)):
            raise ValidationError(field="url", reason="printer_port", allowed=", ".join(self.tcp_ports) or "-")
        host = (parts.hostname or "").lower()
        nets, names = self._networks()
        if host in names:
            return
        addresses = _addresses(host) if host else []
        if not addresses or not all(any(a in n for n in nets) for a in addresses):
            raise ValidationError(field="url", reason="printer_host", allowed=", ".join(self.tcp_allow) or "-")

    def _check_folder(self, path: str) -> None:
        root = self.folder_root
        if not root or not path or ".." in path.replace("\\", "/").split("/"):
            raise ValidationError(field="url", reason="printer_folder", root=root or "-")
        real_root = os.path.realpath(root)
        real = os.path.realpath(path)  # follows every symlink that exists now
        if os.path.commonpath([real_root, real]) != real_root:
            raise ValidationError(field="url", reason="printer_folder", root=root)

    def _check_cups(self, parts) -> None:
        path = parts.path.strip("/")
        queue, server = (path, parts.netloc) if path else (parts.netloc, None)
        if not QUEUE.match(queue or "") or (server and server.lower() not in {s.lower() for s in self.cups_servers}):
            raise ValidationError(field="url", reason="printer_queue", allowed=", ".join(self.cups_servers) or "-")

    # --- use -------------------------------------------------------------------------------------------------

    def guard(self, resolver=from_url):
        """A resolver that checks every URL before it builds (and so before anyone connects to) the printer; a URL
        the rules refuse raises PrinterUrlError, which the worker records as a failure that retrying cannot fix."""
        def guarded(url: str) -> Printer:
            try:
                self.check(url)
            except ValidationError as err:
                raise PrinterUrlError(f"{url}: refused by the site's printer rules ({err.params.get('reason')})") \
                    from None
            return resolver(url)

        return guarded


def _check_timeout(query: str) -> None:
    values = parse_qs(query, keep_blank_values=True).get("timeout")
    if not values:
        return
    try:
        t = float(values[-1])
    except ValueError:
        t = math.nan
    if not math.isfinite(t) or not TIMEOUT_MIN <= t <= TIMEOUT_MAX:
        raise ValidationError(field="url", reason="printer_timeout", min=TIMEOUT_MIN, max=TIMEOUT_MAX)


def _addresses(host: str) -> list:
    """The IP addresses of a host literal, or of a name (all of them must be allowed); [] if it does not resolve."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
