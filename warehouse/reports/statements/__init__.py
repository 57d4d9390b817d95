"""Back-office statements (CONTRACT §7: `flask report NAME --month|--week|--day … --format pdf|csv|xlsx`).

Nouns: a *statement* is a named report builder — `build(session, *, period, t, **options) -> Report` — registered
here with the periods it accepts, the permission it needs beyond `reports.read`, and its extra options. Each
statement only describes its content; the report base (`warehouse.reports`) writes PDF, CSV and XLSX.

Invariant: every quantity and value comes from the ledger's moves (aggregated in SQL), never from the cached
balances alone; money is rounded once, per move, to the cent (`ledger.cost.sql_money`), and every total is a sum of
printed cents, so opening + in − out = closing holds in quantity and value on every row.

Who writes what: statements only read. The CLI (`service_app/cli.py`), the reports page and the `statement`
background job (`jobs.py`) all call `prepare()` then `produce()`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy.orm import Session

from warehouse.errors import DomainError, ValidationError
from warehouse.reports import FORMATS, Labels, Report, write
from warehouse.reports.statements import period as periods
from warehouse.reports.statements.words import N_, Translate, marked, translator

# Modules that register statements; a new statement adds its module here.
STATEMENT_MODULES = ("movements", "stock", "stock_plan", "quality", "stocktakes", "service", "profit", "orders",
                     "dealer_statement", "repair_stock")

DEPARTMENT = N_("After-sales service department")
SIGNATURES = (N_("Prepared by"), N_("Reviewed by"), N_("Person in charge"))
_BASE_WORDS = (N_("Period"), N_("Printed at"), N_("Printed by"), N_("Page {page} of {pages}"), N_("Subtotal"),
               N_("Total"), N_("The first {shown} of {total} rows are printed."))


class UnknownReport(DomainError):
    code = "unknown_report"


@dataclass(frozen=True)
class Statement:
    name: str
    title: str  # an N_ word
    build: Callable[..., Report]
    periods: tuple[str, ...]  # the period kinds it takes (the first is the usual one); () when it takes none
    permission: str  # needed beyond reports.read
    options: tuple[str, ...] = ()  # extra options it requires (e.g. "stocktake")
    formats: tuple[str, ...] = FORMATS
    # check(session, *, period, **options): refuses (a DomainError) what only the database can tell — an unknown
    # dealer, a month with no statement yet — so the reports page answers 4xx instead of queuing a job that fails
    check: Callable[..., None] | None = None


_REGISTRY: dict[str, Statement] = {}


def statement(name: str, *, title: str, periods: tuple[str, ...], permission: str = "stock.read",
              options: tuple[str, ...] = (), check: Callable[..., None] | None = None):
    def deco(fn):
        _REGISTRY[name] = Statement(name, title, fn, periods, permission, options, check=check)
        return fn
    return deco


def _load() -> None:
    for module in STATEMENT_MODULES:
        importlib.import_module(f"{__name__}.{module}")


def all_statements() -> list[Statement]:
    _load()
    return list(_REGISTRY.values())


def get(name: str) -> Statement:
    _load()
    if name not in _REGISTRY:
        raise UnknownReport(report=name, known=", ".join(_REGISTRY))
    return _REGISTRY[name]


def words() -> list[str]:
    """Every word the statements print (msgids), for the shell to translate into a dict."""
    _load()
    return marked()


@dataclass(frozen=True)
class Order:
    """A checked request for one statement: what `produce()` needs, and what a job carries in its params."""
    name: str
    fmt: str
    period_kind: str | None
    period_value: str | None
    options: dict

    def as_params(self) -> dict:
        return {"name": self.name, "format": self.fmt, "period_kind": self.period_kind,
                "period_value": self.period_value, "options": self.options}


def prepare(*, name: str, fmt: str, period: dict[str, str | None], options: dict | None = None,
            today: date) -> Order:
    """Check a request before anything runs: the name, the format, one period of a kind the statement takes (not in
    the future), and its required options. Raises `unknown_report` or `invalid_input`."""
    st = get(name)
    if fmt not in st.formats:
        raise ValidationError(field="format", reason="one_of", allowed=", ".join(st.formats))
    given = {k: v for k, v in period.items() if v not in (None, "")}
    if len(given) > 1:
        raise ValidationError(field="period", reason="one_period")
    kind, value = next(iter(given.items()), (None, None))
    if st.periods:
        if kind is None:
            raise ValidationError(field=st.periods[0], reason="required")
        if kind not in st.periods:
            raise ValidationError(field="period", reason="period_kind", allowed=", ".join(st.periods))
        periods.parse(kind, value, today=today)
    else:
        kind = value = None
    options = {k: v for k, v in (options or {}).items() if v not in (None, "")}
    for opt in options:
        if opt not in st.options:
            raise ValidationError(field=opt, reason="option_not_taken", report=name)
    for opt in st.options:
        if opt not in options:
            raise ValidationError(field=opt, reason="required")
    return Order(name, fmt, kind, value, {k: options[k] for k in st.options})


def check(session: Session, order: Order, *, today: date) -> None:
    """The statement's own check of a prepared order against the database (nothing when it has none)."""
    st = get(order.name)
    if st.check is not None:
        period = periods.parse(order.period_kind, order.period_value, today=today) if order.period_kind else None
        st.check(session, period=period, **order.options)


def labels(t: Translate) -> Labels:
    return Labels(period=t("Period"), printed_at=t("Printed at"), printed_by=t("Printed by"),
                  page=t("Page {page} of {pages}"), subtotal=t("Subtotal"), total=t("Total"),
                  more_rows=t("The first {shown} of {total} rows are printed."))


def build(session: Session, order: Order, *, words: dict | None, printed_by: str, today: date) -> Report:
    """The statement's Report, framed (department, labels, sign-off lines) in the words given."""
    st = get(order.name)
    t = translator(words)
    period = periods.parse(order.period_kind, order.period_value, today=today) if order.period_kind else None
    report = st.build(session, period=period, t=t, **order.options)
    report.title = report.title or t(st.title)
    report.department = t(DEPARTMENT)
    report.labels = labels(t)
    report.printed_by = printed_by
    if report.signatures is True:
        report.signatures = [t(s) for s in SIGNATURES]
    return report


def produce(session: Session, order: Order, out: BinaryIO, *, words: dict | None, printed_by: str,
            today: date) -> None:
    write(build(session, order, words=words, printed_by=printed_by, today=today), order.fmt, out)


def filename(order: Order) -> str:
    return f"{order.name}{'-' + order.period_value if order.period_value else ''}" \
           f"{''.join('-' + str(v) for v in order.options.values())}.{order.fmt}"


# Trend charts a page shows on their own (as SVG): kind → (module, function, permission).
CHARTS = {"issues": ("movements", "issues_trend", "stock.read"),
          "failures": ("quality", "failures_trend", "claims.read"),
          "profit": ("profit", "profit_trend", "reports.profit")}


def chart(session: Session, kind: str, *, month: str, words: dict | None, today: date):
    """The 12-month trend chart `kind` ending with `month` (a `Chart`; `warehouse.reports.charts.svg` draws it)."""
    if kind not in CHARTS:
        raise ValidationError(field="chart", reason="one_of", allowed=", ".join(CHARTS))
    module, fn, _ = CHARTS[kind]
    builder = getattr(importlib.import_module(f"{__name__}.{module}"), fn)
    return builder(session, periods.parse("month", month, today=today), translator(words))
