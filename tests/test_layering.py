"""The dependency rule: service_app → warehouse → {scanners, labels}; nothing below service_app loads Flask."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_domain_packages_import_without_flask():
    code = ("import sys, pkgutil, importlib, warehouse, scanners, labels\n"
            "for pkg in (warehouse, scanners, labels):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        importlib.import_module(m.name)\n"
            "bad = sorted(m for m in sys.modules if m == 'flask' or m.startswith(('flask.', 'flask_', 'service_app')))\n"
            "print(bad)\n"
            "sys.exit(1 if bad else 0)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_scanners_and_labels_import_nothing_of_ours():
    for pkg in ("scanners", "labels"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for other in ("warehouse", "service_app"):
                assert f"import {other}" not in text and f"from {other}" not in text, (path, other)
