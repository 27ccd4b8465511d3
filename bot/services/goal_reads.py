"""Reading goals inside one session: details, lists and trees, without N+1 queries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlmodel import Session

from bot.domain.errors import NotFound
from bot.domain.goals import OPEN_STATUSES, GoalDetails, GoalSummary, goal_label
from bot.domain.periods import Period
from bot.services.context import (
    require_goal,
    require_person,
    require_unit,
    saved_id,
    workspace_or_default,
)
from bot.services.goal_checks import check_period
from bot.services.goal_views import measure, summarize, tree_order, with_rollups
from bot.services.progress import RollupNode, rollup
from storage.models import Goal, GoalStatus, Person, Unit
from storage.repositories.csfs import get_csf
from storage.repositories.goals import goal_ancestors, list_goal_rows
from storage.repositories.people import get_person
from storage.repositories.units import get_unit, unit_subtree_ids
from storage.repositories.updates import recent_updates

RECENT = 5  # updates shown with a goal's details
CHILD_STATUSES = frozenset(GoalStatus) - {GoalStatus.DROPPED, GoalStatus.CARRIED_OVER}


def goal_details(session: Session, team_id: str, number: int, at: datetime) -> GoalDetails:
    """A goal with its owner, unit, CSF, parents, children, recent updates and health."""
    goal = require_goal(session, team_id, number)
    goal_id = saved_id(goal)
    owner, unit = _owner_and_unit(session, goal)
    updates = recent_updates(session=session, team_id=team_id, goal_id=goal_id, limit=RECENT)
    rows = list_goal_rows(
        session=session, team_id=team_id, parent_id=goal_id, statuses=CHILD_STATUSES
    )
    children = tuple(summarize(session, team_id, rows, at))
    latest = updates[0] if updates else None
    measured = measure(goal, latest, at, workspace_or_default(session, team_id))
    return GoalDetails(
        goal=goal,
        owner=owner,
        unit=unit,
        csf=get_csf(session=session, team_id=team_id, csf_id=goal.csf_id) if goal.csf_id else None,
        parents=tuple(goal_ancestors(session=session, team_id=team_id, goal_id=goal_id)),
        children=children,
        updates=tuple(updates),
        progress=measured.progress,
        expected=measured.expected,
        health=measured.health,
        rolled_up=_rolled_up(goal_id, measured.progress, children),
    )


def goals_for(
    session: Session,
    team_id: str,
    at: datetime,
    *,
    owner_id: int | None = None,
    owner_slack_id: str | None = None,
    unit_id: int | None = None,
    period: str | None = None,
    statuses: Collection[GoalStatus] = OPEN_STATUSES,
) -> list[GoalSummary]:
    """Summaries of one owner's goals, one unit subtree's goals, or (neither) the company's."""
    if owner_slack_id is not None:
        owner_id = saved_id(require_person(session, team_id, owner_slack_id))
    unit_ids = None
    if unit_id is not None:
        unit_ids = unit_subtree_ids(session=session, team_id=team_id, unit_id=unit_id)
    rows = list_goal_rows(
        session=session,
        team_id=team_id,
        owner_id=owner_id,
        unit_ids=unit_ids,
        period=str(check_period(period)) if period is not None else None,
        statuses=statuses,
    )
    return summarize(session, team_id, rows, at)


def goal_tree(
    session: Session, team_id: str, at: datetime, unit_key: str | None, period: str | None
) -> list[tuple[int, GoalSummary]]:
    """Open goals of a unit's subtree (or the company) in tree order, with roll-ups.

    With a quarter, goals of its fiscal year are included too, so quarterly goals show
    under the yearly goals they serve.
    """
    unit_ids = None
    if unit_key is not None:
        unit_id = saved_id(require_unit(session, team_id, unit_key))
        unit_ids = unit_subtree_ids(session=session, team_id=team_id, unit_id=unit_id)
    periods = None if period is None else _with_year(check_period(period))
    rows = list_goal_rows(
        session=session, team_id=team_id, unit_ids=unit_ids, period=periods, statuses=OPEN_STATUSES
    )
    return tree_order(with_rollups(summarize(session, team_id, rows, at)))


def _owner_and_unit(session: Session, goal: Goal) -> tuple[Person, Unit]:
    owner = get_person(session=session, team_id=goal.team_id, person_id=goal.owner_id)
    unit = get_unit(session=session, team_id=goal.team_id, unit_id=goal.unit_id)
    if owner is None or unit is None:
        raise NotFound(
            f"{goal_label(goal.number)} has lost its owner or unit: ask an admin to repair it."
        )
    return owner, unit


def _rolled_up(goal_id: int, own: float | None, children: Sequence[GoalSummary]) -> float | None:
    nodes = [RollupNode(id=goal_id, parent_id=None, progress=own)]
    nodes += [RollupNode(kid.id, goal_id, kid.progress, kid.weight) for kid in children]
    return rollup(nodes)[goal_id]


def _with_year(period: Period) -> list[str]:
    return [str(period)] if period.is_year else [str(period), str(period.year_period())]
