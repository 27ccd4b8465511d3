"""For digest tick tests: an org with goals and a subscribed channel, and a recording poster."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.delivery.tags import Tag
from bot.delivery.types import OutgoingMessage, PostResult, Upload
from storage.db import unit_of_work
from storage.models import DeliveryStatus, Digest
from storage.repositories.digests import add_subscription
from tests.factories import TEAM, make_goal, make_org, make_update

SUBSCRIBED_AT = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)  # a Friday
FIRST_DIGEST = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # the next Monday 09:00 (workspace: UTC)
CHANNEL = "CLEADERS"


def seed_subscribed_org(
    engine: Engine,
    channels: int | list[str] = 1,
    *,
    subscribed_at: datetime = SUBSCRIBED_AT,
    **workspace: Any,
) -> list[int]:
    """The factories' org (workspace settings overridable), two goals with updates, and a
    company digest subscription per channel (`channels`: how many, or their ids)."""
    names = (
        channels if isinstance(channels, list) else [f"{CHANNEL}{n or ''}" for n in range(channels)]
    )
    with unit_of_work(engine) as session:
        org = make_org(session, TEAM)
        for name, value in workspace.items():
            setattr(org.workspace, name, value)
        top = make_goal(
            session,
            org.executive,
            org.company,
            title="Grow revenue",
            period="FY2027",
            baseline=10.0,
            target=20.0,
        )
        sales = make_goal(
            session,
            org.sales_lead,
            org.sales,
            title="Close deals",
            parent=top,
            baseline=0.0,
            target=100.0,
        )
        make_update(session, top, 12.0, at=datetime(2026, 12, 31, tzinfo=UTC))
        make_update(session, sales, 5.0, at=datetime(2026, 12, 31, tzinfo=UTC))
        return [
            add_subscription(session=session, team_id=TEAM, channel_id=name, unit_id=None,
                             by=org.executive.id, now=subscribed_at).id or 0
            for name in names
        ]  # fmt: skip


def outstanding(engine: Engine) -> int:
    """Digest rows still to post (pending or sending)."""
    live = [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    with unit_of_work(engine) as session:
        return len(list(session.exec(select(Digest).where(col(Digest.status).in_(live)))))


def replica_main(url: str, schema: str, api_url: str, token: str, lease_seconds: float) -> None:
    """One replica (a spawned process): run the real digest tick until nothing is left."""
    from slack_sdk import WebClient

    from bot.delivery.slack import SlackPoster
    from bot.digest.sending import DIGEST_POLICY
    from bot.digest.tick import run_digest_tick
    from bot.domain.clock import SystemClock
    from storage.db import make_engine

    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=2)
    poster = SlackPoster(WebClient(token=token, base_url=api_url, timeout=30))
    lease, deadline = timedelta(seconds=lease_seconds), time.monotonic() + 120
    while time.monotonic() < deadline:
        policy = replace(DIGEST_POLICY, lease=lease)
        report = run_digest_tick(engine, SystemClock(), poster, policy=policy)
        if report.send.claimed == 0 and outstanding(engine) == 0 and digests(engine):
            return
        if report.send.claimed == 0:
            time.sleep(0.05)  # another replica holds the rest
    raise SystemExit("replica gave up: digests still outstanding after 120 s")


def digests(engine: Engine) -> list[Digest]:
    """Every digest row, by id."""
    with unit_of_work(engine) as session:
        return list(session.exec(select(Digest).order_by(col(Digest.id))))


@dataclass
class Post:
    """One recorded post."""

    channel: str
    message: OutgoingMessage
    thread_ts: str | None
    metadata: Mapping[str, Any] | None
    ts: str


@dataclass
class RecordingDigestPoster:
    """A fake Slack for digests: records posts and uploads, raises queued failures."""

    posts: list[Post] = field(default_factory=list)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    post_failures: list[Exception] = field(default_factory=list)
    upload_failures: list[Exception] = field(default_factory=list)

    def post(self, message: OutgoingMessage) -> PostResult:
        """Record the message (or raise the next queued failure)."""
        if self.post_failures:
            raise self.post_failures.pop(0)
        ts = f"{1800000000 + len(self.posts)}.000100"
        self.posts.append(Post(message.channel, message, message.thread_ts, message.metadata, ts))
        return PostResult(message.channel, ts)

    def find_posted(
        self, *, tag: Tag, channel: str | None, user_id: str | None, since: datetime
    ) -> PostResult | None:
        """Digests are never looked for: a post in doubt is not posted again."""
        raise AssertionError(f"unexpected lookup of {tag}")

    def upload(self, upload: Upload) -> None:
        """Record the upload (or raise the next queued failure)."""
        if self.upload_failures:
            raise self.upload_failures.pop(0)
        self.uploads.append(
            {
                "channel": upload.channel,
                "thread_ts": upload.thread_ts,
                "png": upload.content,
                "filename": upload.filename,
                "title": upload.title,
                "alt_text": upload.alt_text,
            }
        )

    def main_posts(self) -> list[Post]:
        """Posts that are not thread replies."""
        return [post for post in self.posts if post.thread_ts is None]
