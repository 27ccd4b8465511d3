"""The digest's main query on both backends: each goal's latest news, the news before this
cycle, the newest confidence given before it, and the flags, as columns by number."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from storage.models import Direction, Goal, GoalStatus, Health
from storage.repositories import digest_details as details
from storage.repositories.digest_columns import ScopeGoal
from storage.repositories.digest_data import DigestWindow, scope_goals
from tests.factories import OTHER_TEAM, Org, make_goal, make_org, make_update

AT = datetime(2027, 2, 15, 14, 0, tzinfo=UTC)
WINDOW = DigestWindow(AT, AT - timedelta(days=7), AT - timedelta(days=14))
THIS_CYCLE = AT - timedelta(days=2)
LAST_CYCLE = AT - timedelta(days=9)
BEFORE = AT - timedelta(days=20)
CREATED = datetime(2027, 1, 4, tzinfo=UTC)
PERIODS = ("2027-Q1", "FY2027")


def _goals(session: Session, org: Org, unit_ids: list[int] | None = None) -> list[ScopeGoal]:
    columns = scope_goals(
        session=session, team_id=org.team_id, periods=PERIODS, window=WINDOW, unit_ids=unit_ids
    )
    return [columns.goal(at) for at in range(len(columns))]


def _goal(session: Session, org: Org, number: int, **fields: Any) -> Goal:
    fields.setdefault("created_at", CREATED)
    return make_goal(session, org.rep, org.emea, number=number, **fields)


def test_latest_news_news_before_the_cycle_and_flags(session: Session) -> None:
    org = make_org(session)
    quiet = _goal(session, org, 1, baseline=0.0, target=100.0)
    make_update(session, quiet, 10.0, at=BEFORE, confidence=7)
    weekly = _goal(session, org, 2)
    make_update(session, weekly, 20.0, at=LAST_CYCLE, confidence=8)
    make_update(
        session, weekly, 30.0, at=THIS_CYCLE, confidence=5, health=Health.AT_RISK, blocker=True
    )
    skipped = _goal(session, org, 3)
    make_update(session, skipped, 35.0, at=BEFORE, confidence=9)
    make_update(session, skipped, 40.0, at=LAST_CYCLE, no_change=True)
    make_update(session, skipped, 45.0, at=THIS_CYCLE, confidence=6)
    twice = _goal(session, org, 4)
    make_update(session, twice, 1.0, at=BEFORE)
    make_update(session, twice, 2.0, at=THIS_CYCLE - timedelta(days=1))
    make_update(session, twice, 3.0, at=THIS_CYCLE, health=Health.OFF_TRACK)
    _goal(session, org, 5, created_at=THIS_CYCLE)  # new this cycle, no update yet
    session.commit()

    got = {goal.number: goal for goal in _goals(session, org)}

    assert _news(got[1]) == (True, False, False, 10.0, None, 10.0, None)
    assert got[1].confidence == 7  # its latest, though not this cycle's
    assert _news(got[2]) == (True, True, True, 30.0, Health.AT_RISK, 20.0, 8)
    assert (got[2].blocker, got[1].blocker) == (True, False)
    # "no change" last cycle carried no confidence: the one before it is the one to compare
    assert _news(got[3]) == (True, True, True, 45.0, None, 40.0, 9)
    # two updates this cycle: "before" is the latest one before the cycle began
    assert _news(got[4]) == (True, True, False, 3.0, Health.OFF_TRACK, 1.0, None)
    assert _news(got[5]) == (False, False, False, None, None, None, None)
    assert (got[5].created_before_week, got[5].created_before_previous) == (False, False)
    assert (got[1].created_before_week, got[1].created_before_previous) == (True, True)
    assert (got[1].id, got[1].owner_id, got[1].unit_id) == (quiet.id, org.rep.id, org.emea.id)


def test_only_active_goals_of_the_periods_and_units_in_number_order(session: Session) -> None:
    org = make_org(session)
    third = _goal(session, org, 30, period="FY2027", direction=Direction.DECREASE,
                  baseline=10.0, target=4.0, due_date=date(2027, 9, 30))  # fmt: skip
    first = _goal(session, org, 10)
    _goal(session, org, 20, period="2027-Q2")
    _goal(session, org, 25, status=GoalStatus.DRAFT)
    make_goal(session, org.marketer, org.marketing, number=5, created_at=CREATED, parent=first)
    session.commit()

    everything = _goals(session, org)
    assert [goal.number for goal in everything] == [5, 10, 30]
    decreasing = everything[-1]
    assert (decreasing.id, decreasing.period, decreasing.direction) == (
        third.id,
        "FY2027",
        Direction.DECREASE,
    )
    assert (decreasing.baseline, decreasing.target) == (10.0, 4.0)
    assert decreasing.due_date == date(2027, 9, 30)
    assert (everything[0].parent_id, everything[0].unit_id) == (first.id, org.marketing.id)
    assert [goal.number for goal in _goals(session, org, [org.emea.id or 0])] == [10, 30]
    assert _goals(session, org, []) == []


def _news(
    goal: ScopeGoal,
) -> tuple[bool, bool, bool, float | None, Health | None, float | None, int | None]:
    return (
        goal.has_update,
        goal.updated_this_week,
        goal.updated_last_week,
        goal.value,
        goal.health,
        goal.value_before,
        goal.confidence_before,
    )


def test_lookups_by_id_keep_to_the_workspace(session: Session) -> None:
    org, other = make_org(session), make_org(session, OTHER_TEAM)
    ours = _goal(session, org, 1)
    theirs = make_goal(session, other.rep, other.emea, number=1, parent=None)
    session.commit()
    goal_ids = [ours.id or 0, theirs.id or 0]
    people = [org.rep.id or 0, other.rep.id or 0]

    labels = details.goal_labels(session=session, team_id=org.team_id, goal_ids=goal_ids)
    parents = details.goal_parents(session=session, team_id=org.team_id, goal_ids=goal_ids)
    named = details.person_labels(session=session, team_id=org.team_id, person_ids=people)

    assert list(labels) == list(parents) == [ours.id]
    assert (labels[ours.id or 0].owner_slack_id, parents[ours.id or 0]) == (
        "UREP",
        (None, org.emea.id),
    )
    assert list(named) == [org.rep.id]
