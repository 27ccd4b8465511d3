"""The review service: who starts reviews, ratings (one per person), replies, close-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.application import build_services
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.domain.review import RatingEntry
from bot.reviews.service import ReviewService
from storage.db import unit_of_work
from storage.models import AuditEvent, DeliveryKind, Goal, GoalStatus, Review, ReviewResponse
from storage.repositories.outbox import ClaimedDelivery
from tests.bot.test_review_support import FakeReviewSlack, seed_acme_quarter, subscribe
from tests.factories import TEAM, Org

AT = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def org(engine: Engine) -> Org:
    """Acme with goals G-1 (FY), G-2 Sales, G-3 EMEA and G-4 Marketing; a leadership channel."""
    org = seed_acme_quarter(engine)
    subscribe(engine)
    return org


@pytest.fixture
def clock() -> FixedClock:
    """The last working day of 2027-Q1."""
    return FixedClock(AT)


@pytest.fixture
def service(engine: Engine, clock: FixedClock) -> ReviewService:
    """The review service on this backend."""
    return ReviewService(engine, clock)


def _open(service: ReviewService, unit: str) -> int:
    """Start and post one unit's review; its id."""
    opened = service.start(team_id=TEAM, actor_id="UADMIN", unit_key=unit, period=None)
    service.post_due(FakeReviewSlack())
    return opened.created[0]


def _responses(engine: Engine) -> list[ReviewResponse]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(ReviewResponse).order_by(col(ReviewResponse.id))))


def _goal(engine: Engine, number: int) -> Goal:
    with unit_of_work(engine) as session:
        return session.exec(select(Goal).where(Goal.number == number)).one()


def test_leads_start_their_units_and_seniors_every_unit(service: ReviewService, org: Org) -> None:
    with pytest.raises(PermissionDenied, match=r"Only Dana Lee \(lead of Sales\), an exec"):
        service.start(team_id=TEAM, actor_id="UREP", unit_key="sales", period=None)
    with pytest.raises(PermissionDenied, match="can start the review of every unit"):
        service.start(team_id=TEAM, actor_id="USALES", unit_key=None, period=None)
    with pytest.raises(NotFound, match="no unit `nope`"):
        service.start(team_id=TEAM, actor_id="UADMIN", unit_key="nope", period=None)
    with pytest.raises(InvalidInput, match="Reviews are per quarter"):
        service.start(team_id=TEAM, actor_id="UADMIN", unit_key=None, period="FY2027")
    emea = service.start(
        team_id=TEAM, actor_id="UEMEA", unit_key="emea", period=None
    )  # a lead of a unit below Sales
    assert len(emea.created) == 1 and str(emea.quarter) == "2027-Q1"
    company = service.start(team_id=TEAM, actor_id="UEXEC", unit_key=None, period=None)
    assert len(company.created) == 2 and company.without_goals == ()  # Sales and Marketing
    acme = service.start(
        team_id=TEAM, actor_id="UADMIN", unit_key="acme", period="2027-Q1"
    )  # the company: FY goals only
    assert acme.created == () and acme.without_goals == ("Acme",)


def test_only_leads_executives_and_admins_choose_a_review_channel(
    service: ReviewService, org: Org, engine: Engine
) -> None:
    with pytest.raises(PermissionDenied, match="choose the review channel of Marketing"):
        service.set_channel(team_id=TEAM, actor_id="UREP", unit_key="marketing", channel_id="CMKT")
    assert (
        service.set_channel(team_id=TEAM, actor_id="UEXEC", unit_key=None, channel_id="CALL")
        == "Acme"
    )
    assert (
        service.set_channel(team_id=TEAM, actor_id="UEMEA", unit_key="emea", channel_id="CEMEA")
        == "EMEA"
    )
    with unit_of_work(engine) as session:
        query = select(AuditEvent).where(AuditEvent.action == "review_channel")
        audited = session.exec(query.order_by(col(AuditEvent.id))).all()
    assert [(a.actor, a.entity, a.before, a.after) for a in audited] == [
        ("UEXEC", "unit", {"review_channel": None}, {"review_channel": "CALL"}),
        ("UEMEA", "unit", {"review_channel": None}, {"review_channel": "CEMEA"}),
    ]


