import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_scanners_loads_no_flask_and_no_engine():
    code = ("import sys, scanners, scanners.gs1, scanners.codes, scanners.sources, scanners.watch\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'warehouse', 'service_app', 'labels'))\n"
            "print(bad, 'zxingcpp' in sys.modules, 'pyzbar' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    # Decoder engines load on the first decode, not on import.
    assert out.stdout.split() == ["[]", "False", "False"]
