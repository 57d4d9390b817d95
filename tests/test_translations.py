"""Every UI string has a Chinese translation: extract the strings from the code as `make extract` does and compare
with the zh_CN catalog (no missing, empty or fuzzy entries)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_zh_cn_catalog_is_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    catalog = read_po((ROOT / "service_app/translations/zh_CN/LC_MESSAGES/messages.po").open("rb"), locale="zh_CN")
    have = {m.id: m for m in catalog if m.id}
    assert len(wanted) > 100
    assert sorted(wanted - have.keys()) == []
    assert sorted(i for i in wanted if not have[i].string or have[i].fuzzy) == []
