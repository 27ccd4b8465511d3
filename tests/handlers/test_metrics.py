"""``GET /metrics`` of the running app, scraped after real work: ticks that plan and post
check-ins (one of them rate limited), a weekly digest and review threads, and a burst of
requests; the backlog read from the database at scrape time."""

from __future__ import annotations

import threading
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, update
from sqlmodel import SQLModel, col

from bot.checkins.planning import plan_checkins
from bot.delivery.pacing import NoPacing
from bot.domain.clock import FixedClock
from devkit.people import eventually
from goalbot import metrics, slack_client
from goalbot.slack_client import make_web_client
from goalbot.tick import FullTickReport, make_tick
from storage.db import make_engine, unit_of_work
from storage.models import CheckinDelivery, Person
from storage.repositories.backlog import backlogs
from tests.handlers.harness import Goals, Running, rendered, settings_for

EXEC, REP = "UEXEC", "UREP"
OWNERS = ("UEXEC", "USALES", "UREP", "UMARK")  # the owners of G-1 … G-4
NEXT_MONDAY = datetime(2027, 1, 11, 9, 1, tzinfo=UTC)  # the company digest's first slot
QUARTER_END = datetime(2027, 3, 31, 9, 1, tzinfo=UTC)  # 2027-Q1's reviews open
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(run: Running) -> Samples:
    """Every sample of ``/metrics``, by name and labels."""
    with urllib.request.urlopen(run.url + "/metrics", timeout=5) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain; version=")
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


