"""The weekly digest end to end: a channel subscribes with ``/goal digest here``, the clock
reaches Monday 09:00, ``goalbot tick --at`` (the real CLI) posts the digest and its chart into
the stand-in; ``/goal digest preview`` shows it now."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Engine
from sqlmodel import SQLModel

from bot.delivery.tags import DIGEST_EVENT_TYPE
from bot.domain.clock import FixedClock
from devkit.people import eventually
from goalbot.cli import cli
from storage.db import make_engine, unit_of_work
from storage.migrate import alembic_config
from storage.repositories.goals import get_goal_by_number
from tests.factories import make_update
from tests.handlers.harness import Running, rendered, running_goalbot, seed_goals

EXEC, REP = "UEXEC", "UREP"
NEXT_MONDAY = "2027-01-11T09:01:00+00:00"  # the first digest slot after subscribing


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "goalbot.db"


@pytest.fixture
def run(db_path: Path, clock: FixedClock) -> Iterator[Running]:
    """goalbot against the stand-in, on a SQLite file the ``goalbot`` CLI accepts (at head)."""
    engine: Engine = make_engine(f"sqlite:///{db_path}")
    SQLModel.metadata.create_all(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    with running_goalbot(engine, clock) as running:
        goals = seed_goals(engine, running.org)
        with unit_of_work(engine) as session:
            for number, values in ((goals.company, (11.0, 12.5)), (goals.sales, (10.0, 30.0))):
                goal = get_goal_by_number(
                    session=session, team_id=running.org.team_id, number=number
                )
                assert goal is not None
                for day, value in zip((5, 8), values, strict=True):
                    make_update(session, goal, value, at=datetime(2027, 1, day, 15, tzinfo=UTC))
        yield running
    engine.dispose()


def _tick(run: Running, db_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """Run ``goalbot tick`` as an admin would, against the stand-in."""
    monkeypatch.chdir(db_path.parent)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", run.slack.token)
    monkeypatch.setenv("SLACK_API_URL", run.slack.api_url)
    result = CliRunner().invoke(cli, ["tick", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _subscribe(run: Running) -> str:
    channel = run.slack.add_channel("leadership", members=[EXEC])
    assert run.driver.slash(EXEC, "digest here", channel_id=channel).status == 200
    answer = eventually(lambda: run.slack.ephemerals(user=EXEC))
    assert "will get the weekly digest of the company" in rendered(answer[0])
    return channel


def test_subscribe_then_the_tick_posts_the_digest_and_its_chart(
    run: Running, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = _subscribe(run)
    assert "0 digests to post" in _tick(
        run, db_path, monkeypatch, "--at", "2027-01-11T08:59:00+00:00", "--dry-run"
    )
    assert "1 digests to post" in _tick(run, db_path, monkeypatch, "--at", NEXT_MONDAY, "--dry-run")
    assert run.slack.messages(channel) == []  # a dry run posts nothing

    out = _tick(run, db_path, monkeypatch, "--at", NEXT_MONDAY)
    assert "digests: planned 1, skipped 0, posted 1, charts 1" in out
    (digest,) = run.slack.messages(channel)
    assert digest["metadata"]["event_type"] == DIGEST_EVENT_TYPE
    text = rendered(digest)
    assert "Weekly digest · Acme" in text and "2027-W02" in text
    assert "*Updated a goal this week* (2 of 4): <@UEXEC>, <@USALES>" in text
    thread = run.slack.thread(channel, digest["ts"])
    charts = [f for message in thread[1:] for f in message.get("files") or []]
    assert [f["name"] for f in charts] == ["digest-2027-W02.png"]
    (stored,) = run.slack.files()
    assert stored["content"].startswith(b"\x89PNG")

    assert "posted 0" in _tick(run, db_path, monkeypatch, "--at", NEXT_MONDAY)  # never twice
    assert len(run.slack.messages(channel)) == 1


def test_without_files_write_the_digest_still_posts(
    run: Running, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = _subscribe(run)
    run.slack.revoke_scope("files:write")
    out = _tick(run, db_path, monkeypatch, "--at", NEXT_MONDAY)
    assert "posted 1, charts 0" in out
    assert len(run.slack.messages(channel)) == 1 and run.slack.files() == []
    (refused,) = run.slack.calls("files.getUploadURLExternal")
    assert (refused.result["error"], refused.result["needed"]) == ("missing_scope", "files:write")


def test_digest_preview_answers_ephemerally_now(run: Running) -> None:
    before = len(run.slack.ephemerals(user=REP))
    assert run.driver.slash(REP, "digest preview sales").status == 200
    answer = rendered(eventually(lambda: run.slack.ephemerals(user=REP)[before:])[0])
    assert "Weekly digest · Sales" in answer and "Preview, only you see it" in answer
    assert run.slack.calls("chat.postMessage") == []  # nothing posted in a channel


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("digest preview nowhere", "There is no unit `nowhere`"),
        ("digest preview sales emea", "Name at most one unit"),
        ("digest later", "Say `here` to subscribe this channel, or `preview`"),
    ],
)
def test_digest_bad_input_gets_a_specific_answer(run: Running, text: str, message: str) -> None:
    before = len(run.slack.ephemerals(user=REP))
    assert run.driver.slash(REP, text).status == 200
    assert message in rendered(eventually(lambda: run.slack.ephemerals(user=REP)[before:])[0])
