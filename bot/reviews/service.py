"""The review service: open reviews, post their threads, collect ratings and replies, close out.

Handlers, the tick and the CLI call these methods; each runs in its own unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.blocks.review import review_message
from bot.blocks.review_closeout import closeout_message
from bot.delivery.engine import DeliveryPolicy
from bot.delivery.types import OutgoingMessage, Poster
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.periods import Period, PeriodError, parse_period
from bot.domain.review import (
    CloseoutView,
    OpenedReviews,
    RatingEntry,
    RatingForm,
    ReviewState,
    Scorecard,
    ThreadMessage,
)
from bot.reviews import closeout as closing
from bot.reviews.opening import open_reviews
from bot.reviews.permissions import require_run_review
from bot.reviews.policy import due_quarters, review_periods
from bot.reviews.posting import REVIEW_POLICY, PostReport, post_due, review_of_closeout
from bot.reviews.ratings import rating_of, summarize
from bot.services.context import (
    audit,
    current_quarter,
    load_actor,
    load_authority,
    require_person,
    require_unit,
    saved_id,
    workspace_or_default,
)
from storage.db import unit_of_work
from storage.models import DeliveryStatus, GoalStatus, Review
from storage.repositories import reviews as repo
from storage.repositories.outbox import ClaimedDelivery
from storage.repositories.people import get_person_by_slack_id
from storage.repositories.units import get_unit, root_units, unit_subtree_ids
from storage.repositories.workspaces import get_workspace, workspace_ids

REPLY_MAX = 3000
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickReport:
    """One review tick: reviews opened, then what posting did."""

    opened: int
    posted: PostReport


class ReviewService:
    """Quarterly reviews of a workspace's units (see ``bot.reviews``)."""

    def __init__(self, engine: Engine, clock: Clock, policy: DeliveryPolicy | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._policy = policy or REVIEW_POLICY

    def start(
        self, *, team_id: str, actor_id: str, unit_key: str | None, period: str | None
    ) -> OpenedReviews:
        """Open (once) the reviews of a unit and the units below it, or of every unit."""
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            unit = require_unit(session, team_id, unit_key) if unit_key else None
            actor = load_actor(session, team_id, actor_id)
            authority = load_authority(session, team_id, unit.id) if unit else None
            require_run_review(actor, authority, "start the review")
            scope = (
                None
                if unit is None
                else unit_subtree_ids(session=session, team_id=team_id, unit_id=saved_id(unit))
            )
            quarter = _quarter(period) or _default_quarter(session, team_id, now, scope)
            return open_reviews(
                session,
                team_id,
                quarter,
                now,
                unit_ids=scope,
                started_by=actor.person_id,
                rearm=True,
            )

    def post_due(self, slack: Poster, team_id: str | None = None) -> PostReport:
        """Post every review waiting for its thread (of one workspace, or all)."""
        return post_due(self._engine, self._clock, slack, team_id=team_id, policy=self._policy)

    def tick(self, slack: Poster) -> TickReport:
        """Open the reviews due now in every workspace (module rules), then post them."""
        opened = 0
        with unit_of_work(self._engine) as session:
            teams = workspace_ids(session=session)
        for team_id in teams:
            opened += self._open_due(team_id)
        return TickReport(opened, self.post_due(slack))

    def _open_due(self, team_id: str) -> int:
        """Open one workspace's due reviews; how many are new (0, logged, on bad settings)."""
        with unit_of_work(self._engine) as session:
            workspace = get_workspace(session=session, team_id=team_id)
            now = self._clock.now()
            try:
                quarters = due_quarters(now, workspace) if workspace else []
            except ValueError:
                logger.exception("cannot tell when reviews open in %s", team_id)
                return 0
            return sum(len(open_reviews(session, team_id, q, now).created) for q in quarters)

    def states(self, *, team_id: str, opened: OpenedReviews) -> list[ReviewState]:
        """Where the reviews of the units a request opened stand now, by unit name."""
        with unit_of_work(self._engine) as session:
            rows = repo.reviews_with_units(
                session=session, team_id=team_id, period=str(opened.quarter)
            )
        return [
            ReviewState(
                saved_id(review),
                unit.key,
                unit.name,
                review.channel_id,
                review.status,
                review.error,
            )
            for review, unit in rows
            if review.unit_id in opened.units
        ]

    def set_channel(
        self, *, team_id: str, actor_id: str, unit_key: str | None, channel_id: str
    ) -> str:
        """Make a channel the review channel of a unit (default: the company); its name."""
        with unit_of_work(self._engine) as session:
            unit = (
                require_unit(session, team_id, unit_key)
                if unit_key
                else next(iter(root_units(session=session, team_id=team_id)), None)
            )
            if unit is None:
                raise NotFound("There is no unit yet: import a plan with `goalbot import`.")
            actor = load_actor(session, team_id, actor_id)
            authority = load_authority(session, team_id, unit.id)
            require_run_review(actor, authority, "choose the review channel")
            before = {"review_channel": unit.review_channel}
            unit.review_channel = channel_id
            after = {"review_channel": channel_id}
            audit(session, actor_id, unit, "review_channel", before, after, self._clock.now())
            return unit.name

    def rating_form(self, *, team_id: str, actor_id: str, review_id: int) -> RatingForm:
        """The rating modal of a review for one person, with their earlier answers."""
        with unit_of_work(self._engine) as session:
            review = closing.require_review(session, team_id, review_id)
            person = require_person(session, team_id, actor_id)
            previous = repo.get_response(
                session=session,
                team_id=team_id,
                review_id=review_id,
                key=repo.rating_key(saved_id(person)),
            )
            return RatingForm(
                review_id, _unit_name(session, review), review.period, rating_of(previous)
            )

    def rate(
        self, *, team_id: str, actor_id: str, review_id: int, entry: RatingEntry
    ) -> ThreadMessage | None:
        """Record (or replace) a person's rating; the thread's parent as it should now read."""
        with unit_of_work(self._engine) as session:
            review = closing.require_review(session, team_id, review_id)
            person = require_person(session, team_id, actor_id)
            repo.save_response(
                session=session,
                review=review,
                key=repo.rating_key(saved_id(person)),
                values={
                    "person_id": person.id,
                    "strategy_quality": entry.strategy,
                    "execution_quality": entry.execution,
                    "worked": entry.worked[:REPLY_MAX],
                    "change": entry.change[:REPLY_MAX],
                },
                now=self._clock.now(),
            )
            return _thread_message(session, review)

    def record_reply(
        self, *, team_id: str, actor_id: str, channel_id: str, thread_ts: str, text: str, ts: str
    ) -> ThreadMessage | None:
        """Keep a reply in a review's thread with the review; the thread's parent as it should
        now read (its count of replies), or None when this is no new reply in a review thread."""
        with unit_of_work(self._engine) as session:
            review = repo.find_review_by_thread(
                session=session, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts
            )
            if review is None:
                return None
            person = get_person_by_slack_id(
                session=session, team_id=team_id, slack_user_id=actor_id
            )
            kept = repo.add_reply(
                session=session,
                review=review,
                key=repo.reply_key(ts),
                values={"person_id": person.id if person else None, "reply_text": text[:REPLY_MAX]},
                now=self._clock.now(),
            )
            return _thread_message(session, review) if kept else None

    def close_out(
        self,
        *,
        team_id: str,
        actor_id: str,
        review_id: int,
        goal_number: int,
        outcome: GoalStatus,
    ) -> CloseoutView | None:
        """Close a goal from the close-out DM; the owner's DM as it should now read."""
        if outcome not in closing.OUTCOMES:
            raise InvalidInput("A goal closes out as achieved, missed or carried over.")
        with unit_of_work(self._engine) as session:
            now = self._clock.now()
            review = closing.require_review(session, team_id, review_id)
            goal = closing.close_goal_from_review(
                session, actor_id, review, goal_number, outcome, now
            )
            session.flush()
            return closing.closeout_view(session, review, goal.owner_id, now)

    def compose_closeout(self, delivery: ClaimedDelivery) -> OutgoingMessage | None:
        """The close-out DM of a claimed outbox row; None when nothing is left to close."""
        review_id = review_of_closeout(delivery.period_key)
        with unit_of_work(self._engine) as session:
            review = repo.get_review(
                session=session, team_id=delivery.team_id, review_id=review_id or 0
            )
            view = (
                closing.closeout_view(session, review, delivery.person_id, self._clock.now())
                if review is not None
                else None
            )
        if view is None or not view.open_goals:
            return None
        message = closeout_message(view)
        return OutgoingMessage(
            channel=delivery.slack_user_id, text=message.text, blocks=message.blocks
        )


def _quarter(period: str | None) -> Period | None:
    if period is None:
        return None
    try:
        quarter = parse_period(period)
    except PeriodError as exc:
        raise InvalidInput(str(exc), field="period") from exc
    if quarter.is_year:
        raise InvalidInput(f"Reviews are per quarter: name one like {quarter.year}-Q4.")
    return quarter


def _default_quarter(
    session: Session, team_id: str, now: datetime, scope: Collection[int] | None
) -> Period:
    """The quarter whose reviews are open by the rules (up to a week into the next one) when
    the units in scope have goals in it, else the current quarter."""
    current = current_quarter(session, team_id, now.date())
    for quarter in reversed(due_quarters(now, workspace_or_default(session, team_id))):
        periods = review_periods(quarter)
        with_goals = repo.units_with_goals(session=session, team_id=team_id, periods=periods)
        if set(with_goals) & (set(with_goals) if scope is None else set(scope)):
            return quarter
    return current


def _unit_name(session: Session, review: Review) -> str:
    unit = get_unit(session=session, team_id=review.team_id, unit_id=review.unit_id)
    return unit.name if unit is not None else "this unit"


def _thread_message(session: Session, review: Review) -> ThreadMessage | None:
    if review.status is not DeliveryStatus.SENT or not review.thread_ts or not review.scorecard:
        return None
    responses = repo.responses_of(
        session=session, team_id=review.team_id, review_id=saved_id(review)
    )
    message = review_message(
        Scorecard.from_json(review.scorecard),
        review_id=saved_id(review),
        ratings=summarize(responses),
    )
    return ThreadMessage(review.channel_id or "", review.thread_ts, message.text, message.blocks)
