"""Helpers for the check-in engine's tests: seeding owners, a recording poster, a replica.

``replica_main`` is the entry point of the OS processes the replica tests start (``spawn``):
it runs the real tick against PostgreSQL and posts to the Slack stand-in over HTTP.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlmodel
from sqlalchemy import Engine, func, insert, select
from sqlmodel import SQLModel, col

from bot.checkins.sending import DM_POLICY
from bot.checkins.tick import run_tick
from bot.delivery.pacing import NoPacing
from bot.delivery.tags import Tag, delivery_id_of
from bot.delivery.types import OutgoingMessage, PostResult, Upload
from bot.domain.clock import SystemClock
from storage.db import make_engine, unit_of_work
from storage.models import (
    CheckinDelivery,
    DeliveryStatus,
    Goal,
    GoalStatus,
    Person,
    Unit,
    Workspace,
)
from storage.repositories.outbox import ClaimedDelivery

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def seed_workspace(engine: Engine, team_id: str = "T1", **settings: Any) -> int:
    """A workspace with one unit; the unit's id."""
    with unit_of_work(engine) as session:
        session.add(Workspace(id=team_id, name=team_id, created_at=CREATED, **settings))
        session.flush()
        unit = Unit(team_id=team_id, key="company", name="Company", created_at=CREATED)
        session.add(unit)
        session.flush()
        assert unit.id is not None
        return unit.id


def seed_owners(
    engine: Engine,
    *,
    count: int,
    next_checkin_at: datetime | None,
    team_id: str = "T1",
    first: int = 1,
    goal_status: GoalStatus = GoalStatus.ACTIVE,
    user_ids: Sequence[str] | None = None,
    **person: Any,
) -> list[int]:
    """`count` people in the workspace's first unit, each owning one goal; their ids."""
    with unit_of_work(engine) as session:
        unit_id = session.execute(
            select(col(Unit.id)).where(col(Unit.team_id) == team_id)
        ).scalar_one()
        people = [
            _row(
                Person(
                    team_id=team_id,
                    slack_user_id=user_ids[n - first] if user_ids else f"U{team_id}{n:06d}",
                    name=f"Owner {n}",
                    unit_id=unit_id,
                    next_checkin_at=next_checkin_at,
                    created_at=CREATED,
                    updated_at=CREATED,
                    **person,
                )
            )
            for n in range(first, first + count)
        ]
        session.execute(insert(_table(Person)), people)
        ids = _ids_of(session, team_id, [p["slack_user_id"] for p in people])
        session.execute(
            insert(_table(Goal)), [_goal(team_id, unit_id, i, goal_status) for i in ids]
        )
        return ids


def _ids_of(session: Any, team_id: str, slack_ids: list[str]) -> list[int]:
    query = select(col(Person.id), col(Person.slack_user_id)).where(col(Person.team_id) == team_id)
    by_slack = {uid: pid for pid, uid in session.execute(query)}
    return [int(by_slack[uid]) for uid in slack_ids]


def _goal(team_id: str, unit_id: int, owner_id: int, status: GoalStatus) -> dict[str, Any]:
    return _row(
        Goal(
            team_id=team_id,
            number=owner_id,
            title=f"Goal of {owner_id}",
            owner_id=owner_id,
            unit_id=unit_id,
            period="2027-Q1",
            status=status,
            created_at=CREATED,
            updated_at=CREATED,
        )
    )


def _row(model: SQLModel) -> dict[str, Any]:
    return {k: v for k, v in model.model_dump().items() if k != "id"}


def _table(model: type[SQLModel]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def deliveries(engine: Engine) -> list[CheckinDelivery]:
    """Every outbox row, by id."""
    with unit_of_work(engine) as session:
        return list(
            session.exec(sqlmodel.select(CheckinDelivery).order_by(col(CheckinDelivery.id)))
        )


def outstanding(engine: Engine) -> int:
    """Rows still to be delivered (pending or sending)."""
    live = [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    query = select(func.count()).where(col(CheckinDelivery.status).in_(live))
    with unit_of_work(engine) as session:
        return int(session.execute(query).scalar_one())


def compose(delivery: ClaimedDelivery) -> OutgoingMessage:
    """A plain check-in DM for a claimed row."""
    text = f"How are your goals going this cycle ({delivery.period_key})?"
    return OutgoingMessage(channel=delivery.slack_user_id, text=text)


@dataclass
class RecordingPoster:
    """A fake Slack: records posts, finds them by metadata, raises queued failures."""

    posts: list[tuple[OutgoingMessage, PostResult]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    lookup_failures: list[Exception] = field(default_factory=list)
    lookups: list[dict[str, Any]] = field(default_factory=list)

    def post(self, message: OutgoingMessage) -> PostResult:
        """Record the message (or raise the next queued failure)."""
        if self.failures:
            raise self.failures.pop(0)
        result = PostResult(channel="D" + message.channel, ts=f"{1800000000 + len(self.posts)}.0")
        self.posts.append((message, result))
        return result

    def find_posted(
        self, *, tag: Tag, channel: str | None, user_id: str | None, since: datetime
    ) -> PostResult | None:
        """The recorded post carrying this tag, if any."""
        self.lookups.append({"delivery_id": tag.row_id, "user_id": user_id, "channel": channel})
        if self.lookup_failures:
            raise self.lookup_failures.pop(0)
        found = [r for m, r in self.posts if tag.names(m.metadata)]
        return found[0] if found else None

    def upload(self, upload: Upload) -> None:
        """Check-ins upload nothing."""
        raise AssertionError(f"unexpected upload {upload.filename}")

    def posted_ids(self) -> list[int]:
        """The delivery id of every post, in order (0 for a post without one)."""
        return [delivery_id_of(message.metadata) or 0 for message, _ in self.posts]


class CrashingPoster:
    """Posts, then SIGKILLs its own process right after post number `crash_after` returns."""

    def __init__(self, inner: Any, crash_after: int) -> None:
        self.inner, self.crash_after, self.count = inner, crash_after, 0

    def post(self, message: OutgoingMessage) -> PostResult:
        """Post through the real poster; die before the row can be marked sent."""
        result: PostResult = self.inner.post(message)
        self.count += 1
        if self.count >= self.crash_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    def find_posted(self, **kwargs: Any) -> PostResult | None:
        """Delegate to the real poster."""
        found: PostResult | None = self.inner.find_posted(**kwargs)
        return found

    def upload(self, upload: Upload) -> None:
        """Delegate to the real poster."""
        self.inner.upload(upload)


def replica_main(
    url: str, schema: str, api_url: str, token: str, lease_seconds: float, crash_after: int
) -> None:
    """One replica: run the tick until nothing is left to deliver (crash_after 0: never crash)."""
    from slack_sdk import WebClient

    from bot.delivery.slack import SlackPoster

    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=2)
    poster: Any = SlackPoster(WebClient(token=token, base_url=api_url, timeout=30))
    if crash_after:
        poster = CrashingPoster(poster, crash_after)
    lease, deadline = timedelta(seconds=lease_seconds), time.monotonic() + 120
    while time.monotonic() < deadline:
        policy = replace(DM_POLICY, batch=10, lease=lease)
        report = run_tick(engine, SystemClock(), poster, compose, policy=policy, pacer=NoPacing())
        if report.send.claimed == 0 and outstanding(engine) == 0:
            return
        if report.send.claimed == 0:
            time.sleep(0.1)  # rows leased by a dead replica: wait for the lease to run out
    raise SystemExit("replica gave up: rows still outstanding after 120 s")
