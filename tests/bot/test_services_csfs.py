"""CsfService: ranked CSFs per unit and period, the focus warning, permissions, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.application import Services, build_services
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, NotFound, PermissionDenied
from storage.db import unit_of_work
from storage.repositories.audit import list_audit
from storage.repositories.goals import get_goal_by_number
from tests.factories import TEAM, Org, make_goal, seed_org


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build_services(engine, clock)


def _add(services: Services, *titles: str, actor: str = "USALES") -> list[str | None]:
    return [
        services.csfs.add(
            team_id=TEAM, actor_id=actor, unit_key="sales", period="2027-Q1", title=title
        ).warning
        for title in titles
    ]


def test_csfs_are_ranked_in_the_order_added(services: Services, org: Org) -> None:
    assert _add(services, "Win mid-market", "Keep churn low") == [None, None]
    services.csfs.add(
        team_id=TEAM, actor_id="USALES", unit_key="sales", period="2027-q2", title="Later"
    )
    listed = services.csfs.list_for(team_id=TEAM, unit_key="sales", period="2027-Q1")
    assert [(csf.rank, csf.title) for csf in listed] == [
        (1, "Win mid-market"),
        (2, "Keep churn low"),
    ]


def test_a_fourth_csf_is_allowed_with_a_focus_warning(services: Services, org: Org) -> None:
    warnings = _add(services, "One", "Two", "Three", "Four")
    assert warnings[:3] == [None, None, None]
    assert warnings[3] == (
        "Sales now has 4 CSFs for 2027-Q1. The method asks for 2-3: the few things the unit "
        "must do extremely well. Consider merging or removing one."
    )
    assert len(services.csfs.list_for(team_id=TEAM, unit_key="sales", period="2027-Q1")) == 4


def test_removing_keeps_ranks_contiguous_and_unlinks_goals(
    services: Services, org: Org, engine: Engine
) -> None:
    _add(services, "One", "Two", "Three")
    two = services.csfs.list_for(team_id=TEAM, unit_key="sales", period="2027-Q1")[1]
    with unit_of_work(engine) as session:
        make_goal(session, org.sales_lead, org.sales, csf_id=two.id)
    removed = services.csfs.remove(
        team_id=TEAM, actor_id="USALES", unit_key="sales", period="2027-Q1", rank=2
    )
    assert removed.title == "Two"
    listed = services.csfs.list_for(team_id=TEAM, unit_key="sales", period="2027-Q1")
    assert [(csf.rank, csf.title) for csf in listed] == [(1, "One"), (2, "Three")]
    with unit_of_work(engine) as session:
        goal = get_goal_by_number(session=session, team_id=TEAM, number=1)
        events = list_audit(session=session, team_id=TEAM, entity="csf", entity_id=two.id)
    assert goal is not None and goal.csf_id is None
    assert [event.action for event in events] == ["create", "remove"]
    assert events[1].before["title"] == "Two" and events[1].before["goals"] == ["G-1"]
    assert events[0].after["rank"] == 2 and events[0].actor == "USALES"


def test_csf_input_is_checked(services: Services, org: Org) -> None:
    _add(services, "One")
    with pytest.raises(InvalidInput, match="already has the CSF 'one'"):
        _add(services, "one")
    with pytest.raises(InvalidInput) as refused:
        _add(services, "  ")
    assert refused.value.field == "title"
    with pytest.raises(InvalidInput, match="not a period"):
        services.csfs.add(team_id=TEAM, actor_id="USALES", unit_key="sales", period="Q1", title="x")
    with pytest.raises(NotFound, match="Sales has no CSF number 5 for 2027-Q1; it has 1"):
        services.csfs.remove(
            team_id=TEAM, actor_id="USALES", unit_key="sales", period="2027-Q1", rank=5
        )
    with pytest.raises(NotFound, match="no unit `sails`"):
        services.csfs.list_for(team_id=TEAM, unit_key="sails", period="2027-Q1")


def test_leads_executives_and_admins_manage_csfs(services: Services, org: Org) -> None:
    _add(services, "By the lead of Sales")
    services.csfs.add(
        team_id=TEAM, actor_id="UEXEC", unit_key="emea", period="2027-Q1", title="By an executive"
    )
    services.csfs.add(
        team_id=TEAM, actor_id="UADMIN", unit_key="marketing", period="2027-Q1", title="By an admin"
    )
    with pytest.raises(PermissionDenied) as refused:
        _add(services, "By a rep", actor="UREP")
    assert refused.value.message == (
        "Only Dana Lee (lead of Sales), an executive (Eve Exec) or an admin (Ada Admin) "
        "can change the CSFs of Sales."
    )
    with pytest.raises(PermissionDenied):
        services.csfs.add(
            team_id=TEAM, actor_id="UEMEA", unit_key="sales", period="2027-Q1", title="From below"
        )
