"""The dependency rule: service_app → warehouse → {scanners, labels}; nothing below service_app loads Flask."""
from __future__ import annotations

import ast
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


# The shell parses, calls one warehouse function and responds: SQL and tables stay below it. Reads a page needs live
# in warehouse/<noun>/queries.py, so the shell never builds a query or names a table.
SHELL_EDGES = ("service_app/api", "service_app/web", "service_app/auth")


def _imported_modules(tree: ast.AST):
    """Every module a file imports, `from x import y` counted as both x and x.y (y may be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _forbidden(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "sqlalchemy" or (parts[0] == "warehouse" and "models" in parts[1:])


def shell_layering_violations(root: Path) -> list[str]:
    found = []
    for edge in SHELL_EDGES:
        for path in sorted((root / edge).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found += [f"{path.relative_to(root)}:{line} imports {module}"
                      for line, module in _imported_modules(tree) if _forbidden(module)]
    return found


def test_shell_imports_no_sqlalchemy_and_no_tables():
    assert shell_layering_violations(ROOT) == []


def test_the_shell_check_sees_every_import_form(tmp_path):
    web = tmp_path / "service_app" / "web"
    web.mkdir(parents=True)
    (web / "bad.py").write_text("import sqlalchemy.orm\nfrom sqlalchemy import select\n"
                                "from warehouse.ledger.models import Move\nfrom warehouse.catalog import models\n"
                                "from warehouse import models as registry\n"
                                "def f():\n    import warehouse.locations.models\n"
                                "from warehouse.ledger import queries\n", encoding="utf-8")
    assert [v.split(" imports ")[0] for v in shell_layering_violations(tmp_path)] == [
        f"service_app/web/bad.py:{n}" for n in (1, 2, 2, 3, 3, 4, 5, 7)]