def test_a_rating_is_one_per_person_and_a_new_one_replaces_it(
    service: ReviewService, org: Org, engine: Engine, clock: FixedClock
) -> None:
    review_id = _open(service, "sales")
    first = service.rate(
        team_id=TEAM,
        actor_id="UEXEC",
        review_id=review_id,
        entry=RatingEntry(4, 5, "Pipeline", "Forecast"),
    )
    clock.advance(timedelta(hours=1))
    service.rate(team_id=TEAM, actor_id="USALES", review_id=review_id, entry=RatingEntry(9, 8))
    thread = service.rate(
        team_id=TEAM,
        actor_id="UEXEC",
        review_id=review_id,
        entry=RatingEntry(8, 6, "Weekly reviews"),
    )
    rows = _responses(engine)
    assert [(r.person_id, r.strategy_quality, r.execution_quality) for r in rows] == [
        (org.executive.id, 8, 6),
        (org.sales_lead.id, 9, 8),
    ]
    assert (rows[0].worked, rows[0].change) == ("Weekly reviews", "")
    assert rows[0].created_at == AT and rows[0].updated_at == AT + timedelta(hours=1)
    assert first is not None and thread is not None and thread.channel_id == "CLEAD"
    assert "1 rating · strategy 4 · execution 5" in str(first.blocks)
    assert "2 ratings · strategy 8.5 · execution 7" in str(thread.blocks)
    form = service.rating_form(team_id=TEAM, actor_id="UEXEC", review_id=review_id)
    assert form.previous == RatingEntry(8, 6, "Weekly reviews", "")
    assert (form.unit_name, form.period) == ("Sales", "2027-Q1")
    assert service.rating_form(team_id=TEAM, actor_id="UREP", review_id=review_id).previous is None


def test_ratings_need_a_known_person_and_a_real_review(service: ReviewService, org: Org) -> None:
    review_id = _open(service, "sales")
    with pytest.raises(NotFound, match="not set up in goalbot"):
        service.rate(
            team_id=TEAM, actor_id="USTRANGER", review_id=review_id, entry=RatingEntry(5, 5)
        )
    with pytest.raises(NotFound, match="review no longer exists"):
        service.rating_form(team_id=TEAM, actor_id="UEXEC", review_id=review_id + 100)


def test_replies_in_a_review_thread_are_kept_once(
    service: ReviewService, org: Org, engine: Engine
) -> None:
    review_id = _open(service, "sales")
    with unit_of_work(engine) as session:
        review = session.get(Review, review_id)
        assert review is not None and review.thread_ts is not None
        channel, thread = review.channel_id or "", review.thread_ts
    first = service.record_reply(
        team_id=TEAM,
        actor_id="UEMEA",
        channel_id=channel,
        thread_ts=thread,
        text="Too slow on pipeline",
        ts="5.1",
    )
    assert first is not None and (first.channel_id, first.ts) == (channel, thread)
    assert "1 reply" in first.text + str(first.blocks)
    assert not service.record_reply(
        team_id=TEAM,
        actor_id="UEMEA",
        channel_id=channel,
        thread_ts=thread,
        text="Too slow on pipeline",
        ts="5.1",
    )
    second = service.record_reply(
        team_id=TEAM,
        actor_id="UGUEST",
        channel_id=channel,
        thread_ts=thread,
        text="A guest's view",
        ts="5.2",
    )
    assert second is not None and "2 replies" in str(second.blocks)
    assert not service.record_reply(
        team_id=TEAM,
        actor_id="UEMEA",
        channel_id=channel,
        thread_ts="9.9",
        text="elsewhere",
        ts="5.3",
    )
    rows = _responses(engine)
    assert [(r.person_id, r.reply_text, r.key) for r in rows] == [
        (org.emea_lead.id, "Too slow on pipeline", "reply:5.1"),
        (None, "A guest's view", "reply:5.2"),
    ]


def test_an_owner_closes_their_goals_from_the_close_out_dm(
    service: ReviewService, org: Org, engine: Engine
) -> None:
    review_id = _open(service, "emea")
    view = service.close_out(
        team_id=TEAM,
        actor_id="UREP",
        review_id=review_id,
        goal_number=3,
        outcome=GoalStatus.ACHIEVED,
    )
    assert view is not None and view.open_goals == ()
    assert [(g.number, g.status) for g in view.goals] == [(3, GoalStatus.ACHIEVED)]
    again = service.close_out(
        team_id=TEAM,
        actor_id="UREP",
        review_id=review_id,
        goal_number=3,
        outcome=GoalStatus.ACHIEVED,
    )  # a double tap
    assert again == view
    with pytest.raises(InvalidInput, match="G-3 is already closed as achieved"):
        service.close_out(
            team_id=TEAM,
            actor_id="UREP",
            review_id=review_id,
            goal_number=3,
            outcome=GoalStatus.MISSED,
        )
    assert _goal(engine, 3).closed_at == AT


