"""Fiscal periods: parsing, bounds, enclosure and the quarter of a date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.periods import Period, PeriodError, parse_period, quarter_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2027-Q1", Period(2027, 1)), ("fy2027", Period(2027)), (" 2026-q4 ", Period(2026, 4))],
)
def test_parse_accepts_quarters_and_years(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2027-Q5", "Q1", "2027", "FY27", ""])
def test_parse_rejects_anything_else_with_the_forms_to_use(text: str) -> None:
    with pytest.raises(PeriodError, match="2027-Q1"):
        parse_period(text)


def test_bounds_follow_the_fiscal_year_start() -> None:
    assert Period(2027, 1).bounds() == (date(2027, 1, 1), date(2027, 3, 31))
    assert Period(2027, 4).bounds(4) == (date(2028, 1, 1), date(2028, 3, 31))
    assert Period(2027).bounds(4) == (date(2027, 4, 1), date(2028, 3, 31))


def test_a_year_encloses_its_quarters_but_not_the_other_way() -> None:
    assert Period(2027).encloses(Period(2027, 3))
    assert Period(2027, 3).encloses(Period(2027, 3))
    assert not Period(2027, 3).encloses(Period(2027))
    assert not Period(2027).encloses(Period(2028, 1))


def test_quarter_of_a_date() -> None:
    assert quarter_of(date(2027, 2, 14)) == Period(2027, 1)
    assert quarter_of(date(2027, 2, 14), fy_start_month=4) == Period(2026, 4)
    assert quarter_of(date(2027, 4, 1), fy_start_month=4) == Period(2027, 1)


def test_next_period() -> None:
    assert Period(2027, 4).next() == Period(2028, 1)
    assert Period(2027, 2).next() == Period(2027, 3)
    assert Period(2027).next() == Period(2028)