class RecordingPacer(NoPacing):
    """Never waits; remembers every pause it was asked for."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


def _due(run: Running, users: tuple[str, ...], at: datetime) -> None:
    with unit_of_work(run.engine) as session:
        session.exec(
            update(Person)  # type: ignore[call-overload]
            .where(col(Person.slack_user_id).in_(users))
            .values(next_checkin_at=at)
        )


def _subscribe(run: Running) -> str:
    channel = run.slack.add_channel("leadership", members=[EXEC])
    assert run.driver.slash(EXEC, "digest here", channel_id=channel).status == 200
    eventually(lambda: run.slack.ephemerals(user=EXEC))
    return channel


def test_metrics_count_the_ticks_work_the_slack_429s_and_the_backlog(
    run: Running, goals: Goals, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics.watch_backlog(run.engine, clock.now)
    channel = _subscribe(run)
    before = scrape(run)
    assert value(before, "goalbot_backlog_depth", table="checkin_delivery") == 0

    # The rep's check-in is planned (real planning) but not yet sent: the backlog shows it.
    clock.set(NEXT_MONDAY)
    _due(run, (REP,), NEXT_MONDAY - timedelta(minutes=5))
    assert plan_checkins(run.engine, clock).planned == 1
    waiting = scrape(run)
    assert value(waiting, "goalbot_backlog_depth", table="checkin_delivery") == 1
    assert value(waiting, "goalbot_backlog_oldest_seconds", table="checkin_delivery") == 300
    assert value(waiting, "goalbot_backlog_depth", table="inbox") == 0

    # The tick plans the other three and posts all four; Slack answers the first post 429
    # twice: the client retries once, then the engine hands the row back (outcome retry).
    monkeypatch.setattr(slack_client, "RATE_LIMIT_RETRIES", 1)
    run.slack.faults.inject("chat.postMessage", "429", count=2)
    _due(run, tuple(u for u in OWNERS if u != REP), NEXT_MONDAY - timedelta(minutes=1))
    pacer = RecordingPacer()
    client = make_web_client(settings_for(run.slack), on_post_rate_limited=pacer.pause)
    tick = make_tick(run.engine, clock, run.services, client, pacer=pacer)
    first: FullTickReport = tick()
    assert (first.plan.planned, first.send.delivered) == (3, 3)
    assert first.digests is not None and first.digests.send.posted == 1
    assert pacer.pauses == [1.0, 1.0, 1.0]  # two 429s heard by the client, one by the engine
    clock.advance(timedelta(seconds=2))  # past Retry-After: the row is due again
    assert tick().send.delivered == 1
    assert len(run.slack.messages(channel)) == 1  # the digest
    sent = scrape(run)

    # 2027-Q1's last working day: the reviews open and their threads are posted.
    clock.set(QUARTER_END)
    tick()
    reviews = [m for m in run.slack.messages(channel) if "Quarterly review" in rendered(m)]
    assert reviews

    # A burst of requests through the running app; the ack latencies as the endpoint
    # records them (goalbot.serve calls observe_ack; here directly, once per request).
    burst = [threading.Thread(target=run.driver.slash, args=(REP, "list mine")) for _ in range(8)]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join(10)
    for n in range(8):
        metrics.observe_ack("command", 0.01 * (n + 1))
    metrics.observe_ack("nonsense", 0.2)
    eventually(lambda: len(run.slack.ephemerals(user=REP)) >= 8)

    after = scrape(run)

    def delta(name: str, then: Samples = before, now: Samples = after, **labels: str) -> float:
        return value(now, name, **labels) - value(then, name, **labels)

    # The two ticks of 11 January: four check-ins, one rate limited on the way, one digest.
    assert delta("goalbot_checkins_planned_total", now=sent) == 3  # the rep's was planned before
    assert delta("goalbot_checkins_sent_total", now=sent) == 4
    assert delta("goalbot_checkins_failed_total", now=sent) == 0
    assert delta("goalbot_checkins_skipped_total", now=sent) == 0
    assert delta("goalbot_deliveries_total", now=sent, outbox="checkin", outcome="retry") == 1
    assert delta("goalbot_deliveries_total", now=sent, outbox="checkin", outcome="sent") == 4
    assert delta("goalbot_digests_posted_total", now=sent) == 1
    assert delta("goalbot_reviews_posted_total", now=sent) == 0
    # The quarter's end: the review threads.
    assert delta("goalbot_reviews_posted_total", then=sent) == len(reviews)
    assert delta("goalbot_slack_rate_limited_total", method="chat.postMessage") == 2
    assert (
        delta("goalbot_slack_retries_total", method="chat.postMessage", reason="rate_limited") == 1
    )
    assert delta("goalbot_tick_seconds_count") == 3
    assert delta("goalbot_tick_seconds_sum") > 0
    assert delta("goalbot_ack_seconds_count", kind="command") >= 8
    assert delta("goalbot_ack_seconds_bucket", kind="command", le="0.05") >= 5
    assert delta("goalbot_ack_seconds_count", kind="other") >= 1
    for kind in metrics.ACK_KINDS:
        assert ("goalbot_ack_seconds_count", (("kind", kind),)) in after
    for table in metrics.BACKLOG_TABLES:
        assert ("goalbot_backlog_depth", (("table", table),)) in after
    assert value(after, "goalbot_backlog_depth", table="checkin_delivery") == 0
    assert value(after, "goalbot_backlog_oldest_seconds", table="checkin_delivery") == 0


def test_a_table_not_migrated_yet_counts_zero(tmp_path: object, clock: FixedClock) -> None:
    engine: Engine = make_engine(f"sqlite:///{tmp_path}/partial.db")
    tables = [SQLModel.metadata.tables[name] for name in ("workspace", "unit", "person")]
    SQLModel.metadata.create_all(engine, tables=[*tables, CheckinDelivery.__table__])  # type: ignore[list-item]
    with engine.connect() as connection:
        found = backlogs(
            connection=connection, tables=["checkin_delivery", "inbox"], now=clock.now()
        )
    assert [(b.table, b.depth, b.oldest) for b in found] == [
        ("checkin_delivery", 0, None),
        ("inbox", 0, None),
    ]
    engine.dispose()


def test_a_database_that_does_not_answer_leaves_the_backlog_without_samples(
    clock: FixedClock,
) -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    families = list(metrics.BacklogCollector(engine, clock.now).collect())
    assert [f.name for f in families] == ["goalbot_backlog_depth", "goalbot_backlog_oldest_seconds"]
    assert all(f.samples == [] for f in families)
