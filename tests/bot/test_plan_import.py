"""Importing a plan: idempotent re-imports, in-place edits with audit, CSV goals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.domain.clock import FixedClock
from bot.plan import PlanErrors, import_plan
from storage.models import AuditEvent, Csf, Goal, GoalStatus, Person, Unit, Workspace
from tests.bot.test_plan_support import BASE_PLAN, EXAMPLE_CSV, EXAMPLE_PLAN, count, dump


def _goals(engine: Engine) -> dict[str, Goal]:
    with Session(engine) as session:
        return {str(goal.key): goal for goal in session.exec(select(Goal))}


def _audit(engine: Engine, entity: str, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == action)
        return list(session.exec(query.order_by(col(AuditEvent.id))))


def test_the_example_plan_loads_as_a_cascade(engine: Engine, clock: FixedClock) -> None:
    result = import_plan(engine, EXAMPLE_PLAN, clock)

    assert result.team_id == "T0NW00000"
    assert (result.units.created, result.people.created, result.csfs.created) == (10, 18, 7)
    assert result.goals.created == 31 and result.workspace.created == 1
    goals = _goals(engine)
    by_id = {goal.id: goal for goal in goals.values()}
    assert [goals[key].number for key in ("company-arr", "company-nrr", "product-q1-wizard")] == [
        1,
        2,
        31,
    ]
    person_goal = goals["sofia-q1-logos"]
    chain = [person_goal.key]
    parent_id = person_goal.parent_id
    while parent_id is not None:
        chain.append(by_id[parent_id].key)
        parent_id = by_id[parent_id].parent_id
    assert chain == ["sofia-q1-logos", "na-q1-new-arr", "sales-q1-new-arr", "company-arr"]
    assert goals["chloe-q1-partners"].status == GoalStatus.DRAFT
    assert goals["company-category"].metric_name is None


def test_importing_the_same_plan_twice_changes_nothing(engine: Engine, clock: FixedClock) -> None:
    import_plan(engine, EXAMPLE_PLAN, clock)
    before = dump(engine)
    clock.advance(timedelta(days=3))

    result = import_plan(engine, EXAMPLE_PLAN, clock)

    assert not result.changed
    assert (result.goals.unchanged, result.people.unchanged, result.units.unchanged) == (31, 18, 10)
    assert (result.csfs.unchanged, result.workspace.unchanged) == (7, 1)
    assert dump(engine) == before
    assert len(before["audit_event"]) == 1 + 10 + 18 + 7 + 31  # one "create" per row


def test_an_edited_plan_updates_rows_in_place_with_audit_events(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    import_plan(engine, EXAMPLE_PLAN, clock)
    before = _goals(engine)
    edited = tmp_path / "plan.yaml"
    text = EXAMPLE_PLAN.read_text()
    text = text.replace("baseline: 310, target: 450}", "baseline: 310, target: 480}")
    text = text.replace("title: Deliver 450 sales-accepted leads", "title: Deliver 480 SALs")
    text = text.replace("name: Aisha Bello, unit:", "name: Aisha Bello, tz: Africa/Lagos, unit:")
    text = text.replace("timezone: America/New_York", "timezone: America/Chicago")
    text += (
        "  - {key: new-goal, title: A goal added later, owner: U0NW0016,"
        " unit: customer-success, period: 2027-Q1, parent: cs-q1-churn}\n"
    )
    edited.write_text(text)
    clock.advance(timedelta(days=1))

    result = import_plan(engine, edited, clock)

    assert (result.goals.created, result.goals.updated, result.goals.unchanged) == (1, 1, 30)
    assert (result.people.updated, result.people.unchanged) == (1, 17)
    after = _goals(engine)
    changed = after["mkt-q1-sals"]
    assert (changed.id, changed.number) == (before["mkt-q1-sals"].id, before["mkt-q1-sals"].number)
    assert (changed.title, changed.target) == ("Deliver 480 SALs", 480.0)
    assert changed.updated_at == clock.now()
    assert after["mkt-q1-cac"].updated_at == before["mkt-q1-cac"].updated_at
    assert after["new-goal"].number == 32
    [goal_event] = _audit(engine, "goal", "update")
    assert goal_event.actor == "import" and goal_event.entity_id == changed.id
    assert goal_event.before == {"title": "Deliver 450 sales-accepted leads", "target": 450.0}
    assert goal_event.after == {"title": "Deliver 480 SALs", "target": 480.0}
    [person_event] = _audit(engine, "person", "update")
    assert (person_event.before, person_event.after) == ({"tz": None}, {"tz": "Africa/Lagos"})
    [workspace_event] = _audit(engine, "workspace", "update")
    assert workspace_event.after == {"timezone": "America/Chicago"}
    assert (result.workspace.updated, result.units.unchanged, result.csfs.unchanged) == (1, 10, 7)


def test_fields_left_out_keep_stored_values_and_null_clears_them(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    import_plan(engine, BASE_PLAN, clock)
    edit = tmp_path / "edit.yaml"
    edit.write_text(
        "goals:\n"
        "  - {key: sales-arr, title: Close new ARR, owner: U0TEST0002, unit: sales,"
        " period: 2027-Q1, status: achieved, csf: null}\n"
    )

    import_plan(engine, edit, clock)

    goal = _goals(engine)["sales-arr"]
    assert goal.parent_id is not None and goal.target == 500.0  # not in the file: kept
    assert goal.csf_id is None  # null: cleared
    assert goal.status == GoalStatus.ACHIEVED and goal.closed_at == clock.now()


def test_goals_csv_adds_goals_that_refer_to_the_stored_plan(
    engine: Engine, clock: FixedClock
) -> None:
    import_plan(engine, EXAMPLE_PLAN, clock)

    result = import_plan(engine, EXAMPLE_CSV, clock)

    assert (result.goals.created, result.units.created, result.team_id) == (5, 0, "T0NW00000")
    goals = _goals(engine)
    by_id = {goal.id: goal for goal in goals.values()}
    playbook = goals["tom-q1-playbook"]
    assert playbook.number == 35 and playbook.metric_name is None
    assert playbook.description.startswith("No metric yet: one document, reviewed by Lukas.\n")
    assert by_id[playbook.parent_id].key == "cs-q1-churn"
    summit = goals["emma-q1-summit"]
    assert (summit.title, summit.weight) == ('Host the Berlin customer summit, "Data Day"', 2.0)
    latency = goals["marcus-q1-query-latency"]
    assert (latency.direction, latency.baseline, latency.target) == ("decrease", 1900.0, 800.0)
    assert goals["clara-q1-dach-partner"].status == GoalStatus.DRAFT
    assert not import_plan(engine, EXAMPLE_CSV, clock).changed


def test_someone_known_only_by_email_is_linked_when_their_slack_id_arrives(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "workspace: {team_id: T0MAIL}\n"
        "units: [{key: co, name: Co, lead: kim@test.example}]\n"
        "people: [{email: kim@test.example, name: Kim, unit: co}]\n"
    )
    import_plan(engine, plan, clock)
    plan.write_text(plan.read_text().replace("{email:", "{slack_id: U0KIM, email:"))

    result = import_plan(engine, plan, clock)

    assert (result.people.created, result.people.updated) == (0, 1)
    with Session(engine) as session:
        [person] = session.exec(select(Person)).all()
        unit = session.exec(select(Unit)).one()
    assert (person.slack_user_id, person.email, unit.lead_id) == (
        "U0KIM",
        "kim@test.example",
        person.id,
    )


def test_the_team_id_argument_wins_and_a_missing_one_is_an_error(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    import_plan(engine, BASE_PLAN, clock, team_id="T0OTHER")
    with Session(engine) as session:
        assert [w.id for w in session.exec(select(Workspace))] == ["T0OTHER"]
        assert session.exec(select(Csf)).first() is not None
    bare = tmp_path / "bare.yaml"
    bare.write_text("units: [{key: co, name: Co}]\n")
    import_plan(engine, bare, clock)  # the only workspace in the database
    assert count(engine, "unit") == 5

    import_plan(engine, BASE_PLAN, clock)  # now there are two
    with pytest.raises(PlanErrors) as raised:
        import_plan(engine, bare, clock)
    assert [str(e) for e in raised.value.errors] == [
        f"{bare}:1:workspace: no workspace to import into: give workspace.team_id or a team id"
    ]
