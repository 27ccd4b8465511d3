"""Reading one quarter of a workspace for its scorecards, in a handful of queries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from bot.domain.periods import Period
from bot.reviews.measure import QuarterData, UnitInfo
from bot.reviews.policy import review_periods
from bot.services.context import workspace_or_default
from storage.repositories.csfs import list_csfs_of_period
from storage.repositories.reviews import checkin_answers, goals_of_periods
from storage.repositories.units import list_units
from storage.repositories.updates import latest_updates


def load_quarter(session: Session, team_id: str, quarter: Period, at: datetime) -> QuarterData:
    """Goals, their latest updates, CSFs, units and check-in answers of a quarter, up to ``at``.

    Check-ins count from the quarter's first day (UTC midnight) to ``at`` or the quarter's
    end, whichever is first.
    """
    workspace = workspace_or_default(session, team_id)
    periods = review_periods(quarter)
    goals = goals_of_periods(session=session, team_id=team_id, periods=periods)
    start, end = quarter.bounds(workspace.fiscal_year_start_month)
    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = min(at, datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC))
    units = list_units(session=session, team_id=team_id)
    return QuarterData(
        quarter=quarter,
        at=at,
        workspace=workspace,
        units={
            unit.id: UnitInfo(unit.id, unit.key, unit.name, unit.parent_id)
            for unit in units
            if unit.id is not None
        },
        goals=goals,
        latest=latest_updates(
            session=session, team_id=team_id, goal_ids=[goal.id for goal in goals]
        ),
        csfs=list_csfs_of_period(session=session, team_id=team_id, periods=periods),
        answers=checkin_answers(session=session, team_id=team_id, since=since, until=until),
    )
