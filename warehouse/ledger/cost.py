"""Moving-average cost and money rounding: the one definition, for Python callers and for SQL statements.

The rule (docs/architecture.md, "The ledger"):
- a store's valuation keeps `qty` and `value`; `value` is exact at 4 decimal places (a sum of qty × 4-place unit
  costs) and is never rounded;
- the moving-average unit cost is value / qty rounded half away from zero ("half-up") to 4 places, or the part's
  standard cost while the store holds none; a given unit cost (a receipt) is rounded the same way before it is
  booked;
- an issue takes qty × that unit cost out of `value`; the issue that empties the store takes whatever is left;
- a money amount (the value of a difference) is qty × unit cost rounded half-up to 2 places where it is reported.

SQL computes in whole ten-thousandths (BIGINT): SQLite keeps NUMERIC columns as binary floating point, where
`round(x, 4)` of a half depends on the binary neighbour of x, and PostgreSQL's `numeric` division rounds its
quotient at a scale of its own choosing before `round()` sees it. Integer arithmetic gives both the same digits.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from sqlalchemy import BigInteger, Numeric, case, cast, func, literal_column, type_coerce

from warehouse.db import COST

_Q4, _Q2 = Decimal("0.0001"), Decimal("0.01")


def round_cost(amount) -> Decimal:
    """A unit cost at 4 places, half-up."""
    return Decimal(amount).quantize(_Q4, rounding=ROUND_HALF_UP)


def round_money(amount) -> Decimal:
    """A money amount at 2 places, half-up."""
    return Decimal(amount).quantize(_Q2, rounding=ROUND_HALF_UP)


def moving_average(value, qty: int, *, default=None) -> Decimal:
    """The unit cost of a store holding `qty` worth `value`; `default` (the standard cost) when it holds none."""
    if not qty or qty <= 0:
        return round_cost(default if default is not None else 0)
    with localcontext() as ctx:
        ctx.prec = 60  # exact enough that quantize sees the true quotient, never a rounded one
        return (round_cost(value) / qty).quantize(_Q4, rounding=ROUND_HALF_UP)


def money(qty: int, unit_cost) -> Decimal:
    """The value of `qty` pieces at `unit_cost`, at 2 places."""
    return round_money(qty * round_cost(unit_cost))


# --- SQL ----------------------------------------------------------------------------------------------------------

def _int(n: int):
    return literal_column(str(n), BigInteger)


def _units(x):
    """A NUMERIC expression (4 places at most) as whole ten-thousandths."""
    return cast(func.round(x * _int(10_000)), BigInteger)


def _divide_half_up(num, den):
    """num / den rounded half away from zero, for integer expressions with den > 0. Only non-negative operands
    reach the division, where both databases' integer division truncates alike."""
    size = _divide(_int(2) * func.abs(num, type_=BigInteger) + den, _int(2) * den, BigInteger)
    return case((num < _int(0), -size), else_=size)


def _divide(num, den, type_):
    """A plain SQL `/` (SQLAlchemy's `/` and `//` add casts and FLOOR() of their own)."""
    return num.self_group().op("/", return_type=type_)(den.self_group())


def _from_units(units, scale: int, type_):
    # bigint / a decimal literal: numeric on PostgreSQL (exact), a correctly rounded double on SQLite
    return _divide(units, literal_column(f"{scale}.0"), type_)


def sql_moving_average(value, qty):
    """SQL for `moving_average(value, qty)` where qty > 0 (callers guard the empty store)."""
    return _from_units(_divide_half_up(_units(value), type_coerce(qty, BigInteger)), 10_000, COST)


def sql_value_less(value, unit_cost, qty):
    """SQL for value − qty × unit_cost, exact at 4 places on both databases."""
    return _from_units(_units(value) - _units(unit_cost) * type_coerce(qty, BigInteger), 10_000, value.type)


def sql_value_plus(value, amount):
    """SQL for value + amount, exact at 4 places on both databases."""
    return _from_units(_units(value) + _units(amount), 10_000, value.type)


def sql_cents(qty, unit_cost):
    """SQL for `money(qty, unit_cost)` in whole cents (BIGINT): statements sum these exactly on both databases."""
    return _divide_half_up(_units(unit_cost) * type_coerce(qty, BigInteger), _int(100))


def sql_money(qty, unit_cost):
    """SQL for `money(qty, unit_cost)`."""
    return _from_units(sql_cents(qty, unit_cost), 100, Numeric(18, 2))
