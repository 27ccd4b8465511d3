"""Turning a draft into an unsaved goal: its owner, unit, period and parent resolved."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.errors import InvalidInput
from bot.domain.goals import GoalDraft, goal_label
from bot.domain.periods import quarter_of
from bot.services.context import fiscal_start_month, saved_id
from bot.services.goal_checks import check_owner, check_period
from storage.models import CLOSED_STATUSES, Goal, Person, Unit
from storage.repositories.goals import get_goal_by_key, get_goal_by_number
from storage.repositories.people import get_person_by_slack_id
from storage.repositories.units import get_unit, get_unit_by_key

_DRAFT_FIELDS = (
    "key", "description", "csf_id", "metric_name", "metric_unit", "baseline", "target",
    "direction", "due_date", "weight", "status", "visibility",
)  # fmt: skip


def resolve_owner(session: Session, team_id: str, slack_user_id: str) -> Person:
    """The active person who will own a goal, or InvalidInput on the ``owner`` field."""
    person = get_person_by_slack_id(session=session, team_id=team_id, slack_user_id=slack_user_id)
    return check_owner(person, slack_user_id)


def draft_unit(session: Session, team_id: str, draft: GoalDraft, owner: Person) -> Unit:
    """The draft's unit, by key, or else the owner's unit."""
    if draft.unit_key is not None:
        unit = get_unit_by_key(session=session, team_id=team_id, key=draft.unit_key)
        if unit is None:
            raise InvalidInput(
                f"There is no unit `{draft.unit_key}` in this workspace: check the spelling.",
                field="unit",
            )
        return unit
    unit_id = owner.unit_id
    unit = None if unit_id is None else get_unit(session=session, team_id=team_id, unit_id=unit_id)
    if unit is None:
        raise InvalidInput(
            f"Pick a unit for this goal: {owner.name or 'its owner'} does not belong to one yet.",
            field="unit",
        )
    return unit


def attach_parent(session: Session, goal: Goal, parent_number: int) -> Goal:
    """Point an unsaved goal at its parent, which must exist; return the parent."""
    parent = get_goal_by_number(session=session, team_id=goal.team_id, number=parent_number)
    if parent is None:
        raise InvalidInput(
            f"{goal_label(parent_number)} does not exist in this workspace. "
            "Try `/goal list` to see goal ids.",
            field="parent",
        )
    goal.parent_id = parent.id
    return parent


def new_goal(
    session: Session, team_id: str, draft: GoalDraft, owner: Person, unit: Unit, now: datetime
) -> Goal:
    """An unsaved, unnumbered goal from a draft (the period defaults to the current quarter)."""
    if draft.key is not None and get_goal_by_key(session=session, team_id=team_id, key=draft.key):
        raise InvalidInput(f"A goal with the key `{draft.key}` already exists.", field="key")
    if draft.status in CLOSED_STATUSES:
        raise InvalidInput("A new goal starts as draft or active.", field="status")
    period = draft.period or str(quarter_of(now.date(), fiscal_start_month(session, team_id)))
    return Goal(
        **{name: getattr(draft, name) for name in _DRAFT_FIELDS},
        team_id=team_id,
        number=0,
        title=draft.title.strip(),
        owner_id=saved_id(owner),
        unit_id=saved_id(unit),
        period=str(check_period(period)),
        created_at=now,
        updated_at=now,
    )
