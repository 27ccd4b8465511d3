"""The application's services, built once on one engine and clock and handed to handlers, the
tick and the CLI. It sits above the feature packages, which it is the only one to combine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from bot.digest.service import DigestService
from bot.domain.clock import Clock
from bot.reviews.service import ReviewService
from bot.services.checkins import CheckinService
from bot.services.csfs import CsfService
from bot.services.events import EventLedger
from bot.services.goals import GoalService
from bot.services.home import HomeService
from bot.services.inbox import WAIT, InboxService
from bot.services.people import PeopleService
from bot.services.replies import ReplyService
from bot.services.workspace import Directory, WorkspaceService


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
    inbox: InboxService
    reviews: ReviewService
    digests: DigestService


def build_services(
    engine: Engine,
    clock: Clock,
    workspace_defaults: Mapping[str, Any] | None = None,
    *,
    inbox_wait: timedelta = WAIT,
) -> Services:
    """Build every service on one engine and clock (`inbox_wait`: see ``bot.services.inbox``)."""
    goals = GoalService(engine, clock)
    return Services(
        goals=goals,
        csfs=CsfService(engine, clock),
        people=PeopleService(engine, clock, workspace_defaults),
        workspace=WorkspaceService(engine, clock),
        directory=Directory(engine, clock),
        home=HomeService(engine, goals),
        replies=ReplyService(goals),
        checkins=CheckinService(engine, clock),
        events=EventLedger(engine, clock),
        inbox=InboxService(engine, clock, wait=inbox_wait),
        reviews=ReviewService(engine, clock),
        digests=DigestService(engine, clock),
    )