def test_carry_over_copies_the_goal_into_the_next_quarter_linked_to_it(
    service: ReviewService, org: Org, engine: Engine
) -> None:
    review_id = _open(service, "emea")
    view = service.close_out(
        team_id=TEAM,
        actor_id="UREP",
        review_id=review_id,
        goal_number=3,
        outcome=GoalStatus.CARRIED_OVER,
    )
    assert view is not None
    closed = view.goals[0]
    assert (closed.status, closed.carried_to, closed.next_period) == (
        GoalStatus.CARRIED_OVER,
        5,
        "2027-Q2",
    )
    old, copy = _goal(engine, 3), _goal(engine, 5)
    assert copy.carried_from_id == old.id and copy.title == old.title
    assert (copy.period, copy.status, copy.parent_id) == ("2027-Q2", GoalStatus.ACTIVE, None)


def test_only_the_owner_or_a_lead_closes_a_goal_and_only_of_the_review(
    service: ReviewService, org: Org
) -> None:
    review_id = _open(service, "emea")
    with pytest.raises(PermissionDenied, match="Only the owner of G-3 or a lead of its unit"):
        service.close_out(
            team_id=TEAM,
            actor_id="UMARK",
            review_id=review_id,
            goal_number=3,
            outcome=GoalStatus.MISSED,
        )
    with pytest.raises(InvalidInput, match="G-4 is not part of this review"):
        service.close_out(
            team_id=TEAM,
            actor_id="UADMIN",
            review_id=review_id,
            goal_number=4,
            outcome=GoalStatus.MISSED,
        )
    with pytest.raises(InvalidInput, match="achieved, missed or carried over"):
        service.close_out(
            team_id=TEAM,
            actor_id="UREP",
            review_id=review_id,
            goal_number=3,
            outcome=GoalStatus.DROPPED,
        )
    view = service.close_out(
        team_id=TEAM,
        actor_id="USALES",
        review_id=review_id,
        goal_number=3,
        outcome=GoalStatus.MISSED,
    )  # lead above
    assert view is not None and view.owner_name == "Rob Rep"


def test_the_close_out_dm_is_composed_until_nothing_is_left(
    service: ReviewService, org: Org
) -> None:
    review_id = _open(service, "emea")
    row = ClaimedDelivery(
        id=1,
        team_id=TEAM,
        person_id=org.rep.id or 0,
        kind=DeliveryKind.CLOSEOUT,
        period_key=f"review-{review_id}",
        due_at=AT,
        attempt=1,
        lease_until=AT,
        recovering=False,
        slack_user_id="UREP",
    )
    message = service.compose_closeout(row)
    assert message is not None and message.channel == "UREP"
    assert "Carry over" in str(message.blocks)
    service.close_out(
        team_id=TEAM, actor_id="UREP", review_id=review_id, goal_number=3, outcome=GoalStatus.MISSED
    )
    assert service.compose_closeout(row) is None


def test_carrying_over_with_the_goal_command_links_the_copy_too(
    engine: Engine, org: Org, clock: FixedClock
) -> None:
    closed = build_services(engine, clock).goals.close(
        team_id=TEAM, actor_id="USALES", goal_number=3, status=GoalStatus.CARRIED_OVER
    )
    assert closed.carried_to is not None
    assert closed.carried_to.carried_from_id == closed.goal.id == _goal(engine, 3).id


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime(2027, 3, 31, 9, tzinfo=UTC), "2027-Q1"),  # the day the reviews open
        (datetime(2027, 4, 2, 9, tzinfo=UTC), "2027-Q1"),  # a few days late: still that one
        (datetime(2027, 4, 20, 9, tzinfo=UTC), "2027-Q2"),  # later: the current quarter
        (datetime(2027, 1, 4, 9, tzinfo=UTC), "2027-Q1"),  # 2026-Q4 had no goals to review
    ],
)
def test_start_without_a_period_picks_the_quarter_under_review(
    engine: Engine, org: Org, day: datetime, quarter: str
) -> None:
    opened = ReviewService(engine, FixedClock(day)).start(
        team_id=TEAM, actor_id="UADMIN", unit_key="sales", period=None
    )
    assert str(opened.quarter) == quarter
