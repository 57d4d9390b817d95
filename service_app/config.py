"""Configuration from the environment (CONTRACT §2), with defaults that make a fresh checkout run."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from warehouse.limits import RETURN_WINDOW_DAYS


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/ (so sessions survive restarts
    and every gunicorn worker on the host signs alike)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        os.replace(tmp, path) if not path.exists() else tmp.unlink()
    return path.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def from_env(instance_path: str) -> dict:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'service.db'}",
        "SECRET_KEY": _secret_key(instance),
        "PRINTER_URL": os.environ.get("PRINTER_URL") or f"file://{instance / 'labels'}",
        "CAMERA_SOURCE": os.environ.get("CAMERA_SOURCE"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # CONTRACT: bodies over 1 MB → 413
        "API_TOKEN_MAX_AGE": int(os.environ.get("API_TOKEN_MAX_AGE", 12 * 3600)),
        # days after shipping a dealer may return parts as a normal return (later: abnormal, a manager decides)
        "RETURN_WINDOW_DAYS": int(os.environ.get("RETURN_WINDOW_DAYS", RETURN_WINDOW_DAYS)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "LANGUAGES": ["zh_CN", "en"],
        "WTF_CSRF_TIME_LIMIT": None,  # a scan page stays open all shift
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # Secure cookies: set, or implied by an https site; requests that arrive over https get them anyway.
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", os.environ.get("PREFERRED_URL_SCHEME") == "https"),
        # Behind a reverse proxy: how many proxies' X-Forwarded-For/-Proto/-Host to believe (0: none).
        "TRUST_PROXY": int(os.environ.get("TRUST_PROXY", 0)),
        # Where printers may be (docs/security.md): TCP hosts or networks and ports, the one folder file://
        # printers write under, CUPS servers besides the local one. Loopback only when listed here.
        "PRINTER_TCP_ALLOW": _list("PRINTER_TCP_ALLOW", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"),
        "PRINTER_TCP_PORTS": _list("PRINTER_TCP_PORTS", "9100"),  # ports or ranges: 9100,1024-65535
        "PRINTER_FOLDER_ROOT": os.environ.get("PRINTER_FOLDER_ROOT") or str(instance / "labels"),
        "PRINTER_CUPS_SERVERS": _list("PRINTER_CUPS_SERVERS", ""),
        "API_TITLE": "After-sales parts & service API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # Rate-limit counters: per process by default; redis://… shares them across gunicorn hosts.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "PRINT_WORKER_INLINE": os.environ.get("PRINT_WORKER") == "inline",
        # A technician's rejection of a claim worth more than this waits for a manager (yuan).
        "CLAIM_REJECT_APPROVAL_ABOVE": os.environ.get("CLAIM_REJECT_APPROVAL_ABOVE", "2000.00"),
        "JOB_WORKER_INLINE": os.environ.get("JOB_WORKER") == "inline",
        "CAMERA_HOLDOFF": float(os.environ.get("CAMERA_HOLDOFF", 2.0)),
        # Allowed ITF lengths for camera reads, as on a handheld scanner (docs/scanners.md): even, 6 to 14 by default.
        "SCANNER_ITF_LENGTHS": os.environ.get("SCANNER_ITF_LENGTHS", "6,8,10,12,14"),
    }
