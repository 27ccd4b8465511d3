"""Modals, App Home and typed DMs, driven the way Slack drives them."""

from __future__ import annotations

from sqlmodel import select

from bot.blocks import ids
from devkit.people import eventually
from storage.db import unit_of_work
from storage.models import Goal, GoalUpdate, UpdateSource, Workspace
from tests.factories import make_goal
from tests.handlers.harness import Goals, Running, rendered

ADMIN, LEAD, EMEA, REP = "UADMIN", "USALES", "UEMEA", "UREP"


def _open_modal(run: Running, user: str, text: str) -> dict[str, object]:
    assert run.driver.slash(user, text).status == 200
    return eventually(lambda: run.slack.open_views(user))[-1]


def _goal(run: Running, number: int) -> Goal | None:
    with unit_of_work(run.engine) as session:
        query = select(Goal).where(Goal.number == number)
        return session.exec(query).first()


def _updates(run: Running) -> list[GoalUpdate]:
    with unit_of_work(run.engine) as session:
        return list(session.exec(select(GoalUpdate).order_by(GoalUpdate.id)))  # type: ignore[arg-type]


def test_new_goal_modal_field_errors_then_success(run: Running, goals: Goals) -> None:
    _open_modal(run, EMEA, "new")
    bad = run.driver.submit(EMEA, {"Goal": "Sign 5 partners", "Baseline (where you start)": "abc"})
    assert bad.json()["response_action"] == "errors"
    assert "`abc` is not a number" in bad.json()["errors"][ids.NEW_GOAL_BASELINE]
    refused = run.driver.submit(EMEA, {"Goal": "Sign 5 partners", "Aligns to": "G-99"})
    assert "G-99 does not exist" in refused.json()["errors"][ids.NEW_GOAL_PARENT]
    answers = {
        "Owner": REP,
        "Goal": "Sign 5 partners",
        "Aligns to": "G-3",
        "Metric": "partners",
        "Baseline (where you start)": "0",
        "Target": "5",
        "Due date": "2027-03-15",
    }
    assert run.driver.submit(EMEA, answers).status == 200
    created = eventually(lambda: _goal(run, 5))
    assert (created.title, created.target, created.parent_id) == (
        "Sign 5 partners",
        5.0,
        _goal(run, 3).id,
    )  # type: ignore[union-attr]
    assert "G-5" in rendered(eventually(lambda: run.slack.dm_messages(EMEA))[-1])


def test_a_member_cannot_create_goals_and_is_told_who_can(run: Running, goals: Goals) -> None:
    _open_modal(run, REP, "new My own goal")
    refused = run.driver.submit(REP, {})
    assert "Erin Park (lead of EMEA)" in refused.json()["errors"][ids.NEW_GOAL_UNIT]
    assert _goal(run, 5) is None


def test_a_goal_without_a_metric_is_coached_not_refused(run: Running, goals: Goals) -> None:
    _open_modal(run, EMEA, "new Be more visible")
    assert run.driver.submit(EMEA, {}).status == 200
    assert eventually(lambda: _goal(run, 5)) is not None
    dm = rendered(eventually(lambda: run.slack.dm_messages(EMEA))[-1])
    assert "how will we know" in dm.lower()


def test_settings_modal_rejects_an_unknown_time_zone_then_saves(run: Running, goals: Goals) -> None:
    _open_modal(run, ADMIN, "settings")
    bad = run.driver.submit(ADMIN, {"Time zone": "Mars/Olympus"})
    assert "Mars/Olympus" in bad.json()["errors"][ids.SETTINGS_TIMEZONE]
    good = {
        "Time zone": "Europe/Berlin",
        "Holidays": "2027-12-24\n2027-12-25",
        "Check-ins": "biweekly",
    }
    assert run.driver.submit(ADMIN, good).status == 200
    with unit_of_work(run.engine) as session:
        workspace = eventually(
            lambda: session.exec(
                select(Workspace).where(Workspace.timezone == "Europe/Berlin")
            ).first()
        )
        assert workspace.holidays == ["2027-12-24", "2027-12-25"]


def test_checkin_modal_field_error_then_records_every_goal(run: Running, goals: Goals) -> None:
    _open_modal(run, REP, "checkin")
    bad = run.driver.submit(REP, {"New value": "lots"})
    assert "`lots` is not a number" in str(bad.json()["errors"])
    assert _updates(run) == []
    good = run.driver.submit(
        REP, {"New value": "30", "Health": "at_risk", "Confidence": "6", "Note": "slow"}
    )
    assert good.status == 200
    update = eventually(lambda: _updates(run))[0]
    assert (update.value, update.health, update.confidence, update.source) == (
        30.0,
        "at_risk",
        6,
        UpdateSource.MODAL,
    )


def test_app_home_shows_my_goals_and_a_leads_units(run: Running, goals: Goals) -> None:
    assert run.driver.open_home(REP).status == 200
    home = eventually(lambda: run.slack.home_view(REP))
    assert "Close 50 EMEA deals" in rendered(home)
    run.driver.open_home(LEAD)
    lead_home = rendered(eventually(lambda: run.slack.home_view(LEAD)))
    assert "Close 100 deals" in lead_home and "Close 50 EMEA deals" in lead_home
    assert run.driver.click_on_home(REP, "New goal").status == 200
    assert eventually(lambda: run.slack.open_views(REP))[-1]["callback_id"] == ids.NEW_GOAL_VIEW


def test_a_typed_reply_for_my_only_goal_is_recorded_and_confirmed(
    run: Running, goals: Goals
) -> None:
    run.driver.dm(REP, "42, on track, waiting on legal")
    update = eventually(lambda: _updates(run))[0]
    assert (update.value, update.health, update.note, update.source) == (
        42.0,
        "on_track",
        "waiting on legal",
        UpdateSource.TYPED,
    )
    confirmation = rendered(eventually(lambda: run.slack.dm_messages(REP))[-1])
    assert "G-3" in confirmation


def test_an_ambiguous_typed_reply_asks_back_and_the_pick_records(
    run: Running, goals: Goals
) -> None:
    with unit_of_work(run.engine) as session:
        make_goal(session, run.org.rep, run.org.emea, title="Grow pipeline", number=5)
    run.driver.dm(REP, "7 at risk")
    question = eventually(lambda: run.slack.dm_messages(REP))[-1]
    assert "G-3" in rendered(question) and "G-5" in rendered(question)
    assert _updates(run) == []
    assert run.driver.click_in_dm(REP, "G-5 Grow pipeline").status == 200
    update = eventually(lambda: _updates(run))[0]
    assert (update.value, update.health, update.goal_id) == (7.0, "at_risk", _goal(run, 5).id)  # type: ignore[union-attr]


def test_several_goals_in_one_message_one_per_line(run: Running, goals: Goals) -> None:
    with unit_of_work(run.engine) as session:
        make_goal(session, run.org.rep, run.org.emea, title="Grow pipeline", number=5)
    run.driver.dm(REP, "G-3 10 on track\nG-5 3 off track blocked by legal\nG-9 1")
    eventually(lambda: len(_updates(run)) == 2)
    reply = rendered(eventually(lambda: run.slack.dm_messages(REP))[-1])
    assert "G-9 does not exist" in reply
    assert [u.blocker for u in _updates(run)] == [False, True]
