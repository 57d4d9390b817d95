"""The report base's writers on synthetic rows: a 100,000-row XLSX and CSV and a 2,000-row PDF (7 columns: bin,
part, Chinese name, qty, unit cost, value, margin %; group subtotals and a total in the PDF), streamed from a
generator as a statement's query would stream them. Prints wall and CPU seconds (CPU time is the fairer number on a
shared machine) and the output size.

    .venv/bin/python benchmarks/report_base_bench.py [--rows 100000] [--pdf-rows 2000]
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from warehouse.reports import Column, Labels, Report, write  # noqa: E402

NAMES = ["前刹车片总成", "机油滤清器", "空气压缩机活塞环", "后视镜总成 左", "散热风扇电机", "燃油泵继电器"]
COLUMNS = [Column("bin", "库位"), Column("part", "配件号"), Column("name", "名称"), Column("qty", "数量", "qty"),
           Column("cost", "单价", "money", total=False), Column("value", "金额", "money"),
           Column("margin", "毛利率", "percent")]
ZH = Labels(period="期间", printed_at="打印时间", printed_by="打印人", page="第 {page} 页，共 {pages} 页",
            subtotal="小计", total="合计")


def rows(n: int):
    for i in range(n):
        cost = Decimal(1000 + i * 37 % 90000) / 100
        qty = i % 250 - 20
        yield {"bin": f"N-A{i // 40:04d}", "part": f"AC-{i:06d}", "name": NAMES[i % len(NAMES)],
               "qty": qty, "cost": cost, "value": cost * qty, "margin": Decimal(i % 4000 - 500) / 10000}


def run(fmt: str, n: int) -> None:
    report = Report(title="配件收发月统计表", period="2024-05", department="售后服务部", printed_by="bench",
                    columns=COLUMNS, rows=rows(n), totals=True, labels=ZH,
                    group_by="bin" if fmt == "pdf" else None, signatures=["制表", "审核", "负责人"])
    out = io.BytesIO()
    wall, cpu = time.perf_counter(), time.process_time()
    write(report, fmt, out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{fmt:4} {n:>7,} rows  wall {wall:6.2f} s  cpu {cpu:6.2f} s  {len(out.getvalue()) / 1e6:6.1f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--pdf-rows", type=int, default=2_000)
    args = ap.parse_args()
    import openpyxl
    print(f"python {sys.version.split()[0]}, openpyxl {openpyxl.__version__} (lxml: {openpyxl.LXML}), "
          f"load average {os.getloadavg()[0]:.1f}")
    run("csv", args.rows)
    run("xlsx", args.rows)
    run("pdf", args.pdf_rows)
    run("pdf", 5 * args.pdf_rows // 2)  # issue 13's monthly profit statement has 5,000 part lines


if __name__ == "__main__":
    main()
