"""Which workspace the CLI acts on: the token's (learned from ``auth.test``), else one it was
told and the database knows; a command that cannot tell, or is told a workspace no request,
installation or import ever named, says so in one line and exits 2."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from bot.application import build_services
from devkit.standin import SlackStandin
from devkit.standin.plan import standin_for_plan
from devkit.standin.state import Identity
from goalbot.cli import cli
from goalbot.context import CliContext
from goalbot.running import learn_workspace
from storage.db import make_engine, unit_of_work
from storage.repositories.workspaces import workspace_ids
from storage.schema import ensure_schema
from tests.checkin_support import seed_workspace

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "plan.yaml"
PLAN_TEAM = "T0NW00000"

Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory whose DATABASE_URL is a SQLite file there."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "goalbot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def invoke(db: Path) -> Invoke:
    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def plan_workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStandin]:
    """The stand-in as the plan's workspace; SLACK_BOT_TOKEN and SLACK_API_URL point at it."""
    with standin_for_plan(PLAN) as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        yield slack


@pytest.fixture
def other_workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStandin]:
    """A stand-in for another workspace, T0OTHER; the token points at it."""
    with SlackStandin(identity=Identity(team_id="T0OTHER", team_name="Other Co")) as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        yield slack


def _teams(db: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with unit_of_work(engine) as session:
            return workspace_ids(session=session)
    finally:
        engine.dispose()


def _known(db: Path, *teams: str) -> None:
    """A database that Slack's requests have already named `teams` in."""
    engine = make_engine(f"sqlite:///{db}")
    ensure_schema(engine)
    for team in teams:
        seed_workspace(engine, team_id=team)
    engine.dispose()


def _one_line(err: str, *words: str) -> None:
    assert err.count("\n") == 1, err
    for word in words:
        assert word in err, err


def _without_team_id(tmp_path: Path) -> Path:
    text = PLAN.read_text()
    assert f"  team_id: {PLAN_TEAM}\n" in text
    plan = tmp_path / "plan-without-team.yaml"
    plan.write_text(text.replace(f"  team_id: {PLAN_TEAM}\n", ""))
    return plan


@pytest.mark.usefixtures("plan_workspace")
def test_an_import_with_only_the_token_lands_in_the_tokens_workspace(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    code, out, err = invoke("import", str(_without_team_id(tmp_path)))  # the file names none
    assert code == 0, err
    assert "goals: 31 created" in out
    assert _teams(db) == [PLAN_TEAM]  # learned from auth.test, not GOALBOT_TEAM_ID's old default
    code, out, _ = invoke("import", str(PLAN))  # the file agrees with the token
    assert code == 0 and "Nothing changed" in out
    code, out, _ = invoke("tree")
    assert code == 0 and "31 goals" in out


@pytest.mark.usefixtures("other_workspace")
def test_an_import_with_a_token_for_another_workspace_is_refused(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    code, out, err = invoke("import", str(PLAN))
    assert code == 2 and out == ""
    _one_line(err, PLAN_TEAM, "T0OTHER (Other Co)", "SLACK_BOT_TOKEN")
    assert _teams(db) == []  # nothing written
    code, _, err = invoke("import", "--team", PLAN_TEAM, str(_without_team_id(tmp_path)))
    assert code == 2
    _one_line(err, "--team names workspace T0NW00000", "T0OTHER")


@pytest.mark.usefixtures("other_workspace")
def test_goalbot_team_id_that_disagrees_with_the_token_is_refused(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    _known(db, "T0OTHER")
    monkeypatch.setenv("GOALBOT_TEAM_ID", "T0000FAKE")
    code, _, err = invoke("tree")
    assert code == 2
    _one_line(err, "GOALBOT_TEAM_ID names workspace T0000FAKE", "T0OTHER")
    monkeypatch.delenv("GOALBOT_TEAM_ID")
    code, out, _ = invoke("tree")
    assert code == 0 and "No open goals yet" in out


def test_a_token_slack_refuses_is_said_in_one_line(
    invoke: Invoke, plan_workspace: SlackStandin, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-token-it-knows")
    code, _, err = invoke("import", str(PLAN))
    assert code == 2
    _one_line(err, "Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert "xoxb-not" not in err
    assert _teams(db) == []


def test_without_a_token_a_workspace_nobody_named_is_refused(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    _known(db, "T0REAL")  # the workspace Slack's requests name
    code, _, err = invoke("import", str(PLAN))  # the example plan, T0NW00000, unchanged
    assert code == 2
    _one_line(err, "names workspace T0NW00000", "T0REAL", "--team T0NW00000")
    assert _teams(db) == ["T0REAL"]
    monkeypatch.setenv("GOALBOT_TEAM_ID", "T0TYPO")
    code, _, err = invoke("tree")
    assert code == 2
    _one_line(err, "GOALBOT_TEAM_ID names workspace T0TYPO", "T0REAL", "SLACK_BOT_TOKEN")
    code, _, err = invoke("import", str(PLAN))
    assert code == 2
    _one_line(err, "GOALBOT_TEAM_ID is T0TYPO", "T0NW00000")
    monkeypatch.delenv("GOALBOT_TEAM_ID")
    code, out, _ = invoke("tree")  # the only workspace there is
    assert code == 0 and "No open goals yet" in out
    code, out, _ = invoke("import", "--team", PLAN_TEAM, str(PLAN))  # said outright: created
    assert code == 0 and "goals: 31 created" in out
    code, _, err = invoke("tree")
    assert code == 2
    _one_line(err, "2 workspaces (T0NW00000, T0REAL)", "GOALBOT_TEAM_ID")


def test_without_a_token_a_fresh_database_takes_the_plans_workspace(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    code, _, err = invoke("tree")
    assert code == 2
    _one_line(err, "no workspace in the database yet", "goalbot import")
    code, _, err = invoke("import", str(_without_team_id(tmp_path)))
    assert code == 2
    _one_line(err, "cannot tell which workspace", "workspace.team_id", "--team")
    code, _, err = invoke("import", str(PLAN))
    assert code == 0 and _teams(db) == [PLAN_TEAM], err


def test_serve_learns_and_records_the_tokens_workspace(
    plan_workspace: SlackStandin,
    db: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _known(db, "T0ELSE")
    obj = CliContext(None)
    engine: Engine = obj.engine
    with caplog.at_level(logging.INFO, logger="goalbot.running"):
        learn_workspace(obj, build_services(engine, obj.clock))
    assert sorted(_teams(db)) == ["T0ELSE", PLAN_TEAM]
    messages = [record.getMessage() for record in caplog.records]
    assert any(
        "SLACK_BOT_TOKEN is for workspace T0NW00000" in m and "T0ELSE" in m for m in messages
    )
    assert any("goalbot serves workspace T0NW00000" in m for m in messages)
