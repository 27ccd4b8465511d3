"""GoalService updates and reads: record_update, details, lists and the tree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import col, select

from bot.application import Services, build_services
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from storage.db import unit_of_work
from storage.models import Goal, GoalStatus, GoalUpdate, Health, UpdateSource
from storage.repositories.audit import list_audit
from tests.factories import NOW, TEAM, Org, make_goal, make_update, seed_org

METRIC: dict[str, Any] = {"metric_name": "Deals", "baseline": 0.0, "target": 100.0}


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build_services(engine, clock)


@pytest.fixture
def cascade(engine: Engine, org: Org) -> dict[str, Goal]:
    """G-1 company (FY2027) > G-2 Sales > G-3, G-4 EMEA (Rob); G-5 Marketing, unaligned."""
    with unit_of_work(engine) as session:
        top = make_goal(session, org.executive, org.company, title="Grow", period="FY2027")
        sales = make_goal(session, org.sales_lead, org.sales, title="Sell", parent=top, **METRIC)
        emea = make_goal(
            session, org.rep, org.emea, title="EMEA", parent=sales, due_date=date(2027, 3, 31),
            **METRIC,
        )  # fmt: skip
        dach = make_goal(
            session, org.rep, org.emea, title="DACH", parent=sales, weight=3.0, **METRIC
        )
        brand = make_goal(session, org.marketer, org.marketing, title="Brand")
    return {"top": top, "sales": sales, "emea": emea, "dach": dach, "brand": brand}


def _updates(engine: Engine, goal: Goal) -> list[GoalUpdate]:
    with unit_of_work(engine) as session:
        query = select(GoalUpdate).where(GoalUpdate.goal_id == goal.id).order_by(col(GoalUpdate.id))
        return list(session.exec(query))


def test_an_owner_records_progress_and_it_is_audited(
    services: Services, cascade: dict[str, Goal], engine: Engine, org: Org
) -> None:
    first = services.goals.record_update(
        team_id=TEAM,
        actor_id="UREP",
        goal_number=3,
        value=25.0,
        health=Health.ON_TRACK,
        confidence=7,
        note="ok",
    )
    assert first.progress == 0.25 and not first.duplicate
    assert first.update.author_id == org.rep.id and first.update.source is UpdateSource.COMMAND
    services.goals.record_update(
        team_id=TEAM,
        actor_id="UREP",
        goal_number=3,
        value=40.0,
        health=Health.AT_RISK,
        confidence=5,
        blocker=True,
    )
    with unit_of_work(engine) as session:
        events = list_audit(
            session=session, team_id=TEAM, entity="goal", entity_id=cascade["emea"].id
        )
    assert [event.action for event in events] == ["update", "update"]
    assert events[0].before == {}
    assert events[1].before == {
        "value": 25.0, "health": "on_track", "confidence": 7, "blocker": False, "no_change": False,
    }  # fmt: skip
    assert events[1].after["value"] == 40.0 and events[1].after["health"] == "at_risk"
    assert events[1].after["blocker"] is True and events[1].actor == "UREP"


def test_a_repeated_dedup_key_returns_the_first_update(
    services: Services, cascade: dict[str, Goal], engine: Engine
) -> None:
    first = services.goals.record_update(
        team_id=TEAM, actor_id="UREP", goal_number=3, value=10.0, dedup_key="Ev1"
    )
    again = services.goals.record_update(
        team_id=TEAM, actor_id="UREP", goal_number=3, value=99.0, dedup_key="Ev1"
    )
    assert again.duplicate and again.update.id == first.update.id and again.progress == 0.1
    assert [update.value for update in _updates(engine, cascade["emea"])] == [10.0]


def test_no_change_carries_the_last_value_and_health(
    services: Services, cascade: dict[str, Goal]
) -> None:
    services.goals.record_update(
        team_id=TEAM, actor_id="UREP", goal_number=3, value=30.0, health=Health.AT_RISK
    )
    same = services.goals.record_update(
        team_id=TEAM, actor_id="UREP", goal_number=3, source=UpdateSource.BUTTON, no_change=True
    )
    assert (same.update.value, same.update.health, same.update.no_change) == (
        30.0, Health.AT_RISK, True,
    )  # fmt: skip


def test_updates_are_checked(services: Services, cascade: dict[str, Goal]) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.goals.record_update(
            team_id=TEAM, actor_id="UREP", goal_number=3, value=1.0, confidence=11
        )
    assert refused.value.field == "confidence" and "from 1" in refused.value.message
    with pytest.raises(InvalidInput, match="plain number"):
        services.goals.record_update(
            team_id=TEAM, actor_id="UREP", goal_number=3, value=float("nan")
        )
    with pytest.raises(NotFound, match="G-77 does not exist"):
        services.goals.record_update(team_id=TEAM, actor_id="UREP", goal_number=77, value=1.0)
    services.goals.close(team_id=TEAM, actor_id="UEMEA", goal_number=3, status=GoalStatus.ACHIEVED)
    with pytest.raises(InvalidInput, match=r"G-3 is closed \(achieved\)"):
        services.goals.record_update(team_id=TEAM, actor_id="UREP", goal_number=3, value=1.0)


def test_only_the_owner_or_leads_record_progress(
    services: Services, cascade: dict[str, Goal]
) -> None:
    services.goals.record_update(
        team_id=TEAM, actor_id="USALES", goal_number=3, value=5.0
    )  # a lead above may
    with pytest.raises(PermissionDenied) as refused:
        services.goals.record_update(team_id=TEAM, actor_id="UMARK", goal_number=3, value=5.0)
    assert refused.value.message.startswith("Only Rob Rep (owner of G-3), Erin Park (lead of EMEA)")


def test_details_show_the_chain_children_updates_and_health(
    services: Services, cascade: dict[str, Goal], engine: Engine, clock: FixedClock
) -> None:
    with unit_of_work(engine) as session:
        make_update(session, cascade["emea"], 10.0, at=NOW + timedelta(days=38))
        make_update(session, cascade["dach"], 50.0, at=NOW + timedelta(days=38))
    clock.set(NOW + timedelta(days=41))  # 14 Feb: expected about half way through Q1
    details = services.goals.get_details(team_id=TEAM, goal_number=2)
    assert (
        details.label == "G-2" and details.owner.name == "Dana Lee" and details.unit.name == "Sales"
    )
    assert [parent.number for parent in details.parents] == [1]
    assert [child.number for child in details.children] == [3, 4]
    assert details.progress is None and details.rolled_up == pytest.approx((10 + 3 * 50) / 400)
    emea = services.goals.get_details(team_id=TEAM, goal_number=3)
    assert emea.progress == 0.1 and emea.expected == pytest.approx(44 / 89)
    assert emea.health.health is Health.OFF_TRACK and not emea.health.stale
    assert [update.value for update in emea.updates] == [10.0]


def test_a_goal_without_news_for_two_cycles_is_stale(
    services: Services, cascade: dict[str, Goal], clock: FixedClock
) -> None:
    services.goals.record_update(team_id=TEAM, actor_id="UREP", goal_number=3, value=10.0)
    clock.advance(timedelta(days=14))
    assert not services.goals.get_details(team_id=TEAM, goal_number=3).health.stale
    clock.advance(timedelta(hours=1))
    assert services.goals.get_details(team_id=TEAM, goal_number=3).health.label == "stale"


def test_list_for_an_owner_a_subtree_and_the_company(
    services: Services, cascade: dict[str, Goal], org: Org
) -> None:
    services.goals.record_update(
        team_id=TEAM,
        actor_id="UREP",
        goal_number=3,
        value=60.0,
        health=Health.ON_TRACK,
        confidence=8,
    )
    mine = services.goals.list_for(team_id=TEAM, owner_slack_id="UREP")
    assert [goal.label for goal in mine] == ["G-3", "G-4"]
    emea = mine[0]
    assert (emea.owner_name, emea.owner_slack_id, emea.unit_name) == ("Rob Rep", "UREP", "EMEA")
    assert (emea.latest_value, emea.progress, emea.reported_health) == (60.0, 0.6, Health.ON_TRACK)
    assert emea.computed_health is Health.ON_TRACK and emea.last_update_at == NOW
    assert mine[1].latest_value is None and mine[1].last_update_at is None
    sales = services.goals.list_for(team_id=TEAM, unit_id=org.sales.id)
    assert [goal.number for goal in sales] == [2, 3, 4]
    assert len(services.goals.list_for(team_id=TEAM)) == 5
    assert services.goals.list_for(team_id=TEAM, period="FY2027")[0].number == 1
    with pytest.raises(NotFound, match="<@UGHOST> is not set up"):
        services.goals.list_for(team_id=TEAM, owner_slack_id="UGHOST")


def test_list_for_does_not_query_per_goal(
    services: Services, cascade: dict[str, Goal], engine: Engine, org: Org
) -> None:
    with _counting(engine) as few:
        services.goals.list_for(team_id=TEAM)
    with unit_of_work(engine) as session:
        for index in range(20):
            goal = make_goal(session, org.rep, org.emea, title=f"More {index}")
            make_update(session, goal, float(index))
    with _counting(engine) as many:
        assert len(services.goals.list_for(team_id=TEAM)) == 25
    assert len(many) == len(few)


def test_tree_is_in_tree_order_with_rollups(
    services: Services, cascade: dict[str, Goal], engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        make_update(session, cascade["emea"], 20.0)
        make_update(session, cascade["dach"], 60.0)
    rows = [
        (depth, item.label, item.rolled_up) for depth, item in services.goals.tree(team_id=TEAM)
    ]
    assert rows == [
        (0, "G-1", pytest.approx(0.5)),
        (1, "G-2", pytest.approx(0.5)),
        (2, "G-3", 0.2),
        (2, "G-4", 0.6),
        (0, "G-5", None),
    ]
    sales = services.goals.tree(team_id=TEAM, unit_key="sales", period="2027-Q1")
    assert [(depth, item.label) for depth, item in sales] == [(0, "G-2"), (1, "G-3"), (1, "G-4")]
    with pytest.raises(NotFound, match="no unit `nowhere`"):
        services.goals.tree(team_id=TEAM, unit_key="nowhere")


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_dedup_race_lost_at_insert_returns_the_winner(
    services: Services, cascade: dict[str, Goal], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = services.goals.record_update(
        team_id=TEAM, actor_id="UREP", goal_number=3, value=10.0, dedup_key="Ev2"
    )
    # As if a concurrent delivery had not committed yet when this one looked.
    monkeypatch.setattr("bot.services.goal_updates.existing_update", lambda *args: None)
    again = services.goals.record_update(
        team_id=TEAM, actor_id="UREP", goal_number=3, value=10.0, dedup_key="Ev2"
    )
    assert again.duplicate and again.update.id == first.update.id
    assert len(_updates(engine, cascade["emea"])) == 1
