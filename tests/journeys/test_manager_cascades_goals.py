"""Journey: a manager creates goals with /goal and cascades them from the company to a person.

The real ``goalbot serve`` process answers signed slash commands and modal submissions from
the stand-in's people; what it records carries the stand-in's time (``--clock-url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from devkit.demo.world import World
from devkit.people import eventually
from storage.models import Goal
from tests.journeys.support import CLARA, DANIEL, SOFIA, ask, journey_world, utc, visible

TUESDAY = utc(2027, 1, 5, 14, 30)
OLIVER = "U0NW0010"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with journey_world(Path(tmp_path_factory.mktemp("cascade"))) as running:
        running.move_to(TUESDAY)
        yield running


def _goal(world: World, title: str) -> Goal | None:
    with Session(world.engine) as session:
        return session.exec(select(Goal).where(Goal.title == title)).first()


def _number(world: World, key: str) -> int:
    with Session(world.engine) as session:
        return session.exec(select(Goal).where(Goal.key == key)).one().number


def _create(world: World, user: str, answers: dict[str, object]) -> Goal:
    assert world.driver.slash(user, "new").status == 200
    eventually(lambda: world.slack.open_views(user), timeout=15)
    response = world.driver.submit(user, answers)
    assert response.status == 200 and not (response.json() or {}).get("errors"), response
    world.slack.close_views(user)
    return eventually(lambda: _goal(world, str(answers["Goal"])), timeout=15)


def _a_goal_cascades_from_the_company_to_a_person(world: World) -> None:
    arr = _number(world, "company-arr")
    sales = _create(
        world,
        DANIEL,
        {
            "Goal": "Win 12 new logos in the Nordics",
            "Unit": "sales",
            "Aligns to": f"G-{arr}",
            "Metric": "new logos",
            "Baseline (where you start)": "0",
            "Target": "12",
            "Due date": "2027-03-31",
        },
    )
    emea = _create(
        world,
        CLARA,
        {
            "Goal": "Open 4 Nordic partner channels",
            "Owner": OLIVER,
            "Unit": "sales-emea",
            "Aligns to": f"G-{sales.number}",
            "Metric": "partners",
            "Baseline (where you start)": "0",
            "Target": "4",
        },
    )

    assert (sales.parent_id, emea.parent_id) == (_goal_id(world, arr), sales.id)
    assert sales.created_at == TUESDAY and emea.created_at == TUESDAY  # the stand-in's time
    announced = visible(eventually(lambda: world.slack.dm_messages(CLARA), timeout=15)[-1])
    assert f"G-{emea.number}" in announced

    tree = ask(world, OLIVER, "tree sales")
    order = [tree.index(t) for t in ("Win 12 new logos", "Open 4 Nordic partner channels")]
    assert order == sorted(order)
    shown = ask(world, OLIVER, f"show G-{emea.number}")
    assert f"G-{sales.number}" in shown and f"<@{OLIVER}>" in shown


def _only_the_units_leads_may_change_its_goals(world: World) -> None:
    arr = _number(world, "company-arr")
    na_goal = _number(world, "na-q1-new-arr")
    refusal = ask(world, SOFIA, f"align G-{na_goal} to G-{arr}")
    assert "can change goals of" in refusal and "Jordan Blake" in refusal
    bad = ask(world, DANIEL, "align G-9999 to G-1")
    assert "G-9999 does not exist" in bad


def _goal_id(world: World, number: int) -> int | None:
    with Session(world.engine) as session:
        return session.exec(select(Goal.id).where(Goal.number == number)).one()


def test_a_manager_cascades_goals_with_the_goal_command(world: World) -> None:
    """One story, in order: Daniel and Clara create goals aligned under a company goal; only
    a unit's leads may change its goals.
    """
    _a_goal_cascades_from_the_company_to_a_person(world)
    _only_the_units_leads_may_change_its_goals(world)
