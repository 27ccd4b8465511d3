"""Fiscal periods: ``2027-Q1`` (a fiscal quarter) and ``FY2027`` (a fiscal year).

A fiscal year is named by the calendar year in which it starts: with a fiscal year
starting in April, ``FY2027`` runs from 1 April 2027 to 31 March 2028 and ``2027-Q1`` is
April to June 2027. With the default January start, fiscal and calendar years agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^FY(\d{4})$")


class PeriodError(ValueError):
    """A period string that is neither ``YYYY-Qn`` nor ``FYYYYY``."""


@dataclass(frozen=True, order=True)
class Period:
    """A fiscal year (quarter is None) or one of its quarters."""

    year: int
    quarter: int | None = None

    def __str__(self) -> str:
        return f"FY{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def is_year(self) -> bool:
        """True for a whole fiscal year."""
        return self.quarter is None

    def encloses(self, other: Period) -> bool:
        """True when ``other`` is this period or lies inside it."""
        if self == other:
            return True
        return self.is_year and other.year == self.year

    def bounds(self, fy_start_month: int = 1) -> tuple[date, date]:
        """First and last day (inclusive) of the period."""
        first_quarter = 1 if self.quarter is None else self.quarter
        quarters = 4 if self.quarter is None else 1
        start = _add_months(date(self.year, fy_start_month, 1), 3 * (first_quarter - 1))
        end = _add_months(start, 3 * quarters) - timedelta(days=1)
        return start, end

    def next(self) -> Period:
        """The period that follows this one (same length)."""
        if self.quarter is None:
            return Period(self.year + 1)
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def year_period(self) -> Period:
        """The fiscal year this period belongs to."""
        return Period(self.year)


def parse_period(text: str) -> Period:
    """Parse ``2027-Q1`` or ``FY2027`` (case-insensitive); raise PeriodError otherwise."""
    cleaned = text.strip().upper()
    if match := _QUARTER.match(cleaned):
        return Period(int(match[1]), int(match[2]))
    if match := _YEAR.match(cleaned):
        return Period(int(match[1]))
    raise PeriodError(f"'{text}' is not a period: use a quarter like 2027-Q1 or a year like FY2027")


def quarter_of(day: date, fy_start_month: int = 1) -> Period:
    """The fiscal quarter containing a date."""
    months = (day.year * 12 + day.month - 1) - (fy_start_month - 1)
    fiscal_year, month_in_year = divmod(months, 12)
    return Period(fiscal_year, month_in_year // 3 + 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)
