"""Recording progress: immutable updates, de-duplicated, checked and audited."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.domain.errors import InvalidInput
from bot.domain.goals import RecordedUpdate, goal_label
from bot.services.context import audit, load_actor, load_authority, require_goal, saved_id
from bot.services.permissions import Actor, require_update_progress
from bot.services.progress import progress
from storage.models import CLOSED_STATUSES, Goal, GoalUpdate, Health, UpdateSource
from storage.repositories.audit import snapshot
from storage.repositories.deliveries import answer_open_checkin
from storage.repositories.goals import get_goal
from storage.repositories.people import get_person
from storage.repositories.updates import (
    NewUpdate,
    add_update,
    get_update_by_dedup_key,
    latest_updates,
)

NOTE_MAX = 3000
UPDATE_FIELDS = ("value", "health", "confidence", "blocker", "no_change")


@dataclass(frozen=True)
class UpdateEntry:
    """What an owner reports: a value, a health, a confidence (1-10), a note or blocker."""

    value: float | None = None
    health: Health | None = None
    confidence: int | None = None
    note: str = ""
    blocker: bool = False
    source: UpdateSource = UpdateSource.COMMAND
    dedup_key: str | None = None
    no_change: bool = False  # "nothing changed": the last value and health carry forward
    delivery_id: int | None = None


def existing_update(session: Session, team_id: str, dedup_key: str | None) -> RecordedUpdate | None:
    """The update already recorded under a dedup key, as a duplicate, or None."""
    if dedup_key is None:
        return None
    update = get_update_by_dedup_key(session=session, team_id=team_id, dedup_key=dedup_key)
    if update is None:
        return None
    goal = get_goal(session=session, team_id=team_id, goal_id=update.goal_id)
    value = progress(goal, update.value) if goal is not None else None
    return RecordedUpdate(update=update, progress=value, duplicate=True)


def record_update(
    session: Session, actor_id: str, team_id: str, number: int, entry: UpdateEntry, now: datetime
) -> RecordedUpdate:
    """Check and add one immutable update (or return the one already under its dedup key)."""
    repeat = existing_update(session, team_id, entry.dedup_key)
    if repeat is not None:
        return repeat
    goal = require_goal(session, team_id, number)
    actor = load_actor(session, team_id, actor_id)
    _authorize(session, actor, goal)
    _check_entry(goal, entry)
    previous = latest_updates(session=session, team_id=team_id, goal_ids=[saved_id(goal)])
    last = previous.get(saved_id(goal))
    answered = None
    if actor.person_id == goal.owner_id:  # the owner spoke: no reminder, not missed
        answered = answer_open_checkin(
            session=session, team_id=team_id, person_id=goal.owner_id, now=now
        )
    if answered is not None and entry.delivery_id is None:  # the check-in's Undo covers it
        entry = replace(entry, delivery_id=saved_id(answered))
    new = _new_update(goal, entry, last, actor.person_id)
    row = add_update(session=session, team_id=team_id, update=new, created_at=now)
    before = snapshot(last, UPDATE_FIELDS) if last is not None else {}
    audit(session, actor_id, goal, "update", before, _after(row), now)
    return RecordedUpdate(
        update=row,
        progress=progress(goal, row.value),
        answered_checkin=saved_id(answered) if answered is not None else None,
    )


def _authorize(session: Session, actor: Actor, goal: Goal) -> None:
    owner = get_person(session=session, team_id=goal.team_id, person_id=goal.owner_id)
    require_update_progress(
        actor,
        load_authority(session, goal.team_id, goal.unit_id),
        owner_id=goal.owner_id,
        owner_name=owner.name if owner is not None else "its owner",
        goal_label=goal_label(goal.number),
    )


def _check_entry(goal: Goal, entry: UpdateEntry) -> None:
    if goal.status in CLOSED_STATUSES:
        raise InvalidInput(
            f"{goal_label(goal.number)} is closed ({goal.status.value}): progress can only "
            "be recorded on open goals.",
        )
    if entry.value is not None and not math.isfinite(entry.value):
        raise InvalidInput("The value must be a plain number, like 42 or 3.5.", field="value")
    if entry.confidence is not None and not 1 <= entry.confidence <= 10:
        raise InvalidInput(
            f"Confidence is a whole number from 1 (no chance) to 10 (certain), "
            f"not {entry.confidence}.",
            field="confidence",
        )
    if len(entry.note) > NOTE_MAX:
        raise InvalidInput(
            f"The note is {len(entry.note)} characters long; keep it to {NOTE_MAX} or fewer.",
            field="note",
        )


def _new_update(
    goal: Goal, entry: UpdateEntry, previous: GoalUpdate | None, author_id: int | None
) -> NewUpdate:
    value, health = entry.value, entry.health
    if entry.no_change and previous is not None:
        value = previous.value if value is None else value
        health = previous.health if health is None else health
    return NewUpdate(
        goal_id=saved_id(goal),
        source=entry.source,
        value=value,
        health=health,
        confidence=entry.confidence,
        note=entry.note.strip(),
        blocker=entry.blocker,
        no_change=entry.no_change,
        author_id=author_id,
        delivery_id=entry.delivery_id,
        dedup_key=entry.dedup_key,
    )


def _after(row: GoalUpdate) -> dict[str, Any]:
    return {**snapshot(row, UPDATE_FIELDS), "update_id": row.id, "source": row.source.value}
