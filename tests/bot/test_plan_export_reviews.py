"""``goalbot export`` includes reviews, ratings and replies, and the CSV stays as it was."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.domain.clock import FixedClock
from bot.domain.review import RatingEntry
from bot.plan import export_plan
from bot.plan.export import CSV_HEADER
from bot.reviews.service import ReviewService
from storage.db import unit_of_work
from storage.models import Review
from tests.bot.test_review_support import FakeReviewSlack, seed_acme_quarter, subscribe
from tests.factories import TEAM

AT = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)


def _export(engine: Engine, fmt: str) -> str:
    out = io.StringIO()
    export_plan(engine, TEAM, fmt, out)  # type: ignore[arg-type]
    return out.getvalue()


def test_json_export_has_reviews_ratings_replies_and_a_summary_of_each(engine: Engine) -> None:
    seed_acme_quarter(engine)
    subscribe(engine)
    service = ReviewService(engine, FixedClock(AT))
    review_id = service.start(
        team_id=TEAM, actor_id="UADMIN", unit_key="sales", period=None
    ).created[0]
    service.post_due(FakeReviewSlack())
    service.rate(
        team_id=TEAM,
        actor_id="UEXEC",
        review_id=review_id,
        entry=RatingEntry(8, 6, "Weekly reviews", "Forecasting"),
    )
    service.rate(team_id=TEAM, actor_id="USALES", review_id=review_id, entry=RatingEntry(7, 5))
    with unit_of_work(engine) as session:
        review = session.get(Review, review_id)
        assert review is not None
        thread = (review.channel_id or "", review.thread_ts or "")
    channel_id, thread_ts = thread
    service.record_reply(
        team_id=TEAM,
        actor_id="UEMEA",
        channel_id=channel_id,
        thread_ts=thread_ts,
        text="We started late",
        ts="7.1",
    )

    document = json.loads(_export(engine, "json"))

    assert [r["period"] for r in document["reviews"]] == ["2027-Q1", "2027-Q1"]
    ratings = [r for r in document["review_responses"] if r["key"].startswith("rating:")]
    assert sorted((r["strategy_quality"], r["execution_quality"]) for r in ratings) == [
        (7, 5),
        (8, 6),
    ]
    assert [r["reply_text"] for r in document["review_responses"] if r["reply_text"]] == [
        "We started late"
    ]
    summary = next(s for s in document["review_summaries"] if s["review_id"] == review_id)
    assert summary["unit"] == "sales" and summary["status"] == "sent"
    assert (summary["ratings"], summary["strategy_quality"], summary["execution_quality"]) == (
        2,
        7.5,
        5.5,
    )
    assert summary["replies"] == 1 and summary["thread_ts"] == thread[1]
    assert summary["goals"]["open"] == 1 and summary["diagnosis"] == "unclear"
    assert [s["unit"] for s in document["review_summaries"]] == ["sales", "emea"]


def test_the_csv_export_is_unchanged_by_reviews(engine: Engine) -> None:
    seed_acme_quarter(engine)
    before = _export(engine, "csv")
    subscribe(engine)
    service = ReviewService(engine, FixedClock(AT))
    service.start(team_id=TEAM, actor_id="UADMIN", unit_key=None, period=None)
    service.post_due(FakeReviewSlack())
    after = _export(engine, "csv")
    assert after == before
    assert next(csv.reader(io.StringIO(after))) == CSV_HEADER
