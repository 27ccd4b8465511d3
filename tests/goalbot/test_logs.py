"""Logs: text by default, JSON lines with LOG_FORMAT=json; a Slack token is never written."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.config import Settings
from goalbot.cli import cli
from goalbot.logs import RedactingJsonFormatter, RedactingTextFormatter, configure_logging

TOKENS = ("xoxb-123-abc", "xapp-1-A111-222-xyz", "xoxp-9-9")


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Put the root logger back as it was (configure_logging replaces its handlers)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _configured(fmt: str) -> StringIO:
    stream = StringIO()
    configure_logging("DEBUG", fmt)  # type: ignore[arg-type]
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream


def _log_everything() -> None:
    log = logging.getLogger("goalbot.test")
    log.info("posting with token xoxb-123-abc to %s", "C1")
    log.warning("two lines\nxapp-1-A111-222-xyz on the second", extra={"token": "xoxp-9-9"})
    try:
        raise RuntimeError("Slack refused xoxb-123-abc: invalid_auth")
    except RuntimeError:
        log.exception("the call failed")
    logging.getLogger("slack_sdk").debug(
        "headers: %s", {"Authorization": "Bearer xoxb-123-abc"}, stack_info=True
    )


@pytest.mark.usefixtures("root_handlers")
def test_json_logs_parse_line_by_line_and_never_hold_a_token() -> None:
    stream = _configured("json")
    _log_everything()
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert len(records) == 4
    assert [r["level"] for r in records] == ["INFO", "WARNING", "ERROR", "DEBUG"]
    assert records[0]["message"] == "posting with token xoxb-[redacted] to C1"
    assert records[0]["logger"] == "goalbot.test" and records[0]["time"]
    assert records[1]["token"] == "xoxp-[redacted]"
    assert "RuntimeError: Slack refused xoxb-[redacted]" in records[2]["exc_info"]
    assert "Traceback" in records[2]["exc_info"]
    assert "stack_info" in records[3]
    for token in TOKENS:
        assert token not in stream.getvalue()


@pytest.mark.usefixtures("root_handlers")
def test_text_logs_mask_tokens_in_tracebacks_too() -> None:
    stream = _configured("text")
    _log_everything()
    written = stream.getvalue()
    assert "RuntimeError: Slack refused xoxb-[redacted]: invalid_auth" in written
    assert " INFO goalbot.test: posting with token xoxb-[redacted] to C1" in written
    for token in TOKENS:
        assert token not in written
    with pytest.raises(json.JSONDecodeError):
        json.loads(written.splitlines()[0])


def test_log_format_is_text_unless_set_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).log_format == "text"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert Settings(_env_file=None).log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="log_format"):
        Settings(_env_file=None)


@pytest.mark.usefixtures("root_handlers")
@pytest.mark.parametrize(
    ("fmt", "formatter"), [("json", RedactingJsonFormatter), ("", RedactingTextFormatter)]
)
def test_the_cli_logs_in_the_format_set(
    fmt: str, formatter: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'goalbot.db'}")
    monkeypatch.setenv("LOG_FORMAT", fmt)
    result = CliRunner().invoke(cli, ["migrate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (handler,) = logging.getLogger().handlers
    assert type(handler.formatter) is formatter
