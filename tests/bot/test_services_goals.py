"""GoalService.create: validation of the draft and its place in the tree, coaching, audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.application import Services, build_services
from bot.domain.clock import FixedClock
from bot.domain.errors import InvalidInput, PermissionDenied
from bot.domain.goals import GoalDraft
from storage.db import unit_of_work
from storage.models import Direction
from storage.repositories.audit import list_audit
from tests.factories import TEAM, Org, make_csf, seed_org

SMART: dict[str, Any] = {"metric_name": "New customers", "baseline": 0.0, "target": 20.0}


@pytest.fixture
def org(engine: Engine) -> Org:
    return seed_org(engine)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build_services(engine, clock)


def _draft(owner: str = "UREP", **fields: Any) -> GoalDraft:
    return GoalDraft(**{"title": "Win 20 customers", "owner_slack_id": owner, **fields})


def _refusal(services: Services, actor: str, draft: GoalDraft) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        services.goals.create(team_id=TEAM, actor_id=actor, draft=draft)
    return refused.value


def test_create_numbers_the_goal_defaults_unit_and_period_and_coaches(
    services: Services, org: Org
) -> None:
    created = services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=_draft())
    assert created.label == "G-1"
    goal = created.goal
    assert (goal.unit_id, goal.period, goal.owner_id) == (org.emea.id, "2027-Q1", org.rep.id)
    assert len(created.coaching) == 4
    assert any("How will we know?" in tip for tip in created.coaching)
    assert any("Align it" in tip for tip in created.coaching)
    assert services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=_draft()).label == "G-2"


def test_a_smart_aligned_goal_gets_no_coaching(services: Services, org: Org) -> None:
    top = services.goals.create(
        team_id=TEAM, actor_id="UEXEC", draft=_draft("UEXEC", unit_key="acme", period="FY2027")
    )
    assert len(top.coaching) == 3  # a company goal needs no parent
    draft = _draft(parent_number=1, due_date=date(2027, 3, 31), **SMART)
    assert services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=draft).coaching == ()


def test_create_is_audited_with_the_full_goal(services: Services, org: Org, engine: Engine) -> None:
    goal = services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=_draft(**SMART)).goal
    with unit_of_work(engine) as session:
        events = list_audit(session=session, team_id=TEAM, entity="goal", entity_id=goal.id)
    assert [(event.action, event.actor, event.before) for event in events] == [
        ("create", "UEMEA", {})
    ]
    after = events[0].after
    assert after["title"] == "Win 20 customers" and after["number"] == 1
    assert after["target"] == 20.0 and after["direction"] == "increase"


def test_an_unknown_owner_is_refused(services: Services, org: Org) -> None:
    refused = _refusal(services, "UADMIN", _draft("UGHOST"))
    assert refused.field == "owner" and "<@UGHOST> is not set up" in refused.message


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": "   "}, "title", "needs a title"),
        ({"title": "x" * 201}, "title", "keep it to 200"),
        ({"period": "2027-Q5"}, "period", "not a period"),
        ({"due_date": date(2026, 12, 31)}, "due_date", "before 2027-Q1 starts"),
        ({"baseline": 10.0, "target": 5.0}, "target", "wrong side"),
        ({"baseline": 5.0, "target": 10.0, "direction": Direction.DECREASE}, "target", "swap"),
        ({"unit_key": "nowhere"}, "unit", "no unit `nowhere`"),
        ({"parent_number": 99}, "parent", "G-99 does not exist in this workspace"),
        ({"weight": -1.0}, "weight", "0 or more"),
    ],
)
def test_invalid_drafts_are_refused_with_the_field(
    services: Services, org: Org, fields: dict[str, Any], field: str, words: str
) -> None:
    refused = _refusal(services, "UADMIN", _draft(**fields))
    assert refused.field == field
    assert words in refused.message


def test_a_due_date_after_the_period_is_allowed(services: Services, org: Org) -> None:
    goal = services.goals.create(
        team_id=TEAM, actor_id="UEMEA", draft=_draft(due_date=date(2027, 5, 1))
    ).goal
    assert goal.due_date == date(2027, 5, 1)


def test_a_parent_in_a_lower_unit_is_refused(services: Services, org: Org) -> None:
    services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=_draft())
    draft = _draft("USALES", unit_key="sales", parent_number=1)
    refused = _refusal(services, "USALES", draft)
    assert refused.field == "parent"
    assert refused.message.startswith("This goal cannot align under G-1: the parent belongs to")


def test_a_parent_in_a_narrower_period_is_refused(services: Services, org: Org) -> None:
    services.goals.create(
        team_id=TEAM, actor_id="UEXEC", draft=_draft("UEXEC", unit_key="acme", period="2027-Q1")
    )
    refused = _refusal(services, "UEMEA", _draft(period="FY2027", parent_number=1))
    assert refused.field == "parent" and "period 2027-Q1 does not contain FY2027" in refused.message


def test_a_csf_must_belong_to_the_goal_unit_and_period(
    services: Services, org: Org, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        sales_csf = make_csf(session, org.sales, "Win the mid-market")
        emea_year = make_csf(session, org.emea, "Own DACH", period="FY2027")
        emea_later = make_csf(session, org.emea, "Later", period="2027-Q2")
    assert _refusal(services, "UEMEA", _draft(csf_id=sales_csf.id)).field == "csf"
    assert _refusal(services, "UEMEA", _draft(csf_id=emea_later.id)).field == "csf"
    assert services.goals.create(
        team_id=TEAM, actor_id="UEMEA", draft=_draft(csf_id=emea_year.id)
    ).goal.csf_id


def test_creating_outside_ones_units_names_who_can(services: Services, org: Org) -> None:
    with pytest.raises(PermissionDenied) as refused:
        services.goals.create(team_id=TEAM, actor_id="UREP", draft=_draft("UREP", unit_key="sales"))
    assert refused.value.message == (
        "Only Dana Lee (lead of Sales) or an admin (Ada Admin) can change goals of Sales."
    )
    with pytest.raises(PermissionDenied, match="change company goals"):
        services.goals.create(
            team_id=TEAM, actor_id="USALES", draft=_draft("USALES", unit_key="acme")
        )


def test_the_importer_may_create_anywhere_and_keys_are_unique(services: Services, org: Org) -> None:
    services.goals.create(
        team_id=TEAM, actor_id="import", draft=_draft(unit_key="acme", key="okr-1")
    )
    refused = _refusal(services, "import", _draft(unit_key="acme", key="okr-1"))
    assert refused.field == "key"


def test_a_number_taken_concurrently_is_retried(
    services: Services, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=_draft())
    numbers = iter([1, 2])  # the first attempt races for G-1, which is already taken
    monkeypatch.setattr("bot.services.goal_writes.next_goal_number", lambda **_: next(numbers))
    assert services.goals.create(team_id=TEAM, actor_id="UEMEA", draft=_draft()).label == "G-2"
