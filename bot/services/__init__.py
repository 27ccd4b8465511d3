"""The method as plain Python: goals, CSFs and people, shared by handlers, scheduler and CLI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.domain.clock import Clock
from bot.services.checkins import CheckinService
from bot.services.csfs import CsfService
from bot.services.events import EventLedger
from bot.services.goals import GoalService
from bot.services.home import HomeService
from bot.services.people import PeopleService
from bot.services.replies import ReplyService
from bot.services.workspace import Directory, WorkspaceService

if TYPE_CHECKING:
    from bot.digest.service import DigestService
    from bot.reviews.service import ReviewService


@dataclass(frozen=True)
class Services:
    """Every service, built once and handed to handlers, the scheduler tick and the CLI."""

    goals: GoalService
    csfs: CsfService
    people: PeopleService
    workspace: WorkspaceService
    directory: Directory
    home: HomeService
    replies: ReplyService
    checkins: CheckinService
    events: EventLedger
    reviews: ReviewService
    digests: DigestService


def build_services(
    engine: Engine, clock: Clock, workspace_defaults: Mapping[str, Any] | None = None
) -> Services:
    """Build every service on one engine and clock."""
    goals = GoalService(engine, clock)
    return Services(
        goals=goals,
        csfs=CsfService(engine, clock),
        people=PeopleService(engine, clock, workspace_defaults),
        workspace=WorkspaceService(engine, clock),
        directory=Directory(engine, clock),
        home=HomeService(engine, goals),
        replies=ReplyService(goals),
        checkins=CheckinService(engine, clock, goals),
        events=EventLedger(engine, clock),
        reviews=_reviews(engine, clock),
        digests=_digests(engine, clock),
    )


def _reviews(engine: Engine, clock: Clock) -> ReviewService:
    # Imported here: bot.reviews builds on the services above, so it cannot load first.
    from bot.reviews.service import ReviewService

    return ReviewService(engine, clock)


def _digests(engine: Engine, clock: Clock) -> DigestService:
    # Imported here for the same reason: bot.digest builds on the services above.
    from bot.digest.service import DigestService

    return DigestService(engine, clock)
