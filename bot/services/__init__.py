"""The method as plain Python: goals, CSFs and people, shared by handlers, scheduler and CLI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.clock import Clock
from bot.services.csfs import CsfService
from bot.services.goals import GoalService
from bot.services.people import PeopleService


@dataclass(frozen=True)
class Services:
    """Every service, built once and handed to handlers, the scheduler tick and the CLI."""

    goals: GoalService
    csfs: CsfService
    people: PeopleService


def build_services(
    engine: Engine, clock: Clock, workspace_defaults: Mapping[str, Any] | None = None
) -> Services:
    """Build every service on one engine and clock."""
    return Services(
        goals=GoalService(engine, clock),
        csfs=CsfService(engine, clock),
        people=PeopleService(engine, clock, workspace_defaults),
    )
