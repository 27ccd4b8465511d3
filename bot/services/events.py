"""The event ledger: each Slack event is handled once, however often Slack sends it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot.domain.clock import Clock
from storage.db import unit_of_work
from storage.repositories.events import claim_event, forget_events_before

# Slack retries a failed event three times within about an hour and a half.
EVENT_KEY_RETENTION = timedelta(days=1)


class EventLedger:
    """Remembers which events were handled."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def first_time(self, *, team_id: str, key: str) -> bool:
        """True the first time a key is seen; False for a retry of the same event."""
        with unit_of_work(self._engine) as session:
            return claim_event(session=session, team_id=team_id, key=key, at=self._clock.now())

    def prune(self) -> int:
        """Forget keys older than the retention window; returns how many."""
        with unit_of_work(self._engine) as session:
            cutoff = self._clock.now() - EVENT_KEY_RETENTION
            return forget_events_before(session=session, before=cutoff)
