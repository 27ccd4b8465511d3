"""Helpers shared by the review tests: a known quarter of Northwind, and a review replica.

``seed_quarter`` imports ``examples/plan.yaml`` and generates, from a seed, 2027-Q1 as it
happened: one check-in a week per goal owner (answered or missed), a progress update on each
of their measurable goals whenever they answered, and a few goals closed early. Units follow
profiles so the diagnoses differ: North America keeps the rhythm and moves the numbers, EMEA
keeps the rhythm without moving them, APAC breaks the rhythm.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.delivery.tags import Tag
from bot.delivery.types import DeliveryUncertain, OutgoingMessage, PostResult, Upload
from bot.domain.clock import FixedClock
from bot.plan import import_plan
from storage.db import make_engine, unit_of_work
from storage.models import (
    CheckinDelivery,
    DeliveryKind,
    DeliveryStatus,
    DigestSubscription,
    Goal,
    GoalStatus,
    GoalUpdate,
    Health,
    Person,
    Review,
    Unit,
    UpdateSource,
)
from tests.bot.test_plan_support import EXAMPLE_PLAN
from tests.factories import NOW, Org, make_goal, seed_org
from tests.factories import TEAM as ACME

NORTHWIND = "T0NW00000"
IMPORTED_AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
# Wednesday 31 March 2027, 09:00 in New York: the last working day of 2027-Q1 at digest time.
REVIEW_AT = datetime(2027, 3, 31, 13, 0, tzinfo=UTC)
FIRST_CHECKIN = datetime(2027, 1, 7, 15, 0, tzinfo=UTC)  # Thursday 10:00 in New York
WEEKS = 12
LEADERSHIP = "CLEAD"


@dataclass(frozen=True)
class Profile:
    """How a unit's quarter went: the share of check-ins answered and the pace of its numbers."""

    answer_rate: float
    pace: float  # share of the way to target reached by the end of the quarter


PROFILES = {
    "sales-na": Profile(0.95, 1.0),
    "sales-emea": Profile(0.9, 0.35),
    "sales-apac": Profile(0.4, 0.6),
    "customer-success": Profile(0.85, 0.9),
    "product": Profile(0.6, 0.8),
}
DEFAULT_PROFILE = Profile(0.8, 0.92)
CLOSED_EARLY = {"pmm-q1-battlecards": GoalStatus.ACHIEVED, "ethan-q1-pipeline": GoalStatus.MISSED}


def seed_quarter(engine: Engine, *, seed: int = 7) -> None:
    """Import the example plan and generate its 2027-Q1 check-ins and updates (module doc)."""
    import_plan(engine, EXAMPLE_PLAN, FixedClock(IMPORTED_AT))
    rng = random.Random(seed)
    with unit_of_work(engine) as session:
        units = {unit.id: unit.key for unit in session.exec(select(Unit))}
        goals = list(session.exec(select(Goal).where(Goal.period == "2027-Q1").order_by(Goal.id)))
        owners = sorted({goal.owner_id for goal in goals})
        profile_of = {
            goal.owner_id: PROFILES.get(units[goal.unit_id], DEFAULT_PROFILE) for goal in goals
        }
        for week in range(WEEKS):
            due = FIRST_CHECKIN + timedelta(weeks=week)
            for owner in owners:
                answered = rng.random() < profile_of[owner].answer_rate
                session.add(_checkin(owner, due, answered))
                if answered:
                    mine = [goal for goal in goals if goal.owner_id == owner]
                    session.add_all(_updates(mine, week, due, profile_of[owner], rng))
        for goal in goals:
            if goal.key in CLOSED_EARLY:
                goal.status, goal.closed_at = CLOSED_EARLY[goal.key], REVIEW_AT - timedelta(days=10)


def _checkin(person_id: int, due: datetime, answered: bool) -> CheckinDelivery:
    week = due.isocalendar()
    return CheckinDelivery(
        team_id=NORTHWIND,
        person_id=person_id,
        kind=DeliveryKind.CHECKIN,
        period_key=f"{week.year}-W{week.week:02d}",
        due_at=due,
        status=DeliveryStatus.ANSWERED if answered else DeliveryStatus.MISSED,
        attempts=1,
        sent_at=due,
        answered_at=due + timedelta(hours=2) if answered else None,
        created_at=due,
    )


def _updates(
    goals: list[Goal], week: int, due: datetime, profile: Profile, rng: random.Random
) -> list[GoalUpdate]:
    made = []
    for goal in goals:
        if goal.baseline is None or goal.target is None:
            continue
        share = min(1.0, profile.pace * (week + 1) / WEEKS + rng.uniform(-0.05, 0.05))
        value = round(goal.baseline + (goal.target - goal.baseline) * max(0.0, share), 2)
        health = Health.ON_TRACK if share >= (week + 1) / WEEKS - 0.1 else Health.AT_RISK
        made.append(
            GoalUpdate(
                team_id=NORTHWIND,
                goal_id=goal.id or 0,
                value=value,
                health=health,
                confidence=rng.randint(4, 9),
                author_id=goal.owner_id,
                source=UpdateSource.BUTTON,
                created_at=due + timedelta(hours=2),
            )
        )
    return made


