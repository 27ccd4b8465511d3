"""/goal through signed HTTP requests: each subcommand's success and its bad input."""

from __future__ import annotations

import pytest
from sqlmodel import select

from devkit.people import eventually
from storage.db import unit_of_work
from storage.models import DigestSubscription, GoalStatus, GoalUpdate, Person
from storage.repositories.goals import get_goal_by_number
from tests.handlers.harness import Goals, Running, ask

ADMIN, EXEC, LEAD, EMEA, REP, MARKETER = "UADMIN", "UEXEC", "USALES", "UEMEA", "UREP", "UMARK"


@pytest.mark.parametrize("text", ["", "help", "wibble"])
def test_help_for_empty_help_and_unknown_input(run: Running, text: str) -> None:
    answer = ask(run, REP, text)
    assert "/goal update G-12 VALUE" in answer
    if text == "wibble":
        assert "`wibble` is not a /goal command" in answer


def test_list_mine_user_unit_company(run: Running, goals: Goals) -> None:
    assert "Close 50 EMEA deals" in ask(run, REP, "list")
    assert "Close 100 deals" in ask(run, REP, f"list <@{LEAD}|dana>")
    assert "Close 100 deals" in ask(run, REP, "list @dana")
    assert "Close 50 EMEA deals" in ask(run, REP, "list sales")
    company = ask(run, REP, "list company")
    assert "Grow revenue" in company and "Launch the brand" in company


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("list nowhere", "There is no unit `nowhere`"),
        ("list @nobody", "Nobody called @nobody"),
        ("list <@UNKNOWN1>", "is not set up in goalbot"),
    ],
)
def test_list_bad_scope(run: Running, goals: Goals, text: str, message: str) -> None:
    assert message in ask(run, REP, text)


def test_show_details_and_unknown_id(run: Running, goals: Goals) -> None:
    answer = ask(run, REP, "show G-3")
    assert "Close 50 EMEA deals" in answer and "G-2" in answer
    assert "G-99 does not exist" in ask(run, REP, "show G-99")
    assert "`X-1` is not a goal id" in ask(run, REP, "show X-1")
    assert "Missing the goal id" in ask(run, REP, "show")


def test_update_records_progress(run: Running, goals: Goals) -> None:
    answer = ask(run, REP, "update G-3 20 at risk waiting on legal")
    assert "Recorded G-3: 20" in answer and "40%" in answer
    with unit_of_work(run.engine) as session:
        update = session.exec(select(GoalUpdate)).one()
    assert (update.value, update.health, update.note) == (20.0, "at_risk", "waiting on legal")


@pytest.mark.parametrize(
    ("user", "text", "message"),
    [
        (REP, "update G-3 lots", "`lots` is not a number"),
        (REP, "update G-3", "Missing the goal id and the new value"),
        (REP, "update G-42 5", "G-42 does not exist"),
        (MARKETER, "update G-3 5", "can record progress on G-3"),
    ],
)
def test_update_bad_input(run: Running, goals: Goals, user: str, text: str, message: str) -> None:
    assert message in ask(run, user, text)
    with unit_of_work(run.engine) as session:
        assert session.exec(select(GoalUpdate)).all() == []


def test_align_and_its_refusals(run: Running, goals: Goals) -> None:
    assert "G-3 now aligns to G-1" in ask(run, LEAD, "align G-3 to G-1")
    assert "Usage: `/goal align" in ask(run, LEAD, "align G-3 with G-1 now")
    assert "G-77 does not exist" in ask(run, LEAD, "align G-3 to G-77")
    assert "can change goals of Marketing" in ask(run, LEAD, "align G-4 to G-2")
    assert "the tree would loop" in ask(run, ADMIN, "align G-1 to G-3")


def test_owner_changes_and_unknown_user(run: Running, goals: Goals) -> None:
    assert f"<@{EMEA}> now owns G-3" in ask(run, LEAD, f"owner G-3 <@{EMEA}>")
    assert "is not set up in goalbot" in ask(run, LEAD, "owner G-3 <@UGHOST99>")
    assert "is not a person" in ask(run, LEAD, "owner G-3 erin")
    with unit_of_work(run.engine) as session:
        goal = get_goal_by_number(session=session, team_id=run.org.team_id, number=3)
        assert goal is not None and goal.owner_id == run.org.emea_lead.id


