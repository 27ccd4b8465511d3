"""Prometheus metrics: one registry, every series goalbot exposes on ``GET /metrics``.

- ``goalbot_ack_seconds{kind}``: how long Slack waited for its acknowledgement, by request
  kind (command, action, view, event, options), recorded by the HTTP endpoint
  (:func:`observe_ack`);
- ``goalbot_checkins_planned_total``, ``goalbot_checkins_sent_total``,
  ``goalbot_checkins_failed_total``, ``goalbot_checkins_skipped_total``: from each tick's
  report. Planned counts the check-ins planning created; sent (posted, or found posted by an
  earlier claim), failed and skipped count every DM of the check-in outbox (check-ins,
  reminders, escalations, close-outs), skipped including those planning recorded as skipped;
- ``goalbot_digests_posted_total``, ``goalbot_reviews_posted_total`` (review threads);
- ``goalbot_deliveries_total{outbox,outcome}``: every claimed row's outcome, per outbox
  (``outcome="retry"``: Slack said 429, or a transient error, and the row waits to be retried);
- ``goalbot_slack_rate_limited_total{method}``: 429 answers the Web API client got, and
  ``goalbot_slack_retries_total{method,reason}``: the retries it made (``rate_limited``,
  ``server_error``, ``connection``; ``goalbot.slack_client``);
- ``goalbot_backlog_depth{table}`` and ``goalbot_backlog_oldest_seconds{table}``: rows due
  and not yet handled (pending, or claimed and in flight) in each outbox (``checkin_delivery``,
  ``digest``, ``review``) and the inbox, and how long the oldest has waited, read from the
  database at scrape time (0 for a table that does not exist yet);
- ``goalbot_tick_seconds``: how long each tick (reviews, check-ins, digests) took.

Counters live in this process: each replica is scraped on its own, and Prometheus sums them.
The backlog is the database's, so every replica reports the same numbers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.checkins.tick import TickReport
from bot.delivery.outcomes import Outcome, SendReport
from bot.digest.tick import DigestTickReport
from bot.reviews.service import TickReport as ReviewTickReport
from storage.repositories.backlog import backlogs

logger = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
ACK_KINDS = ("command", "action", "view", "event", "options")
OTHER_KIND = "other"
BACKLOG_TABLES = ("checkin_delivery", "digest", "review", "inbox")
"""The tables whose backlog ``goalbot serve`` reports (one not yet migrated counts 0)."""
OUTBOXES = ("checkin", "digest", "review")

REGISTRY = CollectorRegistry(auto_describe=True)

ACK_SECONDS = Histogram(
    "goalbot_ack_seconds",
    "Seconds from a Slack request's arrival to its acknowledgement, by request kind.",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0),
    registry=REGISTRY,
)
CHECKINS_PLANNED = Counter(
    "goalbot_checkins_planned", "Check-ins planned into the DM outbox.", registry=REGISTRY
)
CHECKINS_SENT = Counter(
    "goalbot_checkins_sent",
    "DMs of the check-in outbox recorded as sent (posted, or found posted).",
    registry=REGISTRY,
)
CHECKINS_FAILED = Counter(
    "goalbot_checkins_failed", "DMs of the check-in outbox given up on.", registry=REGISTRY
)
CHECKINS_SKIPPED = Counter(
    "goalbot_checkins_skipped",
    "Check-ins skipped (planned late after downtime, or too late to send).",
    registry=REGISTRY,
)
DIGESTS_POSTED = Counter("goalbot_digests_posted", "Weekly digests posted.", registry=REGISTRY)
REVIEWS_POSTED = Counter(
    "goalbot_reviews_posted", "Quarterly review threads posted.", registry=REGISTRY
)
DELIVERIES = Counter(
    "goalbot_deliveries",
    "Claimed outbox rows by what became of them.",
    ["outbox", "outcome"],
    registry=REGISTRY,
)
SLACK_RATE_LIMITED = Counter(
    "goalbot_slack_rate_limited",
    "Web API answers with HTTP 429 (rate limited), by method.",
    ["method"],
    registry=REGISTRY,
)
SLACK_RETRIES = Counter(
    "goalbot_slack_retries",
    "Web API calls retried by the client, by method and reason.",
    ["method", "reason"],
    registry=REGISTRY,
)
TICK_SECONDS = Histogram(
    "goalbot_tick_seconds",
    "Seconds one tick (reviews, check-ins, digests) took.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0),
    registry=REGISTRY,
)

for _kind in (*ACK_KINDS, OTHER_KIND):
    ACK_SECONDS.labels(kind=_kind)  # every kind shows, at 0, before its first request
for _outbox in OUTBOXES:
    for _outcome in Outcome:
        DELIVERIES.labels(outbox=_outbox, outcome=_outcome.value)


def observe_ack(kind: str, seconds: float) -> None:
    """Record how long a request of `kind` waited for its ack (an unknown kind: ``other``)."""
    ACK_SECONDS.labels(kind=kind if kind in ACK_KINDS else OTHER_KIND).observe(seconds)


def observe_tick(seconds: float) -> None:
    """Record one tick's duration."""
    TICK_SECONDS.observe(seconds)


