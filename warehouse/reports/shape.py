"""What a report is: a title, a period, columns and rows (plus optional group subtotals and a grand total). The
writers (csv, xlsx, pdf) all read the same `lines()` stream, so a statement defines its content once.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from warehouse.reports.cells import KINDS, NUMERIC_KINDS, coerce, is_number


@dataclass(frozen=True)
class Column:
    """`key` names the value in a row dict (tuple rows are in column order); `header` is the caption, translated;
    `width` is in character cells (CJK counts 2; default: from the header and the first rows). Money and qty
    columns are summed into subtotals and totals unless `total=False`; a percent column's total is
    `ratio = (numerator key, denominator key)` of the summed columns (e.g. margin / revenue), else empty."""
    key: str
    header: str
    kind: str = "text"
    width: float | None = None
    total: bool | None = None
    ratio: tuple[str, str] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key}: kind must be one of {KINDS}, not {self.kind!r}")

    @property
    def summed(self) -> bool:
        return self.kind in ("qty", "money") if self.total is None else self.total


@dataclass(frozen=True)
class Labels:
    """The words the base itself prints, in the reader's language (the shell passes them translated; these English
    defaults are for tests and scripts). `page` and `more_rows` are str.format patterns."""
    period: str = "Period"
    printed_at: str = "Printed"
    printed_by: str = "Printed by"
    page: str = "Page {page} of {pages}"
    subtotal: str = "Subtotal"
    total: str = "Total"
    more_rows: str = "The first {shown} of {total} rows are printed."


@dataclass(frozen=True)
class Chart:
    """A small chart drawn on the server (reportlab graphics): after the table in the PDF, as SVG on a page.
    `categories` label the x axis (e.g. months); each series is (name, values), one value per category."""
    title: str
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[float]]]
    kind: str = "bar"  # bar | line | hbar (horizontal bars: long category names, e.g. KPIs, on the left)

    def __post_init__(self):
        if self.kind not in ("bar", "line", "hbar"):
            raise ValueError(f"chart kind must be bar, line or hbar, not {self.kind!r}")
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(f"series {name!r} has {len(values)} values for {len(self.categories)} categories")


@dataclass
class Report:
    """One statement. `rows` may be any iterable (a generator over a query result streams: the CSV and XLSX never
    hold more than a few hundred rows in memory); it is read once. With `group_by` the rows must arrive sorted by
    that key: a subtotal line follows each group. `signatures` are the sign-off captions at the end of the PDF
    (e.g. 制表 / 审核 / 负责人); `notes` are lines printed under the header (PDF) or after the table (XLSX);
    `closing` are lines printed after the table, just before the sign-off (a confirmation slip to sign); `images`
    are pictures printed after them, each under its caption (a customer's signature drawn on a tablet)."""
    title: str
    columns: Sequence[Column]
    rows: Iterable[Mapping | Sequence]
    period: str = ""
    department: str = ""
    printed_by: str = ""
    printed_at: datetime | None = None
    notes: Sequence[str] = ()
    group_by: str | Sequence[str] | None = None
    totals: bool = False
    signatures: Sequence[str] = ()
    closing: Sequence[str] = ()
    landscape: bool | None = None  # None: landscape when the columns are too wide for portrait A4
    max_pdf_rows: int | None = None  # paper stops here (the total still covers every row); CSV/XLSX hold all
    labels: Labels = field(default_factory=Labels)
    sheet_name: str = "report"
    charts: Sequence[Chart] = ()
    images: Sequence[tuple[str, bytes]] = ()  # (caption, PNG/JPEG bytes) printed with the closing lines (PDF only)

    def __post_init__(self):
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in {keys}")
        for key in self.group_keys:
            if key not in keys:
                raise ValueError(f"group_by {key!r} is not a column")
        if self.printed_at is None:
            self.printed_at = datetime.now().astimezone()

    @property
    def group_keys(self) -> tuple[str, ...]:
        """The grouping levels, outermost first (`group_by` may name one column or several)."""
        if self.group_by is None:
            return ()
        return (self.group_by,) if isinstance(self.group_by, str) else tuple(self.group_by)

    def header_line(self) -> str:
        """Department, title and period on one line (the XLSX title row, the PDF's document title)."""
        period = f"{self.labels.period}: {self.period}" if self.period else ""
        return "  ".join(p for p in (self.department, self.title, period) if p)

    def printed_line(self) -> str:
        parts = [f"{self.labels.printed_at}: {self.printed_at:%Y-%m-%d %H:%M}"]
        if self.printed_by:
            parts.append(f"{self.labels.printed_by}: {self.printed_by}")
        return "  ".join(parts)


# Line kinds in the stream every writer reads.
ROW, SUBTOTAL, TOTAL = "row", "subtotal", "total"


def lines(report: Report) -> Iterator[tuple[str, list]]:
    """(kind, values in column order) for every row, then a subtotal after each group and a grand total.
    With several grouping levels (`group_by=("store", "category")`) the rows arrive sorted by all of them; a change
    at one level closes that level's group and every inner one, innermost first. Values are coerced to their
    column's kind (money in cents, qty int, percent fraction) before anything is summed, so totals are exact sums
    of what is printed."""
    cols = list(report.columns)
    kinds = [c.kind for c in cols]
    keys = [c.key for c in cols]
    summed = [i for i, c in enumerate(cols) if c.summed]
    levels = [keys.index(k) for k in report.group_keys]
    group_sums = [[Decimal(0)] * len(cols) for _ in levels]
    total_sums = [Decimal(0)] * len(cols)
    current: list = [None] * len(levels)
    seen = False

    for raw in report.rows:
        if isinstance(raw, Mapping):
            values = [coerce(k, raw[key]) for k, key in zip(kinds, keys)]
        else:
            if len(raw) != len(cols):
                raise ValueError(f"row has {len(raw)} values for {len(cols)} columns: {raw!r}")
            values = [coerce(k, v) for k, v in zip(kinds, raw)]
        if levels:
            changed = next((n for n, at in enumerate(levels) if values[at] != current[n]), None) if seen else None
            if changed is not None:
                for n in range(len(levels) - 1, changed - 1, -1):
                    yield SUBTOTAL, _sum_line(cols, group_sums[n], f"{report.labels.subtotal} {_str(current[n])}")
                    group_sums[n] = [Decimal(0)] * len(cols)
            current, seen = [values[at] for at in levels], True
        for i in summed:
            v = values[i]
            if is_number(v):
                for sums in group_sums:
                    sums[i] += v
                total_sums[i] += v
        yield ROW, values
    if levels and seen:
        for n in range(len(levels) - 1, -1, -1):
            yield SUBTOTAL, _sum_line(cols, group_sums[n], f"{report.labels.subtotal} {_str(current[n])}")
    if report.totals:
        yield TOTAL, _sum_line(cols, total_sums, report.labels.total)


def _str(value) -> str:
    return "" if value is None else str(value)


def _sum_line(cols: list[Column], sums: list, caption: str) -> list:
    out: list = [None] * len(cols)
    by_key = {c.key: i for i, c in enumerate(cols)}
    for i, c in enumerate(cols):
        if c.summed:
            out[i] = int(sums[i]) if c.kind == "qty" and sums[i] == sums[i].to_integral_value() else sums[i]
    for i, c in enumerate(cols):
        if c.kind == "percent" and c.ratio:
            num, den = (sums[by_key[k]] for k in c.ratio)
            out[i] = coerce("percent", num / den) if den else None
    # The caption goes in the first column that holds no figure (usually the first).
    at = next((i for i, c in enumerate(cols) if c.kind not in NUMERIC_KINDS and out[i] is None), 0)
    out[at] = caption.strip()
    return out
