"""What a person's App Home shows: their goals, their open check-in, and the units they lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from bot.domain.goals import GoalSummary
from bot.services.goals import GoalService
from storage.db import unit_of_work
from storage.repositories.deliveries import open_checkin
from storage.repositories.people import get_person_by_slack_id
from storage.repositories.units import units_led_by


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab renders for one person."""

    my_goals: list[GoalSummary]
    open_checkin_id: int | None
    led_units: list[tuple[str, list[GoalSummary]]]
    away_until: date | None


class HomeService:
    """Gathers a person's Home tab."""

    def __init__(self, engine: Engine, goals: GoalService) -> None:
        self._engine = engine
        self._goals = goals

    def for_person(self, *, team_id: str, slack_user_id: str) -> HomeData:
        """The Home tab of a person (empty for someone goalbot does not know yet)."""
        with unit_of_work(self._engine) as session:
            person = get_person_by_slack_id(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            if person is None or person.id is None:
                return HomeData([], None, [], None)
            delivery = open_checkin(session=session, team_id=team_id, person_id=person.id)
            led = units_led_by(session=session, team_id=team_id, person_id=person.id)
        return HomeData(
            my_goals=self._goals.list_for(team_id=team_id, owner_id=person.id),
            open_checkin_id=delivery.id if delivery is not None else None,
            led_units=[
                (unit.name, self._goals.list_for(team_id=team_id, unit_id=unit.id)) for unit in led
            ],
            away_until=person.away_until,
        )