def record_checkins(report: TickReport) -> None:
    """Count what one check-in tick planned and what became of its DMs."""
    CHECKINS_PLANNED.inc(report.plan.planned)
    CHECKINS_SENT.inc(report.send.delivered)
    CHECKINS_FAILED.inc(report.send.outcomes[Outcome.FAILED])
    CHECKINS_SKIPPED.inc(report.plan.skipped + report.send.outcomes[Outcome.SKIPPED])
    _count_outcomes("checkin", report.send)


def record_digests(report: DigestTickReport) -> None:
    """Count the digests one tick posted."""
    DIGESTS_POSTED.inc(report.send.delivered)
    _count_outcomes("digest", report.send)


def record_reviews(report: ReviewTickReport) -> None:
    """Count the review threads one tick posted."""
    REVIEWS_POSTED.inc(report.posted.delivered)
    _count_outcomes("review", report.posted)


def _count_outcomes(outbox: str, report: SendReport) -> None:
    for outcome, count in report.outcomes.items():
        if count:
            DELIVERIES.labels(outbox=outbox, outcome=outcome.value).inc(count)


def record_rate_limited(method: str) -> None:
    """Count one 429 from Slack's Web API."""
    SLACK_RATE_LIMITED.labels(method=method).inc()


def record_retry(method: str, reason: str) -> None:
    """Count one retry the Web API client makes."""
    SLACK_RETRIES.labels(method=method, reason=reason).inc()


class BacklogCollector(Collector):
    """The backlog gauges, read from the database at each scrape."""

    def __init__(
        self, engine: Engine, now: Callable[[], datetime], tables: Sequence[str] = BACKLOG_TABLES
    ) -> None:
        self._engine, self._now, self._tables = engine, now, list(tables)

    def describe(self) -> Iterable[Metric]:
        """The families, without samples (no database call when registering)."""
        return self._families()

    def collect(self) -> Iterable[Metric]:
        """Each table's depth and oldest age now; no samples when the database fails."""
        depth, oldest = self._families()
        try:
            now = self._now()
            with self._engine.connect() as connection:
                found = backlogs(connection=connection, tables=self._tables, now=now)
        except SQLAlchemyError as exc:
            logger.warning("metrics: the backlog could not be read: %s", exc)
            return [depth, oldest]
        for backlog in found:
            depth.add_metric([backlog.table], backlog.depth)
            oldest.add_metric([backlog.table], backlog.oldest_age(now))
        return [depth, oldest]

    @staticmethod
    def _families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                "goalbot_backlog_depth",
                "Rows due and not yet handled (pending or in flight), per outbox or inbox.",
                labels=["table"],
            ),
            GaugeMetricFamily(
                "goalbot_backlog_oldest_seconds",
                "Seconds the oldest row not yet handled has waited since due, per table.",
                labels=["table"],
            ),
        ]


_backlog_lock = threading.Lock()
_backlog: BacklogCollector | None = None


def watch_backlog(
    engine: Engine, now: Callable[[], datetime], tables: Sequence[str] = BACKLOG_TABLES
) -> BacklogCollector:
    """Report the backlog of `tables` on `engine` from now on (replacing any earlier one)."""
    global _backlog
    collector = BacklogCollector(engine, now, tables)
    with _backlog_lock:
        if _backlog is not None:
            REGISTRY.unregister(_backlog)
        REGISTRY.register(collector)
        _backlog = collector
    return collector


def exposition() -> bytes:
    """Every series, in Prometheus's text format."""
    return generate_latest(REGISTRY)
