"""The review's pure rules: the diagnosis, what a quarter's review covers, when it opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.periods import Period
from bot.domain.review import DiagnosisKind
from bot.reviews.policy import (
    CATCH_UP,
    diagnose,
    due_quarters,
    opening_instant,
    previous_quarter,
    review_periods,
)
from storage.models import Workspace

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def _workspace(**settings: object) -> Workspace:
    return Workspace(id="T1", created_at=CREATED, **settings)


@pytest.mark.parametrize(
    ("progress", "expected", "answered", "missed", "kind"),
    [
        (0.95, 1.0, 9, 1, DiagnosisKind.ON_COURSE),  # rhythm kept, numbers moved
        (0.50, 1.0, 9, 1, DiagnosisKind.STRATEGY),  # rhythm kept, numbers did not move
        (0.95, 1.0, 3, 7, DiagnosisKind.EXECUTION),  # rhythm broke (numbers fine or not)
        (0.20, 1.0, 3, 7, DiagnosisKind.EXECUTION),
        (0.90, 1.0, 7, 3, DiagnosisKind.ON_COURSE),  # exactly 70% answered: kept
        (0.90, 1.0, 69, 31, DiagnosisKind.EXECUTION),  # 69%: broke
        (0.89, 1.0, 7, 3, DiagnosisKind.STRATEGY),  # more than 10 points below expected
        (None, None, 0, 0, DiagnosisKind.UNCLEAR),  # nobody was asked
        (None, None, 8, 2, DiagnosisKind.UNCLEAR),  # rhythm kept, nothing measurable
    ],
)
def test_the_diagnosis_rule(
    progress: float | None, expected: float | None, answered: int, missed: int, kind: DiagnosisKind
) -> None:
    diagnosis = diagnose(progress=progress, expected=expected, answered=answered, missed=missed)
    assert diagnosis.kind is kind


def test_the_diagnosis_says_why_with_the_numbers() -> None:
    strategy = diagnose(progress=0.4, expected=0.9, answered=17, missed=3)
    assert strategy.text == (
        "Strategy problem: the rhythm was kept (85% of check-ins answered) but the numbers "
        "did not move (40% to objective, 90% expected)."
    )
    execution = diagnose(progress=None, expected=None, answered=1, missed=3)
    assert execution.text == (
        "Execution problem: the rhythm broke (25% of check-ins answered, below 70%)."
    )


def test_a_review_covers_its_quarter_and_in_the_last_quarter_its_year() -> None:
    assert review_periods(Period(2027, 1)) == ("2027-Q1",)
    assert review_periods(Period(2027, 4)) == ("2027-Q4", "FY2027")
    with pytest.raises(ValueError):
        review_periods(Period(2027))
    assert previous_quarter(Period(2027, 1)) == Period(2026, 4)
    assert previous_quarter(Period(2027, 3)) == Period(2027, 2)


def test_reviews_open_on_the_last_working_day_at_the_digest_time() -> None:
    # 2027-Q1 ends on Wednesday 31 March; New York is on daylight time (UTC-4).
    new_york = _workspace(timezone="America/New_York", digest_time="09:00")
    assert opening_instant(Period(2027, 1), new_york) == datetime(2027, 3, 31, 13, tzinfo=UTC)
    # 2027-Q2 ends on Wednesday 30 June, a holiday here: Tuesday 29 June instead.
    berlin = _workspace(timezone="Europe/Berlin", digest_time="16:30", holidays=["2027-06-30"])
    assert opening_instant(Period(2027, 2), berlin) == datetime(2027, 6, 29, 14, 30, tzinfo=UTC)
    # 2027-Q3 ends on Thursday 30 September; the default workspace is on UTC at 09:00.
    utc = _workspace()
    assert opening_instant(Period(2027, 3), utc) == datetime(2027, 9, 30, 9, tzinfo=UTC)


def test_the_last_working_day_skips_a_weekend() -> None:
    # 2027-Q4 ends on Friday 31 December; 2028-Q3 on Saturday 30 September.
    assert opening_instant(Period(2027, 4), _workspace()).date().isoformat() == "2027-12-31"
    assert opening_instant(Period(2028, 3), _workspace()).date().isoformat() == "2028-09-29"


def test_a_quarter_is_due_from_its_opening_for_the_catch_up_window() -> None:
    workspace = _workspace(timezone="America/New_York")
    opens = datetime(2027, 3, 31, 13, tzinfo=UTC)
    assert due_quarters(opens - timedelta(seconds=1), workspace) == []
    assert due_quarters(opens, workspace) == [Period(2027, 1)]
    # After a downtime over the quarter's end: still due in the first days of the next one.
    assert due_quarters(opens + timedelta(days=3), workspace) == [Period(2027, 1)]
    assert due_quarters(opens + CATCH_UP, workspace) == []


def test_a_fiscal_year_from_april_moves_the_quarters() -> None:
    # With an April fiscal year, 2027-Q4 is January to March 2028: Friday 31 March 2028.
    april = _workspace(fiscal_year_start_month=4)
    assert opening_instant(Period(2027, 4), april) == datetime(2028, 3, 31, 9, tzinfo=UTC)