def test_csf_list_add_remove(run: Running, goals: Goals) -> None:
    assert "Win mid-market deals" in ask(run, LEAD, "csf list sales 2027-Q1")
    assert "Expand in EMEA" in ask(run, LEAD, "csf add sales 2027-Q1 Expand in EMEA")
    ask(run, LEAD, "csf add sales 2027-Q1 Keep churn low")
    fourth = ask(run, LEAD, "csf add sales 2027-Q1 Hire faster")
    assert "Sales now has 4 CSFs" in fourth
    after = ask(run, LEAD, "csf remove sales 2027-Q1 4")
    assert "Hire faster" not in after and "Keep churn low" in after
    assert "can change the CSFs of Sales" in ask(run, REP, "csf add sales 2027-Q1 Mine")
    assert "There is no unit `nope`" in ask(run, LEAD, "csf list nope")
    assert "`x` is not a rank" in ask(run, LEAD, "csf remove sales x")


def test_tree_shows_the_cascade(run: Running, goals: Goals) -> None:
    answer = ask(run, REP, "tree")
    assert answer.index("Grow revenue") < answer.index("Close 100 deals")
    assert answer.index("Close 100 deals") < answer.index("Close 50 EMEA deals")
    assert "There is no unit `moon`" in ask(run, REP, "tree moon")


def test_close_and_bad_outcome(run: Running, goals: Goals) -> None:
    assert "G-3 closed as achieved" in ask(run, LEAD, "close G-3 achieved")
    assert "`won` is not an outcome" in ask(run, LEAD, "close G-4 won")
    assert "can change goals of Marketing" in ask(run, REP, "close G-4 dropped")
    with unit_of_work(run.engine) as session:
        goal = get_goal_by_number(session=session, team_id=run.org.team_id, number=3)
        assert goal is not None and goal.status == GoalStatus.ACHIEVED


def test_pause_and_resume(run: Running, goals: Goals) -> None:
    assert "away until 2027-01-20" in ask(run, REP, "pause until 2027-01-20")
    assert "Welcome back" in ask(run, REP, "resume")
    assert "`soon` is not a date" in ask(run, REP, "pause until soon")
    assert "is not in the future" in ask(run, REP, "pause until 2026-12-01")


def test_checkin_at_sets_my_own_check_in_day_and_time(run: Running, goals: Goals) -> None:
    assert "now come on Fridays at 16:00, your time" in ask(run, REP, "checkin at friday 16:00")
    assert "Tuesdays at 16:00" in ask(run, REP, "checkin at tue")
    assert "the team's day and time again" in ask(run, REP, "checkin at default")
    assert "`someday` is neither a day nor a time" in ask(run, REP, "checkin at someday")
    with unit_of_work(run.engine) as session:
        person = session.exec(select(Person).where(Person.slack_user_id == REP)).one()
        assert (person.checkin_weekday, person.checkin_time) == (None, None)


def test_digest_here_subscribes_the_channel(run: Running, goals: Goals) -> None:
    channel = run.slack.add_channel("leadership", members=[EXEC, LEAD])
    before = len(run.slack.ephemerals(user=EXEC))
    assert run.driver.slash(EXEC, "digest here", channel_id=channel).status == 200
    answer = eventually(lambda: run.slack.ephemerals(user=EXEC)[before:])
    assert "weekly digest of the company" in str(answer)
    assert "can subscribe a channel" in ask(run, REP, "digest here sales")
    with unit_of_work(run.engine) as session:
        rows = session.exec(select(DigestSubscription)).all()
        assert [row.channel_id for row in rows] == [channel]


def test_new_opens_the_modal(run: Running, goals: Goals) -> None:
    assert run.driver.slash(REP, "new Ship the EMEA playbook").status == 200
    view = eventually(lambda: run.slack.open_views(REP))[-1]
    assert view["callback_id"] == "goal_new"
    assert "Ship the EMEA playbook" in str(view)


def test_checkin_opens_the_modal_or_explains(run: Running, goals: Goals) -> None:
    assert run.driver.slash(REP, "checkin").status == 200
    view = eventually(lambda: run.slack.open_views(REP))[-1]
    assert view["callback_id"] == "checkin_update"
    assert "nothing to check in on" in ask(run, ADMIN, "checkin")
    assert "or `checkin at` a day and time" in ask(run, REP, "checkin now")


def test_settings_for_admins_only(run: Running, goals: Goals) -> None:
    assert run.driver.slash(ADMIN, "settings").status == 200
    view = eventually(lambda: run.slack.open_views(ADMIN))[-1]
    assert view["callback_id"] == "goal_settings"
    assert "can change goalbot's settings" in ask(run, REP, "settings")
