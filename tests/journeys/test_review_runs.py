"""Journey: the quarterly review started by command collects ratings and a thread reply, and
close-out DMs let owners end their goals (carried-over goals continue next quarter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from devkit.demo import IMPORTED_AT
from devkit.demo.review import RATE
from devkit.demo.scenes import subscribe_leadership
from devkit.demo.world import World
from devkit.people import eventually
from storage.models import Goal, GoalStatus, ReviewResponse
from tests.journeys.support import CLARA, DANIEL, MAYA, ask, journey_world, tick_at, utc, visible

LAST_MONDAY = utc(2027, 3, 29, 15, 0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with journey_world(Path(tmp_path_factory.mktemp("review"))) as running:
        tick_at(running, IMPORTED_AT)
        subscribe_leadership(running)
        running.move_to(LAST_MONDAY)
        started = ask(running, MAYA, "review start", channel=running.leadership)
        assert "Quarterly review 2027-Q1: 9 threads open of 9" in started, started
        yield running


def _thread(world: World, unit: str) -> dict[str, object]:
    header = f"Quarterly review · {unit} · 2027-Q1"
    return next(m for m in world.slack.messages(world.leadership) if header in visible(m))


def _rate(world: World, user: str, ts: str, answers: dict[str, str]) -> dict[str, object]:
    assert world.driver.click_in_channel(user, world.leadership, RATE, message_ts=ts).status == 200
    eventually(lambda: world.slack.open_views(user), timeout=15)
    return world.driver.submit(user, answers).json() or {}


def _each_unit_gets_a_thread_with_its_scorecard(world: World) -> None:
    sales = visible(_thread(world, "Sales"))
    for part in ("% to objective", "Goals", "Rhythm", "Diagnosis", "G-5", RATE):
        assert part in sales, part


def _a_reply_and_ratings_are_collected(world: World) -> None:
    ts = str(_thread(world, "Sales")["ts"])
    reply = world.driver.reply_in_thread(CLARA, world.leadership, ts, "Partners carried EMEA.")
    assert reply.status == 200
    eventually(lambda: _kept(world, "reply:"), timeout=15)

    bad = _rate(world, DANIEL, ts, {"Quality of strategy (1-10)": "11"})
    assert "`11` is not a rating" in str(bad["errors"])
    rating = {"Quality of strategy (1-10)": "7", "Quality of execution (1-10)": "5"}
    assert _rate(world, DANIEL, ts, {**rating, "What worked": "weekly pipeline reviews"}) == {}
    world.slack.close_views(DANIEL)
    rating = {"Quality of strategy (1-10)": "8", "Quality of execution (1-10)": "6"}
    assert _rate(world, MAYA, ts, rating) == {}
    world.slack.close_views(MAYA)

    expected = "2 ratings · strategy 7.5 · execution 5.5 · 1 reply"
    assert eventually(lambda: expected in visible(_thread(world, "Sales")), timeout=15)
    assert [r.reply_text for r in _kept(world, "reply:")] == ["Partners carried EMEA."]


def _owners_close_their_goals_from_the_close_out_dm(world: World) -> None:
    tick_at(world, LAST_MONDAY)  # the close-out DMs go out through the check-in outbox
    closeout = visible(world.slack.dm_messages(DANIEL)[-1])
    assert "How did 4 goals end?" in closeout
    assert closeout.index("*G-5*") < closeout.index("*G-6*")
    assert world.driver.click_in_dm(DANIEL, "Achieved").status == 200
    eventually(lambda: _status(world, 5) == GoalStatus.ACHIEVED, timeout=15)
    eventually(lambda: "How did 3 goals end?" in visible(world.slack.dm_messages(DANIEL)[-1]))
    assert world.driver.click_in_dm(DANIEL, "Carry over").status == 200
    eventually(lambda: _status(world, 6) == GoalStatus.CARRIED_OVER, timeout=15)
    with Session(world.engine) as session:
        carried = session.exec(select(Goal).where(Goal.period == "2027-Q2")).all()
        original = session.exec(select(Goal).where(Goal.number == 6)).one()
    assert [g.title for g in carried] == [original.title]


def _status(world: World, number: int) -> GoalStatus:
    with Session(world.engine) as session:
        return session.exec(select(Goal).where(Goal.number == number)).one().status


def _kept(world: World, prefix: str) -> list[ReviewResponse]:
    with Session(world.engine) as session:
        rows = session.exec(select(ReviewResponse)).all()
    return [row for row in rows if row.key.startswith(prefix)]


def test_a_review_collects_ratings_and_replies_and_closes_goals(world: World) -> None:
    """One story, in order: a thread per unit; a reply and two ratings (one refused first);
    owners close their goals from the close-out DM.
    """
    _each_unit_gets_a_thread_with_its_scorecard(world)
    _a_reply_and_ratings_are_collected(world)
    _owners_close_their_goals_from_the_close_out_dm(world)
