"""A unit with 300 goals (long titles, eight CSFs) still gives messages Slack accepts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.blocks.limits import MESSAGE_BLOCKS
from bot.blocks.review import GOAL_LINES, review_message
from bot.blocks.review_closeout import OPEN_SHOWN, closeout_message
from bot.blocks.review_modal import rating_modal
from bot.blocks.review_replies import review_started_message
from bot.domain.periods import Period
from bot.domain.review import OpenedReviews, RatingEntry, RatingSummary, ReviewState
from bot.reviews.closeout import closeout_view
from bot.reviews.data import load_quarter
from bot.reviews.measure import QuarterScorecards
from devkit.standin import SlackStandin
from storage.db import unit_of_work
from storage.models import DeliveryStatus, GoalUpdate, Review, UpdateSource
from tests.bot.blocks_support import LONG_NOTE, LONG_TITLE, assert_message, assert_view
from tests.factories import NOW, TEAM, make_csf, make_goal, make_person, seed_org

GOALS = 300
AT = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)


def _big_unit(engine: Engine) -> tuple[int, int]:
    """Sales with 300 goals of one owner (every other with progress) and 8 CSFs."""
    org = seed_org(engine)
    with unit_of_work(engine) as session:
        owner = make_person(session, "UBIG", name="B" * 200, unit=org.sales)
        csfs = [
            make_csf(session, org.sales, f"{n} {LONG_TITLE}"[:200], rank=n) for n in range(1, 9)
        ]
        for n in range(GOALS):
            goal = make_goal(
                session,
                owner,
                org.sales,
                title=f"{n} {LONG_TITLE}"[:200],
                baseline=0.0,
                target=100.0,
                csf_id=csfs[n % 8].id,
            )
            if n % 2:
                session.add(
                    GoalUpdate(
                        team_id=TEAM,
                        goal_id=goal.id or 0,
                        value=float(n % 100),
                        source=UpdateSource.COMMAND,
                        created_at=NOW,
                    )
                )
        return org.sales.id or 0, owner.id or 0


def test_the_scorecard_of_a_300_goal_unit_fits_one_message(engine: Engine) -> None:
    unit_id, _ = _big_unit(engine)
    with unit_of_work(engine) as session:
        card = QuarterScorecards(load_quarter(session, TEAM, Period(2027, 1), AT)).for_unit(unit_id)
    assert card.counts.open == GOALS and len(card.goals) == GOALS and len(card.csfs) == 8
    ratings = RatingSummary(ratings=120, strategy=7.25, execution=6.5, replies=400)
    message = review_message(card, review_id=10**9, ratings=ratings)
    assert_message(message)
    assert len(message.blocks) <= MESSAGE_BLOCKS
    shown = sum(block["text"]["text"].count("*G-") for block in message.blocks if _section(block))
    assert shown == GOAL_LINES
    assert f"…and {GOALS - GOAL_LINES} more" in str(message.blocks)
    assert "8 CSFs: more than 3 splits the focus" in str(message.blocks)
    with SlackStandin() as slack:  # and Slack takes it
        channel = slack.add_channel("leadership")
        slack.client().chat_postMessage(channel=channel, **message.kwargs())
        assert len(slack.messages(channel)) == 1


def test_the_close_out_dm_of_an_owner_of_300_goals_fits(engine: Engine) -> None:
    unit_id, owner_id = _big_unit(engine)
    with unit_of_work(engine) as session:
        review = Review(
            team_id=TEAM,
            unit_id=unit_id,
            period="2027-Q1",
            channel_id="C1",
            started_at=AT,
            status=DeliveryStatus.SENT,
        )
        session.add(review)
        session.flush()
        view = closeout_view(session, review, owner_id, AT)
    assert view is not None and len(view.open_goals) == GOALS
    message = closeout_message(view)
    assert_message(message)
    buttons = [block for block in message.blocks if block["type"] == "actions"]
    assert len(buttons) == OPEN_SHOWN
    assert f"…and {GOALS - OPEN_SHOWN} more" in str(message.blocks)


def test_the_rating_modal_and_the_start_answer_fit() -> None:
    previous = RatingEntry(strategy=10, execution=1, worked=LONG_NOTE, change=LONG_NOTE)
    assert_view(
        rating_modal(review_id=10**9, unit_name=LONG_TITLE, period="2027-Q4", previous=previous)
    )
    states = [
        ReviewState(n, f"unit-{n}", f"{n} {LONG_TITLE}", None, DeliveryStatus.FAILED, None)
        for n in range(400)
    ]
    opened = OpenedReviews(Period(2027, 1), without_goals=tuple(LONG_TITLE for _ in range(50)))
    assert_message(review_started_message(opened, states))


def _section(block: dict[str, object]) -> bool:
    return block.get("type") == "section" and "text" in block
