"""The goalbot command as an admin uses it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from goalbot.cli import add_plugin_commands, cli

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "plan.yaml"


Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """Run goalbot in an empty directory with a SQLite database of its own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'goalbot.db'}")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    yield run


@pytest.mark.parametrize(
    "command",
    [[], ["migrate"], ["import"], ["export"], ["tree"], ["serve"], ["tick"], ["sync-users"]],
)
def test_every_command_has_help(invoke: Invoke, command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0 and "Usage: " in out


@pytest.mark.parametrize(
    ("command", "variable"),
    [
        (["serve"], "SLACK_BOT_TOKEN"),
        (["serve", "--socket"], "SLACK_APP_TOKEN"),
        (["sync-users"], "SLACK_BOT_TOKEN"),
    ],
)
def test_a_missing_variable_exits_2_with_one_line_naming_it(
    invoke: Invoke, command: list[str], variable: str
) -> None:
    code, _, err = invoke(*command)
    assert code == 2
    assert err.count("\n") == 1 and variable in err


def test_import_twice_changes_nothing_then_tree_and_export(invoke: Invoke) -> None:
    code, out, _ = invoke("import", str(PLAN))
    assert code == 0 and "goals: 31 created" in out
    code, out, _ = invoke("import", str(PLAN))
    assert code == 0 and "Nothing changed" in out
    code, out, _ = invoke("tree")
    assert code == 0 and "G-1 Grow ARR" in out and "31 goals" in out
    code, out, _ = invoke("export", "--format", "json")
    assert code == 0 and '"goals"' in out


def test_an_invalid_plan_prints_file_line_field_and_writes_nothing(
    invoke: Invoke, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    text = PLAN.read_text()
    assert "owner: U0NW0002" in text
    bad.write_text(text.replace("owner: U0NW0002", "owner: U0NOBODY", 1))
    code, _, err = invoke("import", str(bad))
    assert code == 1
    assert f"{bad}:" in err and "owner" in err and "nothing was imported" in err
    code, _, err = invoke("tree")  # not even the workspace was written
    assert code == 2 and "no workspace in the database yet" in err


def test_tick_dry_run_sends_nothing(invoke: Invoke) -> None:
    invoke("import", str(PLAN))
    code, out, _ = invoke("tick", "--dry-run", "--at", "2027-01-07T15:00:00+0000")
    assert code == 0 and "dry run: nothing sent" in out


def test_the_sandbox_offers_demo_through_the_entry_point() -> None:
    """``goalbot demo`` comes from devkit's entry point; the product never imports devkit."""
    group = click.Group()
    add_plugin_commands(group)
    assert "demo" in group.commands
    assert group.commands["demo"].callback is not None
    assert group.commands["demo"].callback.__module__ == "devkit.demo.command"
