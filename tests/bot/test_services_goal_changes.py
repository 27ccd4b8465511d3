"""GoalService edit, align, set_owner and close: tree rules, permissions, before → after audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.application import Services, build_services
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from bot.domain.goals import GoalEdit
from storage.db import unit_of_work
from storage.models import Goal, GoalStatus
from storage.repositories.audit import list_audit
from storage.repositories.goals import get_goal_by_number
from tests.factories import TEAM, Org, make_goal, seed_org


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build_services(engine, clock)


@pytest.fixture
def cascade(engine: Engine, org: Org) -> dict[str, Goal]:
    """G-1 company (FY2027) > G-2 Sales > G-3 EMEA (owned by Rob), and G-4 Sales, unaligned."""
    with unit_of_work(engine) as session:
        top = make_goal(session, org.executive, org.company, title="Grow", period="FY2027")
        sales = make_goal(session, org.sales_lead, org.sales, title="Sell", parent=top)
        emea = make_goal(
            session, org.rep, org.emea, title="EMEA", parent=sales, key="emea-1",
            due_date=date(2027, 3, 31),
        )  # fmt: skip
        spare = make_goal(session, org.sales_lead, org.sales, title="Spare")
    return {"top": top, "sales": sales, "emea": emea, "spare": spare}


def _events(engine: Engine, goal_id: int | None, action: str) -> list[tuple[Any, Any]]:
    with unit_of_work(engine) as session:
        events = list_audit(session=session, team_id=TEAM, entity="goal", entity_id=goal_id)
    return [(event.before, event.after) for event in events if event.action == action]


def _stored(engine: Engine, number: int) -> Goal:
    with unit_of_work(engine) as session:
        goal = get_goal_by_number(session=session, team_id=TEAM, number=number)
    assert goal is not None
    return goal


def test_edit_changes_and_audits_only_what_changed(
    services: Services, cascade: dict[str, Goal], engine: Engine, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=1))
    edit = GoalEdit(title="  EMEA growth ", target=40.0, baseline=10.0, due_date=date(2027, 3, 31))
    edited = services.goals.edit(team_id=TEAM, actor_id="UEMEA", goal_number=3, edit=edit)
    assert set(edited.changed) == {"title", "target", "baseline"}
    assert edited.goal.title == "EMEA growth" and edited.goal.updated_at == clock.now()
    [(before, after)] = _events(engine, cascade["emea"].id, "edit")
    assert before == {"title": "EMEA", "target": None, "baseline": None}
    assert after == {"title": "EMEA growth", "target": 40.0, "baseline": 10.0}
    services.goals.edit(
        team_id=TEAM, actor_id="UEMEA", goal_number=3, edit=GoalEdit(title="EMEA growth")
    )
    assert len(_events(engine, cascade["emea"].id, "edit")) == 1


def test_an_invalid_edit_changes_nothing(
    services: Services, cascade: dict[str, Goal], engine: Engine
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.goals.edit(
            team_id=TEAM,
            actor_id="UEMEA",
            goal_number=3,
            edit=GoalEdit(title="ok", due_date=date(2026, 1, 1)),
        )
    assert refused.value.field == "due_date"
    assert _stored(engine, 3).title == "EMEA" and _events(engine, cascade["emea"].id, "edit") == []


def test_editing_clears_a_field_with_none(services: Services, cascade: dict[str, Goal]) -> None:
    assert (
        services.goals.edit(
            team_id=TEAM, actor_id="UEMEA", goal_number=3, edit=GoalEdit(due_date=None)
        ).goal.due_date
        is None
    )


def test_align_refuses_a_cycle_with_a_clear_message(
    services: Services, cascade: dict[str, Goal]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.goals.align(team_id=TEAM, actor_id="UADMIN", goal_number=1, parent_number=3)
    assert refused.value.message == (
        "G-1 cannot align under G-3: G-3 already sits below G-1, so the tree would loop. "
        "Pick a goal above G-1 instead."
    )
    with pytest.raises(InvalidInput, match="would loop"):
        services.goals.align(team_id=TEAM, actor_id="UADMIN", goal_number=2, parent_number=2)


def test_align_refuses_a_lower_unit_and_unknown_goals(
    services: Services, cascade: dict[str, Goal]
) -> None:
    with pytest.raises(InvalidInput, match="unit that is not this goal's unit"):
        services.goals.align(team_id=TEAM, actor_id="USALES", goal_number=4, parent_number=3)
    with pytest.raises(NotFound) as missing:
        services.goals.align(team_id=TEAM, actor_id="USALES", goal_number=4, parent_number=99)
    assert missing.value.message == (
        "G-99 does not exist in this workspace. Try `/goal list` to see goal ids."
    )
    with pytest.raises(NotFound, match="G-42 does not exist"):
        services.goals.align(team_id=TEAM, actor_id="USALES", goal_number=42, parent_number=1)


def test_align_and_detach_are_audited(
    services: Services, cascade: dict[str, Goal], engine: Engine
) -> None:
    assert (
        services.goals.align(
            team_id=TEAM, actor_id="USALES", goal_number=4, parent_number=1
        ).parent_id
        == cascade["top"].id
    )
    services.goals.align(team_id=TEAM, actor_id="USALES", goal_number=4, parent_number=None)
    top_id = cascade["top"].id
    assert _events(engine, cascade["spare"].id, "align") == [
        ({"parent_id": None, "parent": None}, {"parent_id": top_id, "parent": "G-1"}),
        ({"parent_id": top_id, "parent": "G-1"}, {"parent_id": None, "parent": None}),
    ]


def test_set_owner_is_audited_and_checks_the_new_owner(
    services: Services, cascade: dict[str, Goal], org: Org, engine: Engine
) -> None:
    assert (
        services.goals.set_owner(
            team_id=TEAM, actor_id="UEMEA", goal_number=3, owner_slack_id="UEMEA"
        ).owner_id
        == org.emea_lead.id
    )
    assert _events(engine, cascade["emea"].id, "owner") == [
        ({"owner_id": org.rep.id}, {"owner_id": org.emea_lead.id})
    ]
    with pytest.raises(InvalidInput) as refused:
        services.goals.set_owner(
            team_id=TEAM, actor_id="UEMEA", goal_number=3, owner_slack_id="UGHOST"
        )
    assert refused.value.field == "owner"


def test_only_leads_above_may_change_a_goal(services: Services, cascade: dict[str, Goal]) -> None:
    with pytest.raises(PermissionDenied) as refused:
        services.goals.set_owner(
            team_id=TEAM, actor_id="UREP", goal_number=3, owner_slack_id="UREP"
        )
    assert refused.value.message == (
        "Only Erin Park (lead of EMEA), Dana Lee (lead of Sales) or an admin (Ada Admin) "
        "can change goals of EMEA."
    )
    with pytest.raises(PermissionDenied):
        services.goals.close(
            team_id=TEAM, actor_id="UMARK", goal_number=3, status=GoalStatus.ACHIEVED
        )


def test_close_is_audited_and_happens_once(
    services: Services, cascade: dict[str, Goal], engine: Engine, clock: FixedClock
) -> None:
    closed = services.goals.close(
        team_id=TEAM, actor_id="USALES", goal_number=2, status=GoalStatus.ACHIEVED
    )
    assert closed.goal.status is GoalStatus.ACHIEVED and closed.carried_to is None
    [(before, after)] = _events(engine, cascade["sales"].id, "close")
    assert before == {"status": "active", "closed_at": None}
    assert after == {"status": "achieved", "closed_at": clock.now().isoformat()}
    with pytest.raises(InvalidInput, match=r"G-2 is already closed \(achieved\)"):
        services.goals.close(
            team_id=TEAM, actor_id="USALES", goal_number=2, status=GoalStatus.MISSED
        )
    with pytest.raises(InvalidInput, match="closes as achieved"):
        services.goals.close(
            team_id=TEAM, actor_id="USALES", goal_number=4, status=GoalStatus.ACTIVE
        )


def test_carry_over_copies_the_goal_into_the_next_period(
    services: Services, cascade: dict[str, Goal], engine: Engine
) -> None:
    closed = services.goals.close(
        team_id=TEAM, actor_id="UEMEA", goal_number=3, status=GoalStatus.CARRIED_OVER
    )
    copy = closed.carried_to
    assert copy is not None and copy.number == 5
    assert (copy.period, copy.key, copy.status) == ("2027-Q2", "emea-1~2027-Q2", GoalStatus.ACTIVE)
    assert copy.due_date == date(2027, 6, 30)
    assert copy.parent_id is None  # G-2 is a 2027-Q1 goal: it cannot hold a 2027-Q2 goal
    [(before, after)] = _events(engine, copy.id, "create")
    assert before == {} and after["carried_from"] == "G-3" and after["period"] == "2027-Q2"


def test_carry_over_keeps_a_parent_whose_period_still_encloses(
    services: Services, cascade: dict[str, Goal]
) -> None:
    copy = services.goals.close(
        team_id=TEAM, actor_id="USALES", goal_number=2, status=GoalStatus.CARRIED_OVER
    ).carried_to
    assert copy is not None and copy.parent_id == cascade["top"].id