def unit_ids(engine: Engine) -> dict[str, int]:
    """Unit id by key."""
    with unit_of_work(engine) as session:
        return {unit.key: unit.id or 0 for unit in session.exec(select(Unit))}


def slack_ids(engine: Engine) -> dict[int, str]:
    """Slack user id by person id."""
    with unit_of_work(engine) as session:
        return {person.id or 0: person.slack_user_id for person in session.exec(select(Person))}


def review_replica_main(url: str, schema: str, api_url: str, token: str, at: str) -> None:
    """One replica running the real tick (reviews, then check-ins and close-outs) at ``at``,
    until nothing due is left to post."""
    from slack_sdk import WebClient

    from bot.application import build_services
    from bot.delivery.pacing import NoPacing
    from goalbot.tick import make_tick

    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=2)
    clock = FixedClock(datetime.fromisoformat(at))
    client = WebClient(token=token, base_url=api_url, timeout=30)
    tick = make_tick(engine, clock, build_services(engine, clock), client, pacer=NoPacing())
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        tick()
        if outstanding(engine, clock.now()) == 0:
            return
        time.sleep(0.05)  # rows another replica holds: let it finish them
    raise SystemExit("replica gave up: reviews or close-outs still outstanding after 90 s")


def outstanding(engine: Engine, now: datetime) -> int:
    """Reviews and outbox rows due by ``now`` that are not posted yet."""
    live = [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    with unit_of_work(engine) as session:
        reviews = session.exec(select(Review).where(col(Review.status).in_(live))).all()
        rows = session.exec(
            select(CheckinDelivery)
            .where(col(CheckinDelivery.status).in_(live))
            .where(col(CheckinDelivery.due_at) <= now)
        ).all()
    return len(reviews) + len(rows)


@dataclass
class FakeReviewSlack:
    """Records review posts, finds them by metadata, raises queued failures."""

    posts: list[OutgoingMessage] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    lookup_failures: list[Exception] = field(default_factory=list)
    lookups: int = 0
    swallow: bool = False  # post, then raise DeliveryUncertain (the answer was lost)

    def post(self, message: OutgoingMessage) -> PostResult:
        """Record the message (or raise the next queued failure)."""
        if self.failures:
            raise self.failures.pop(0)
        self.posts.append(message)
        if self.swallow:
            self.swallow = False
            raise DeliveryUncertain("connection reset after the post")
        return PostResult(channel=message.channel, ts=f"{1800000000 + len(self.posts)}.000100")

    def find_posted(
        self, *, tag: Tag, channel: str | None, user_id: str | None, since: datetime
    ) -> PostResult | None:
        """The recorded post carrying this tag in this channel, if any."""
        self.lookups += 1
        if self.lookup_failures:
            raise self.lookup_failures.pop(0)
        for index, message in enumerate(self.posts, start=1):
            if tag.names(message.metadata) and message.channel == channel:
                return PostResult(channel=channel, ts=f"{1800000000 + index}.000100")
        return None

    def upload(self, upload: Upload) -> None:
        """Reviews upload nothing."""
        raise AssertionError(f"unexpected upload {upload.filename}")

    def units(self) -> list[str]:
        """The units whose review was posted, sorted."""
        return sorted(
            message.text.split(",")[0].removeprefix("Quarterly review of ")
            for message in self.posts
        )


def seed_acme_quarter(engine: Engine) -> Org:
    """Acme with 2027-Q1 goals in Sales, EMEA and Marketing, and a company goal for FY2027."""
    org = seed_org(engine)
    with unit_of_work(engine) as session:
        top = make_goal(session, org.executive, org.company, title="Grow", period="FY2027")
        sales = make_goal(
            session,
            org.sales_lead,
            org.sales,
            title="Close 100 deals",
            parent=top,
            baseline=0.0,
            target=100.0,
        )
        make_goal(
            session,
            org.rep,
            org.emea,
            title="Close 50 EMEA deals",
            parent=sales,
            baseline=0.0,
            target=50.0,
        )
        make_goal(session, org.marketer, org.marketing, title="Launch the brand", parent=top)
    return org


def subscribe(engine: Engine, channel: str = LEADERSHIP, unit_id: int | None = None) -> None:
    """Subscribe a channel to the company's (or a unit's) digest."""
    with unit_of_work(engine) as session:
        session.add(
            DigestSubscription(team_id=ACME, channel_id=channel, unit_id=unit_id, created_at=NOW)
        )
