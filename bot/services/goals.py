"""The goal service: the cascade's goals, created, changed, closed, updated and read."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.domain.clock import Clock
from bot.domain.errors import GoalbotError
from bot.domain.goals import (
    OPEN_STATUSES,
    ClosedGoal,
    CreatedGoal,
    EditedGoal,
    GoalDetails,
    GoalDraft,
    GoalEdit,
    GoalSummary,
    RecordedUpdate,
)
from bot.services import goal_reads, goal_writes
from bot.services.goal_updates import UpdateEntry, existing_update, record_update
from storage.db import unit_of_work
from storage.models import Goal, GoalStatus, Health, UpdateSource
from storage.repositories.goals import get_goal_by_number

# Two people creating goals at the same instant can race for the same number.
NUMBER_ATTEMPTS = 3


class GoalService:
    """Goals of the cascade; every change is permission-checked, validated and audited."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def create(self, *, team_id: str, actor_id: str, draft: GoalDraft) -> CreatedGoal:
        """Create a goal from a draft; the result carries SMART coaching for its author."""
        for _ in range(NUMBER_ATTEMPTS - 1):
            try:
                return self._create_once(team_id, actor_id, draft)
            except IntegrityError:
                continue  # another goal took the number: try the next one
        return self._create_once(team_id, actor_id, draft)

    def edit(self, *, team_id: str, actor_id: str, goal_number: int, edit: GoalEdit) -> EditedGoal:
        """Change a goal's wording, metric, due date, weight, CSF or visibility."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            return goal_writes.edit_goal(session, actor_id, team_id, goal_number, edit, now)

    def align(
        self, *, team_id: str, actor_id: str, goal_number: int, parent_number: int | None
    ) -> Goal:
        """Align a goal under a parent goal (None: detach it)."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            return goal_writes.align_goal(
                session, actor_id, team_id, goal_number, parent_number, now
            )

    def set_owner(
        self, *, team_id: str, actor_id: str, goal_number: int, owner_slack_id: str
    ) -> Goal:
        """Hand a goal to another person."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            return goal_writes.set_goal_owner(
                session, actor_id, team_id, goal_number, owner_slack_id, now
            )

    def close(
        self, *, team_id: str, actor_id: str, goal_number: int, status: GoalStatus
    ) -> ClosedGoal:
        """Close a goal as achieved, missed, dropped or carried over."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            return goal_writes.close_goal(session, actor_id, team_id, goal_number, status, now)

    def record_update(
        self,
        *,
        team_id: str,
        actor_id: str,
        goal_number: int,
        value: float | None = None,
        health: Health | None = None,
        confidence: int | None = None,
        note: str = "",
        blocker: bool = False,
        source: UpdateSource = UpdateSource.COMMAND,
        dedup_key: str | None = None,
        no_change: bool = False,
        delivery_id: int | None = None,
    ) -> RecordedUpdate:
        """Record progress; a repeated dedup key returns the update already recorded."""
        entry = UpdateEntry(
            value, health, confidence, note, blocker, source, dedup_key, no_change, delivery_id
        )
        return self.record(team_id=team_id, actor_id=actor_id, goal_number=goal_number, entry=entry)

    def record(
        self, *, team_id: str, actor_id: str, goal_number: int, entry: UpdateEntry
    ) -> RecordedUpdate:
        """Record progress from an UpdateEntry (see ``record_update``)."""
        try:
            with unit_of_work(self._engine) as session:
                now = self._clock.now()
                return record_update(session, actor_id, team_id, goal_number, entry, now)
        except IntegrityError:
            # A concurrent delivery of the same update won the race: return its row.
            with unit_of_work(self._engine) as session:
                repeat = existing_update(session, team_id, entry.dedup_key)
            if repeat is None:
                raise
            return repeat

    def record_all(
        self, *, team_id: str, actor_id: str, entries: Sequence[tuple[int, UpdateEntry]]
    ) -> list[RecordedUpdate | GoalbotError]:
        """Record several updates (goal number, entry) in one unit of work: each one's result,
        or the error that refused it (checked before anything of it is written)."""
        for attempt in (1, 2):
            try:
                with unit_of_work(self._engine) as session:
                    now = self._clock.now()
                    return [
                        _recorded_or_refused(session, actor_id, team_id, number, entry, now)
                        for number, entry in entries
                    ]
            except IntegrityError:
                # A concurrent delivery of the same updates won the race: their dedup keys now
                # find its rows.
                if attempt == 2 or any(entry.dedup_key is None for _, entry in entries):
                    raise
        raise AssertionError("unreachable")

    def _create_once(self, team_id: str, actor_id: str, draft: GoalDraft) -> CreatedGoal:
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            return goal_writes.create_goal(session, actor_id, team_id, draft, now)

    def metric_unit(self, *, team_id: str, goal_number: int) -> str | None:
        """The unit of a goal's metric, to read a typed value in (None: no such goal or unit)."""
        with unit_of_work(self._engine) as session:
            goal = get_goal_by_number(session=session, team_id=team_id, number=goal_number)
            return goal.metric_unit if goal is not None else None

    def get_details(self, *, team_id: str, goal_number: int) -> GoalDetails:
        """Everything about one goal: owner, unit, parents, children, updates, health."""
        with unit_of_work(self._engine) as session:
            return goal_reads.goal_details(session, team_id, goal_number, self._clock.now())

    def list_for(
        self,
        *,
        team_id: str,
        owner_id: int | None = None,
        owner_slack_id: str | None = None,
        unit_id: int | None = None,
        period: str | None = None,
        statuses: Collection[GoalStatus] = OPEN_STATUSES,
    ) -> list[GoalSummary]:
        """Summaries of an owner's goals, a unit subtree's goals, or all the company's."""
        with unit_of_work(self._engine) as session:
            return goal_reads.goals_for(
                session,
                team_id,
                self._clock.now(),
                owner_id=owner_id,
                owner_slack_id=owner_slack_id,
                unit_id=unit_id,
                period=period,
                statuses=statuses,
            )

    def tree(
        self, *, team_id: str, unit_key: str | None = None, period: str | None = None
    ) -> list[tuple[int, GoalSummary]]:
        """(depth, summary) pairs of open goals in tree order, with roll-ups."""
        with unit_of_work(self._engine) as session:
            return goal_reads.goal_tree(session, team_id, self._clock.now(), unit_key, period)


def _recorded_or_refused(
    session: Session, actor_id: str, team_id: str, number: int, entry: UpdateEntry, now: datetime
) -> RecordedUpdate | GoalbotError:
    try:
        return record_update(session, actor_id, team_id, number, entry, now)
    except GoalbotError as error:
        return error
