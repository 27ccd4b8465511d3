"""One typed settings object, read from the environment and a ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///goalbot.db"
SLACK_API_URL = "https://slack.com/api/"


class MissingSetting(Exception):
    """A command needs a variable that is not set."""

    def __init__(self, name: str, purpose: str) -> None:
        super().__init__(f"{name} is not set: it is needed to {purpose} (see .env.example)")
        self.name = name


class Settings(BaseSettings):
    """Everything goalbot reads from its environment; see ``.env.example``."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,  # `SLACK_APP_TOKEN=` (as in .env.example) means unset
    )

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object a line

    # Workspace defaults, applied when a workspace is first seen.
    goalbot_team_id: str | None = None  # the CLI's workspace when no SLACK_BOT_TOKEN tells it
    goalbot_timezone: str = "UTC"
    goalbot_fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    goalbot_cadence: Literal["weekly", "biweekly", "monthly"] = "weekly"
    goalbot_checkin_weekday: int = Field(default=3, ge=0, le=6)
    goalbot_checkin_time: str = "10:00"
    goalbot_digest_weekday: int = Field(default=0, ge=0, le=6)
    goalbot_digest_time: str = "09:00"
    goalbot_weekly_dm_cap: int = Field(default=5, ge=1)
    goalbot_send_per_minute: float = Field(default=300.0, gt=0)  # posts, shared by replicas on PG
    # Seconds a request stored by `goalbot serve` waits for its own worker before any other
    # process may take it over: how long a killed process's acknowledged requests wait.
    goalbot_inbox_wait_seconds: float = Field(default=30.0, gt=0, le=3600)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    def require(self, name: str, purpose: str) -> str:
        """Return a secret's value, or raise MissingSetting naming the variable."""
        value = getattr(self, name.lower())
        if value is None or (isinstance(value, SecretStr) and not value.get_secret_value()):
            raise MissingSetting(name, purpose)
        return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def load_settings(env_file: Path | None = None) -> Settings:
    """Read settings from the environment and ``.env`` (or the given file)."""
    if env_file is not None:
        return Settings(_env_file=env_file)
    return Settings()
