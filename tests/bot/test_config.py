"""Settings as an operator writes them: in the environment or a .env file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings


def test_an_empty_variable_means_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``SLACK_APP_TOKEN=`` as in .env.example must not switch serve to Socket Mode."""
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    env = tmp_path / ".env"
    env.write_text("SLACK_APP_TOKEN=\nSLACK_BOT_TOKEN=xoxb-1\nPORT=\n", encoding="utf-8")
    settings = load_settings(env)
    assert settings.slack_app_token is None
    assert settings.slack_bot_token is not None
    assert settings.port == 3000
