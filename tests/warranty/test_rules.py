"""Warranty arithmetic: months from sale, usage whichever first, extensions, a replaced part's own period."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from warehouse.warranty import rules

T = rules.Terms(months=12, usage_limit=100_000)


@pytest.mark.parametrize("sold, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 3, 15), 12, date(2027, 3, 15)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
])
def test_add_months_clamps_to_month_end(sold, months, expected):
    assert rules.add_months(sold, months) == expected


def test_last_covered_day_is_the_day_before_the_anniversary():
    sold = date(2026, 3, 15)
    assert rules.evaluate(T, sold_on=sold, on=date(2027, 3, 14)).status == "in_warranty"
    s = rules.evaluate(T, sold_on=sold, on=date(2027, 3, 15))
    assert (s.status, s.expires_on, s.expired_by, s.coverage) == ("expired", date(2027, 3, 14), "date", [])


def test_usage_limit_whichever_comes_first():
    s = rules.evaluate(T, sold_on=date(2026, 1, 1), on=date(2026, 6, 1), usage=100_001)
    assert (s.status, s.expired_by, s.usage_left) == ("expired", "usage", -1)
    s = rules.evaluate(T, sold_on=date(2026, 1, 1), on=date(2026, 6, 1), usage=100_000)
    assert (s.status, s.usage_left, s.coverage) == ("in_warranty", 0, ["parts", "labour"])


def test_no_policy_and_coverage_flags():
    assert rules.evaluate(None, sold_on=date(2026, 1, 1), on=date(2026, 2, 1)).status == "no_policy"
    parts_only = rules.Terms(months=6, covers_labour=False)
    assert rules.evaluate(parts_only, sold_on=date(2026, 1, 1), on=date(2026, 2, 1)).coverage == ["parts"]


def test_extension_and_own_part_warranty_extend_the_date():
    sold, on = date(2025, 1, 10), date(2026, 3, 1)
    assert rules.evaluate(T, sold_on=sold, on=on).status == "expired"
    assert rules.evaluate(T, sold_on=sold, on=on, extra_months=3).expires_on == date(2026, 4, 9)
    assert rules.evaluate(T, sold_on=sold, on=on, own_until=date(2026, 5, 1)).status == "in_warranty"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 240),
       st.integers(0, 20_000))
def test_status_flips_exactly_once_at_expiry(sold, months, offset):
    terms = rules.Terms(months=months)
    s = rules.evaluate(terms, sold_on=sold, on=sold)
    on = date.fromordinal(sold.toordinal() + offset)
    later = rules.evaluate(terms, sold_on=sold, on=on)
    assert s.status == "in_warranty"
    assert later.status == ("in_warranty" if on <= s.expires_on else "expired")
    assert later.days_left == (s.expires_on - on).days


def test_claim_amount_rounds_once_half_up():
    assert rules.claim_amount(dealer_price=Decimal("10.005"), qty=1, labour_hours=Decimal("0"),
                              labour_rate=Decimal("80")) == Decimal("10.01")
    assert rules.claim_amount(dealer_price=Decimal("12.50"), qty=3, labour_hours=Decimal("1.5"),
                              labour_rate=Decimal("80.00")) == Decimal("157.50")


@pytest.mark.parametrize("decision, amount, quality, reject, expected", [
    ("approve", Decimal("100"), None, None, "approved"),
    ("approve", Decimal("100"), Decimal("0"), None, "pending_quality"),
    ("approve", Decimal("99.99"), Decimal("100"), None, "approved"),
    ("charge", Decimal("500"), Decimal("100"), None, "pending_quality"),
    ("reject", Decimal("500"), Decimal("0"), Decimal("2000"), "rejected"),
    ("reject", Decimal("2000.01"), None, Decimal("2000"), "pending_manager"),
])
def test_where_an_assessment_goes(decision, amount, quality, reject, expected):
    assert rules.next_status(decision, amount=amount, quality_above=quality, reject_limit=reject) == expected
