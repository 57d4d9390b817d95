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
    }
