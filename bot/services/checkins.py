"""Answering a check-in from its DM: nothing changed, away this week, or undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.rhythm import local_date, resolve_zone
from bot.services.context import audit, require_person, saved_id, workspace_or_default
from bot.services.goal_updates import UpdateEntry
from bot.services.goals import GoalService
from storage.db import unit_of_work
from storage.models import CheckinDelivery, DeliveryStatus, Person, UpdateSource
from storage.repositories.audit import snapshot
from storage.repositories.deliveries import delete_updates, get_delivery, updates_of_delivery

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

    def __init__(self, engine: Engine, clock: Clock, goals: GoalService) -> None:
        self._engine = engine
        self._clock = clock
        self._goals = goals

    def no_change(self, team_id: str, slack_user_id: str, delivery_id: int) -> Answer:
        """Record "no change" on every open goal of the owner, once per delivery."""
        owner = self._owned_delivery(team_id, slack_user_id, delivery_id)[0]
        recorded = []
        for goal in self._goals.list_for(team_id, owner_slack_id=slack_user_id):
            entry = UpdateEntry(
                source=UpdateSource.BUTTON,
                no_change=True,
                delivery_id=delivery_id,
                dedup_key=f"nochange:{delivery_id}:{goal.number}",
            )
            result = self._goals.record(slack_user_id, team_id, goal.number, entry)
            value = result.update.value
            recorded.append((goal.label, "no change" + ("" if value is None else f" ({value:g})")))
        self.mark_answered(team_id, slack_user_id, delivery_id)
        return Answer(owner.name, recorded)

    def away_this_week(self, team_id: str, slack_user_id: str, delivery_id: int) -> Answer:
        """Mark the owner away until the end of their local week; the check-in is skipped."""
        with unit_of_work(self._engine) as session:
            owner, delivery = self._load(session, team_id, slack_user_id, delivery_id)
            zone = resolve_zone(owner.tz or "", workspace_or_default(session, team_id).timezone)
            today = local_date(self._clock.now(), zone)
            sunday = today + timedelta(days=6 - today.weekday())
            before = snapshot(owner, ["away_until"])
            owner.away_until = max(sunday, owner.away_until or sunday)
            now = self._clock.now()
            audit(
                session, slack_user_id, owner, "pause", before, snapshot(owner, ["away_until"]), now
            )
            delivery.status, delivery.answered_at = DeliveryStatus.SKIPPED, now
            return Answer(owner.name, [], owner.away_until)

    def mark_answered(
        self, team_id: str, slack_user_id: str, delivery_id: int
    ) -> PostedCheckin | None:
        """Record that the owner answered a delivery; where its DM is, to update it in place
        (None for ad-hoc check-ins and for a DM whose post was never recorded)."""
        if not delivery_id:
            return None
        with unit_of_work(self._engine) as session:
            owner, delivery = self._load(session, team_id, slack_user_id, delivery_id)
            if delivery.status is not DeliveryStatus.ANSWERED:
                delivery.status, delivery.answered_at = DeliveryStatus.ANSWERED, self._clock.now()
            if delivery.channel is None or delivery.message_ts is None:
                return None
            return PostedCheckin(owner.name, delivery.channel, delivery.message_ts)

    def undo(self, team_id: str, slack_user_id: str, delivery_id: int) -> str:
        """Take an answer back within the undo window; returns the owner's name."""
        with unit_of_work(self._engine) as session:
            owner, delivery = self._load(session, team_id, slack_user_id, delivery_id)
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
            audit(session, slack_user_id, owner, "undo", before, after, now)
            delivery.status, delivery.answered_at = DeliveryStatus.SENT, None
            return owner.name

    def _owned_delivery(
        self, team_id: str, slack_user_id: str, delivery_id: int
    ) -> tuple[Person, CheckinDelivery]:
        with unit_of_work(self._engine) as session:
            return self._load(session, team_id, slack_user_id, delivery_id)

    def _load(
        self, session: Session, team_id: str, slack_user_id: str, delivery_id: int
    ) -> tuple[Person, CheckinDelivery]:
        owner = require_person(session, team_id, slack_user_id)
        delivery = get_delivery(session=session, team_id=team_id, delivery_id=delivery_id)
        if delivery is None:
            raise NotFound("That check-in no longer exists: answer with `/goal checkin` instead.")
        if delivery.person_id != saved_id(owner):
            raise PermissionDenied(
                "This check-in belongs to someone else; only they can answer it."
            )
        return owner, delivery
