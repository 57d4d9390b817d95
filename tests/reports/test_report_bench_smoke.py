"""A tiny run of benchmarks/report_bench.py (200 moves on SQLite), so the benchmark keeps working as the statements
and tables change; the measurement itself is not a test (docs/benchmarks.md)."""
from __future__ import annotations

import importlib.util
from pathlib import Path


def test_report_bench_runs_on_a_tiny_ledger(tmp_path, capsys):
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "report_bench.py"
    spec = importlib.util.spec_from_file_location("report_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    url = bench.build(f"sqlite:///{tmp_path / 'bench.db'}", moves=200, parts=50, moving=10, in_month=40)
    for name in bench.REPORTS:
        bench.measure(url, name, "csv", 1)
    out = capsys.readouterr().out
    assert "built 200 moves" in out and "monthly-profit    csv" in out and "monthly-movements csv" in out
