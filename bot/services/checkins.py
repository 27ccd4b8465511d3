"""Answering a check-in from its DM: nothing changed, away this week, or undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.domain.goals import OPEN_STATUSES, goal_label
from bot.rhythm import local_date, resolve_zone
from bot.services.context import audit, require_person, saved_id, workspace_or_default
from bot.services.goal_updates import UpdateEntry, record_update
from storage.db import unit_of_work
from storage.models import CheckinDelivery, DeliveryStatus, Person, UpdateSource
from storage.repositories.audit import snapshot
from storage.repositories.deliveries import delete_updates, get_delivery, updates_of_delivery
from storage.repositories.goals import list_goals

UNDO_WINDOW = timedelta(minutes=10)
"""How long after answering a check-in its owner can take the answer back."""


@dataclass(frozen=True)
class Answer:
    """What an answer recorded, for the DM that replaces the check-in."""

    owner_name: str
    recorded: list[tuple[str, str]]
    away_until: date | None = None


@dataclass(frozen=True)
class PostedCheckin:
    """Where a check-in DM was posted, and to whom."""

    owner_name: str
    channel: str
    message_ts: str


class CheckinService:
    """Records answers to check-in DMs and lets their owner undo them for a few minutes."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def no_change(self, *, team_id: str, actor_id: str, delivery_id: int) -> Answer:
        """Record "no change" on every open goal of the owner, once per delivery, and mark the
        check-in answered: one unit of work for the whole click."""
        try:
            return self._no_change(team_id, actor_id, delivery_id)
        except IntegrityError:
            # A concurrent click on the same check-in recorded first: this returns its updates.
            return self._no_change(team_id, actor_id, delivery_id)

    def away_this_week(self, *, team_id: str, actor_id: str, delivery_id: int) -> Answer:
        """Mark the owner away until the end of their local week; the check-in is skipped."""
        with unit_of_work(self._engine) as session:
            owner, delivery = self._load(session, team_id, actor_id, delivery_id)
            zone = resolve_zone(owner.tz or "", workspace_or_default(session, team_id).timezone)
            today = local_date(self._clock.now(), zone)
            sunday = today + timedelta(days=6 - today.weekday())
            before = snapshot(owner, ["away_until"])
            owner.away_until = max(sunday, owner.away_until or sunday)
            now = self._clock.now()
            audit(session, actor_id, owner, "pause", before, snapshot(owner, ["away_until"]), now)
            delivery.status, delivery.answered_at = DeliveryStatus.SKIPPED, now
            return Answer(owner.name, [], owner.away_until)

    def mark_answered(
        self, *, team_id: str, actor_id: str, delivery_id: int
    ) -> PostedCheckin | None:
        """Record that the owner answered a delivery; where its DM is, to update it in place
        (None for ad-hoc check-ins and for a DM whose post was never recorded)."""
        if not delivery_id:
            return None
        with unit_of_work(self._engine) as session:
            owner, delivery = self._load(session, team_id, actor_id, delivery_id)
            _mark_answered(delivery, self._clock.now())
            if delivery.channel is None or delivery.message_ts is None:
                return None
            return PostedCheckin(owner.name, delivery.channel, delivery.message_ts)

    def undo(self, *, team_id: str, actor_id: str, delivery_id: int) -> str:
        """Take an answer back within the undo window; returns the owner's name."""
        with unit_of_work(self._engine) as session:
            owner, delivery = self._load(session, team_id, actor_id, delivery_id)
            now = self._clock.now()
            if delivery.answered_at is None or now - delivery.answered_at > UNDO_WINDOW:
                minutes = int(UNDO_WINDOW.total_seconds() // 60)
                raise InvalidInput(
                    f"An answer can be undone for {minutes} minutes; record a new update instead."
                )
            updates = updates_of_delivery(session=session, team_id=team_id, delivery_id=delivery_id)
            delete_updates(session=session, updates=updates)
            before = snapshot(owner, ["away_until"])
            if delivery.status is DeliveryStatus.SKIPPED:
                owner.away_until = None
            after = {"updates_removed": len(updates), **snapshot(owner, ["away_until"])}
            audit(session, actor_id, owner, "undo", before, after, now)
            delivery.status, delivery.answered_at = DeliveryStatus.SENT, None
            return owner.name

    def _no_change(self, team_id: str, actor_id: str, delivery_id: int) -> Answer:
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            owner, delivery = self._load(session, team_id, actor_id, delivery_id)
            goals = list_goals(
                session=session, team_id=team_id, owner_id=saved_id(owner), statuses=OPEN_STATUSES
            )
            recorded = []
            for goal in goals:
                entry = UpdateEntry(
                    source=UpdateSource.BUTTON,
                    no_change=True,
                    delivery_id=delivery_id,
                    dedup_key=f"nochange:{delivery_id}:{goal.number}",
                )
                result = record_update(session, actor_id, team_id, goal.number, entry, now)
                value = result.update.value
                shown = "no change" + ("" if value is None else f" ({value:g})")
                recorded.append((goal_label(goal.number), shown))
            _mark_answered(delivery, now)
            return Answer(owner.name, recorded)

    def _load(
        self, session: Session, team_id: str, actor_id: str, delivery_id: int
    ) -> tuple[Person, CheckinDelivery]:
        owner = require_person(session, team_id, actor_id)
        delivery = get_delivery(session=session, team_id=team_id, delivery_id=delivery_id)
        if delivery is None:
            raise NotFound("That check-in no longer exists: answer with `/goal checkin` instead.")
        if delivery.person_id != saved_id(owner):
            raise PermissionDenied(
                "This check-in belongs to someone else; only they can answer it."
            )
        return owner, delivery


def _mark_answered(delivery: CheckinDelivery, now: datetime) -> None:
    if delivery.status is not DeliveryStatus.ANSWERED:
        delivery.status, delivery.answered_at = DeliveryStatus.ANSWERED, now
