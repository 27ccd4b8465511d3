"""The review's rules, pure: when reviews open, what they cover, and the diagnosis.

- **When.** Every unit's review of a fiscal quarter opens on the quarter's last working day
  (weekends and workspace holidays skipped) at the workspace's digest time, in the workspace's
  time zone. A review missed during downtime opens late, up to ``CATCH_UP`` after that
  instant, and never twice (one review per unit and quarter).
- **What.** A unit's review covers its own goals of the quarter, and in the fiscal year's last
  quarter its goals of the year too (``review_periods``). Units without such goals get none.
- **Diagnosis** (``diagnose``), from two signals:
  - *rhythm kept*: at least ``PARTICIPATION_THRESHOLD`` (70%) of the check-ins whose cycle is
    over were answered (answered / (answered + missed); skipped ones, away or late, and
    still-open ones are left out);
  - *numbers moved*: % to objective is at least the expected progress minus
    ``PROGRESS_MARGIN`` (10 points, the margin of "on track").

  Rhythm broke → an *execution* problem (whatever the numbers say); rhythm kept but the
  numbers did not move → a *strategy* problem (people did the work, the plan did not pay
  off); both fine → *on course*. Without answered-or-missed check-ins, or without a
  measurable goal where the rhythm was kept, the diagnosis says there is not enough to judge.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.domain.periods import Period, quarter_of
from bot.domain.review import Diagnosis, DiagnosisKind
from bot.rhythm import CheckinRule, build_rule, local_date, local_to_utc, parse_local_time
from bot.services.progress import ON_TRACK_MARGIN
from storage.models import Workspace

PARTICIPATION_THRESHOLD = 0.70
"""The share of check-ins answered at or above which the rhythm counts as kept."""

PROGRESS_MARGIN = ON_TRACK_MARGIN
"""How far below expected progress the numbers may be and still count as moved (0.10)."""

CATCH_UP = timedelta(days=7)
"""How late an automatic review may still open after downtime."""


def diagnose(
    *, progress: float | None, expected: float | None, answered: int, missed: int
) -> Diagnosis:
    """The diagnosis of a unit's quarter from its rhythm and its numbers (module rules)."""
    asked = answered + missed
    if asked == 0:
        return Diagnosis(DiagnosisKind.UNCLEAR, "Not enough check-ins to judge the rhythm.")
    share = answered / asked
    rhythm = f"{_pct(share)} of check-ins answered"
    if share < PARTICIPATION_THRESHOLD:
        numbers = _numbers(progress, expected)
        tail = f"; numbers: {numbers}" if numbers else ""
        return Diagnosis(
            DiagnosisKind.EXECUTION,
            f"Execution problem: the rhythm broke ({rhythm}, below "
            f"{_pct(PARTICIPATION_THRESHOLD)}){tail}.",
        )
    if progress is None or expected is None:
        return Diagnosis(
            DiagnosisKind.UNCLEAR,
            f"The rhythm was kept ({rhythm}) but no goal is measurable: nothing to judge it by.",
        )
    if progress < expected - PROGRESS_MARGIN:
        return Diagnosis(
            DiagnosisKind.STRATEGY,
            f"Strategy problem: the rhythm was kept ({rhythm}) but the numbers did not move "
            f"({_numbers(progress, expected)}).",
        )
    return Diagnosis(
        DiagnosisKind.ON_COURSE,
        f"On course: the rhythm was kept ({rhythm}) and the numbers moved "
        f"({_numbers(progress, expected)}).",
    )


def _numbers(progress: float | None, expected: float | None) -> str:
    if progress is None or expected is None:
        return ""
    return f"{_pct(progress)} to objective, {_pct(expected)} expected"


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def review_periods(quarter: Period) -> tuple[str, ...]:
    """The periods a quarter's review covers: the quarter, plus its year in the last quarter."""
    if quarter.is_year:
        raise ValueError(f"reviews are per quarter, not {quarter}")
    if quarter.quarter == 4:
        return (str(quarter), str(quarter.year_period()))
    return (str(quarter),)


def previous_quarter(quarter: Period) -> Period:
    """The quarter before this one."""
    if quarter.quarter == 1:
        return Period(quarter.year - 1, 4)
    return Period(quarter.year, (quarter.quarter or 1) - 1)


def workspace_calendar(workspace: Workspace) -> CheckinRule:
    """The workspace's zone, working days and holidays, as a rule (the time is its digest's)."""
    return build_rule(
        cadence=workspace.cadence,
        weekday=workspace.digest_weekday,
        checkin_time=workspace.digest_time,
        workspace_tz=workspace.timezone,
        holidays=workspace.holidays,
    )


def opening_instant(quarter: Period, workspace: Workspace) -> datetime:
    """When a quarter's reviews open: its last working day at the digest time (UTC)."""
    calendar = workspace_calendar(workspace)
    _, last = quarter.bounds(workspace.fiscal_year_start_month)
    day = last
    while not calendar.is_working_day(day) and last - day < timedelta(days=31):
        day -= timedelta(days=1)
    at = parse_local_time(workspace.digest_time)
    return local_to_utc(day, at, calendar.zone)


def due_quarters(
    now: datetime, workspace: Workspace, catch_up: timedelta = CATCH_UP
) -> list[Period]:
    """The quarters whose reviews should be open at ``now`` (opened at most ``catch_up`` ago)."""
    today: date = local_date(now, workspace_calendar(workspace).zone)
    current = quarter_of(today, workspace.fiscal_year_start_month)
    due = []
    for quarter in (previous_quarter(current), current):
        opens = opening_instant(quarter, workspace)
        if opens <= now < opens + catch_up:
            due.append(quarter)
    return due
