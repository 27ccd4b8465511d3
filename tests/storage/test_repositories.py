"""Repositories on SQLite and PostgreSQL: lookups, filters, trees, latest updates, scoping."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from storage.models import Goal, GoalStatus, Health, Role, UpdateSource
from storage.repositories import csfs, goals, people, units, updates, workspaces
from tests.factories import (
    NOW,
    OTHER_TEAM,
    TEAM,
    Org,
    make_csf,
    make_goal,
    make_org,
    make_person,
    make_update,
)


def test_get_or_create_workspace_applies_defaults_once(session: Session) -> None:
    created = workspaces.get_or_create_workspace(
        session=session, team_id="TNEW", now=NOW, defaults={"timezone": "Europe/Paris"}
    )
    again = workspaces.get_or_create_workspace(
        session=session, team_id="TNEW", now=NOW, defaults={"timezone": "Asia/Tokyo"}
    )
    assert again is created
    assert again.timezone == "Europe/Paris"
    assert workspaces.get_workspace(session=session, team_id="TNONE") is None


def test_people_are_found_by_slack_id_and_email_within_their_workspace(session: Session) -> None:
    org = make_org(session)
    make_org(session, OTHER_TEAM)
    make_person(session, "UX", team_id=OTHER_TEAM, email="dana@acme.test")
    org.sales_lead.email = "Dana@Acme.test"
    session.flush()
    found = people.get_person_by_slack_id(session=session, team_id=TEAM, slack_user_id="USALES")
    assert found is not None and found.id == org.sales_lead.id
    by_email = people.find_person_by_email(session=session, team_id=TEAM, email=" dana@ACME.test ")
    assert by_email is not None and by_email.id == org.sales_lead.id
    assert people.get_person_by_slack_id(session=session, team_id=TEAM, slack_user_id="UX") is None
    other = people.get_person(session=session, team_id=OTHER_TEAM, person_id=org.rep.id or 0)
    assert other is None


def test_upsert_person_creates_then_updates_only_given_fields(session: Session) -> None:
    make_org(session)
    fields = people.PersonFields(name="Nia New", email="nia@acme.test", tz="Europe/Berlin")
    created = people.upsert_person(
        session=session, team_id=TEAM, slack_user_id="UNEW", now=NOW, fields=fields
    )
    later = NOW + timedelta(days=1)
    updated = people.upsert_person(
        session=session,
        team_id=TEAM,
        slack_user_id="UNEW",
        now=later,
        fields=people.PersonFields(tz="Asia/Tokyo"),
    )
    assert updated.id == created.id
    assert (updated.name, updated.email, updated.tz) == ("Nia New", "nia@acme.test", "Asia/Tokyo")
    assert updated.updated_at == later


def test_role_lookups(session: Session) -> None:
    make_org(session)
    make_org(session, OTHER_TEAM)
    names = people.names_with_roles(session=session, team_id=TEAM, roles=[Role.ADMIN])
    assert names == ["Ada Admin"]
    assert people.count_with_role(session=session, team_id=TEAM, role=Role.EXECUTIVE) == 1


def test_unit_ancestors_and_subtree(session: Session) -> None:
    org = make_org(session)
    make_org(session, OTHER_TEAM)
    chain = units.unit_ancestors(session=session, team_id=TEAM, unit_id=org.emea.id or 0)
    assert [unit.key for unit in chain] == ["emea", "sales", "acme"]
    subtree = units.unit_subtree_ids(session=session, team_id=TEAM, unit_id=org.sales.id or 0)
    assert subtree == sorted([org.sales.id or 0, org.emea.id or 0])
    everything = units.unit_subtree_ids(session=session, team_id=TEAM, unit_id=org.company.id or 0)
    assert len(everything) == 4
    parents = units.unit_parent_map(session=session, team_id=TEAM)
    assert parents[org.emea.id or 0] == org.sales.id and len(parents) == 4
    assert units.unit_ancestors(session=session, team_id=OTHER_TEAM, unit_id=org.emea.id or 0) == []


def test_unit_lookups_by_key_and_root(session: Session) -> None:
    org = make_org(session)
    make_org(session, OTHER_TEAM)
    sales = units.get_unit_by_key(session=session, team_id=TEAM, key="sales")
    assert sales is not None and sales.id == org.sales.id
    assert [unit.key for unit in units.root_units(session=session, team_id=TEAM)] == ["acme"]
    assert units.get_unit(session=session, team_id=OTHER_TEAM, unit_id=org.sales.id or 0) is None


def _goals(session: Session, org: Org) -> dict[str, int]:
    top = make_goal(session, org.executive, org.company, title="Grow", period="FY2027")
    sales = make_goal(session, org.sales_lead, org.sales, title="Sell", parent=top)
    emea = make_goal(session, org.rep, org.emea, title="EMEA", parent=sales)
    old = make_goal(session, org.rep, org.emea, title="Old", period="2026-Q4")
    done = make_goal(session, org.rep, org.emea, title="Done", status=GoalStatus.ACHIEVED)
    return {
        name: goal.id or 0
        for name, goal in {
            "top": top,
            "sales": sales,
            "emea": emea,
            "old": old,
            "done": done,
        }.items()
    }


def test_goals_by_owner_unit_period_and_status(session: Session) -> None:
    org = make_org(session)
    ids = _goals(session, org)
    by_owner = goals.list_goals(session=session, team_id=TEAM, owner_id=org.rep.id)
    assert [goal.id for goal in by_owner] == [ids["emea"], ids["old"], ids["done"]]
    by_unit = goals.list_goals(session=session, team_id=TEAM, unit_ids=[org.sales.id or 0])
    assert [goal.id for goal in by_unit] == [ids["sales"]]
    in_q1 = goals.list_goals(session=session, team_id=TEAM, period=["2027-Q1", "FY2027"])
    assert {goal.id for goal in in_q1} == {ids["top"], ids["sales"], ids["emea"], ids["done"]}
    active = goals.list_goals(
        session=session, team_id=TEAM, owner_id=org.rep.id, period="2027-Q1",
        statuses=[GoalStatus.ACTIVE],
    )  # fmt: skip
    assert [goal.id for goal in active] == [ids["emea"]]
    assert goals.list_goals(session=session, team_id=TEAM, unit_ids=[]) == []


def test_goal_rows_carry_owner_and_unit_names(session: Session) -> None:
    org = make_org(session)
    ids = _goals(session, org)
    rows = goals.list_goal_rows(session=session, team_id=TEAM, parent_id=ids["top"])
    assert len(rows) == 1
    row = rows[0]
    assert (row.id, row.unit_name, row.owner_name, row.owner_slack_id) == (
        ids["sales"],
        "Sales",
        "Dana Lee",
        "USALES",
    )


def test_goal_numbers_children_and_ancestors(session: Session) -> None:
    org = make_org(session)
    ids = _goals(session, org)
    assert goals.next_goal_number(session=session, team_id=TEAM) == 6
    assert goals.next_goal_number(session=session, team_id=OTHER_TEAM) == 1
    second = goals.get_goal_by_number(session=session, team_id=TEAM, number=2)
    assert second is not None and second.id == ids["sales"]
    kids = goals.children_of(session=session, team_id=TEAM, goal_id=ids["top"])
    assert [goal.id for goal in kids] == [ids["sales"]]
    chain = goals.goal_ancestors(session=session, team_id=TEAM, goal_id=ids["emea"])
    assert [goal.id for goal in chain] == [ids["sales"], ids["top"]]
    assert goals.goal_ancestors(session=session, team_id=TEAM, goal_id=ids["top"]) == []


def test_another_workspace_never_sees_goals(session: Session) -> None:
    org = make_org(session)
    ids = _goals(session, org)
    make_org(session, OTHER_TEAM)
    assert goals.get_goal(session=session, team_id=OTHER_TEAM, goal_id=ids["top"]) is None
    assert goals.get_goal_by_number(session=session, team_id=OTHER_TEAM, number=1) is None
    assert goals.list_goals(session=session, team_id=OTHER_TEAM) == []
    assert goals.list_goal_rows(session=session, team_id=OTHER_TEAM) == []


def test_csfs_by_rank(session: Session) -> None:
    org = make_org(session)
    make_csf(session, org.sales, "Second", rank=2)
    make_csf(session, org.sales, "First", rank=1)
    make_csf(session, org.sales, "Later", rank=1, period="2027-Q2")
    found = csfs.list_csfs(
        session=session, team_id=TEAM, unit_id=org.sales.id or 0, period="2027-Q1"
    )
    assert [csf.title for csf in found] == ["First", "Second"]


def test_latest_updates_breaks_created_at_ties_by_id(session: Session) -> None:
    org = make_org(session)
    ids = _goals(session, org)
    first, second = (
        session.get_one(Goal, ids["sales"]),
        session.get_one(Goal, ids["emea"]),
    )
    make_update(session, first, 1.0, at=NOW - timedelta(days=7))
    make_update(session, first, 2.0, at=NOW)
    tie_winner = make_update(session, first, 3.0, at=NOW)
    make_update(session, second, 9.0, at=NOW + timedelta(hours=1))
    older = make_update(session, second, 8.0, at=NOW)
    latest = updates.latest_updates(
        session=session, team_id=TEAM, goal_ids=[ids["sales"], ids["emea"], ids["top"]]
    )
    assert set(latest) == {ids["sales"], ids["emea"]}
    assert latest[ids["sales"]].id == tie_winner.id
    assert latest[ids["emea"]].value == 9.0 and latest[ids["emea"]].id != older.id
    assert updates.latest_updates(session=session, team_id=TEAM, goal_ids=[]) == {}


def test_latest_updates_never_crosses_workspaces(session: Session) -> None:
    org, other = make_org(session), make_org(session, OTHER_TEAM)
    mine = make_goal(session, org.rep, org.emea)
    theirs = make_goal(session, other.rep, other.emea)
    make_update(session, mine, 1.0)
    make_update(session, theirs, 2.0)
    latest = updates.latest_updates(
        session=session, team_id=TEAM, goal_ids=[mine.id or 0, theirs.id or 0]
    )
    assert list(latest) == [mine.id]


def test_recent_updates_and_dedup_lookup(session: Session) -> None:
    org = make_org(session)
    goal = make_goal(session, org.rep, org.emea)
    for day in range(4):
        make_update(session, goal, float(day), at=NOW + timedelta(days=day))
    added = updates.add_update(
        session=session,
        team_id=TEAM,
        update=updates.NewUpdate(
            goal_id=goal.id or 0, source=UpdateSource.TYPED, value=7.0, health=Health.AT_RISK,
            dedup_key="evt-1",
        ),
        created_at=NOW + timedelta(days=9),
    )  # fmt: skip
    recent = updates.recent_updates(session=session, team_id=TEAM, goal_id=goal.id or 0, limit=3)
    assert [update.value for update in recent] == [7.0, 3.0, 2.0]
    found = updates.get_update_by_dedup_key(session=session, team_id=TEAM, dedup_key="evt-1")
    assert found is not None and found.id == added.id
    assert (
        updates.get_update_by_dedup_key(session=session, team_id=OTHER_TEAM, dedup_key="evt-1")
        is None
    )
