"""What every ``goalbot`` command shares: settings, the database and the workspace, each
loaded when first needed.

Only the composition root reads the environment; everything below it is handed its settings.

**Which workspace.** With ``SLACK_BOT_TOKEN`` set, the workspace is the token's, learned from
Slack's ``auth.test``: ``GOALBOT_TEAM_ID``, ``--team`` or a plan naming another one is refused.
Without a token, it is ``GOALBOT_TEAM_ID``, else (for an import) the plan's
``workspace.team_id``, else the only workspace in the database; one that no request,
installation or earlier import has ever named is refused, and so is a command that cannot
tell. A refusal is one line saying how to fix it, with exit status 2.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.config import MissingSetting, Settings, load_settings
from bot.domain.clock import Clock, ClockUnavailable, SystemClock, UrlClock
from bot.domain.errors import GoalbotError
from goalbot.slack_client import make_web_client
from storage.db import make_engine, unit_of_work
from storage.repositories.workspaces import workspace_ids
from storage.schema import SchemaOutOfDate, ensure_schema

P = ParamSpec("P")
R = TypeVar("R")
logger = logging.getLogger(__name__)


class CliContext:
    """Settings and the database, loaded when a command first needs them."""

    def __init__(self, env_file: Path | None) -> None:
        self._env_file = env_file
        self.clock = SystemClock()

    @cached_property
    def settings(self) -> Settings:
        """The settings, read from the environment and .env."""
        return load_settings(self._env_file)

    @cached_property
    def raw_engine(self) -> Engine:
        """An engine on DATABASE_URL, schema not checked."""
        return make_engine(self.settings.database_url)

    @cached_property
    def engine(self) -> Engine:
        """An engine on DATABASE_URL whose schema is at head."""
        ensure_schema(self.raw_engine)
        return self.raw_engine

    @cached_property
    def token_team(self) -> SlackTeam | None:
        """The workspace SLACK_BOT_TOKEN belongs to, from Slack's ``auth.test`` (None when no
        token is set); raises WorkspaceUnknown when Slack refuses the token or cannot be
        reached."""
        settings = self.settings
        token = settings.slack_bot_token
        if token is None or not token.get_secret_value():
            return None
        try:
            answer = make_web_client(settings).auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise WorkspaceUnknown(
                f"Slack refused SLACK_BOT_TOKEN ({error or exc}), so goalbot cannot tell its "
                "workspace: fix the token (or SLACK_API_URL)"
            ) from exc
        except Exception as exc:  # any failure to reach Slack, said in one line
            raise SlackUnreachable(
                f"could not reach Slack's auth.test at {settings.slack_api_url} to learn the "
                f"workspace of SLACK_BOT_TOKEN ({type(exc).__name__}: {exc}): check "
                "SLACK_API_URL and the network, or unset SLACK_BOT_TOKEN and name the workspace "
                "with GOALBOT_TEAM_ID"
            ) from exc
        team = SlackTeam(str(answer["team_id"]), str(answer.get("team") or answer["team_id"]))
        logger.debug("SLACK_BOT_TOKEN is for workspace %s", team)
        return team

    @cached_property
    def known_team_ids(self) -> list[str]:
        """The workspaces the database holds (named by a request, an installation or an
        import)."""
        with unit_of_work(self.engine) as session:
            return workspace_ids(session=session)

    @cached_property
    def team_id(self) -> str:
        """The workspace the CLI acts on: the token's, else GOALBOT_TEAM_ID, else the only one
        in the database; raises WorkspaceUnknown when it cannot tell, or when the workspace is
        not in the database (while others are)."""
        token, explicit, known = self.token_team, self.explicit_team_id, self.known_team_ids
        if token is not None:
            if explicit is not None and explicit != token.id:
                raise WorkspaceUnknown(_not_the_tokens("GOALBOT_TEAM_ID", explicit, token))
            if known and token.id not in known:
                raise WorkspaceUnknown(
                    f"SLACK_BOT_TOKEN is for workspace {token}, which has nothing in this "
                    f"database (it holds {_listed(known)}): import the plan into {token.id} "
                    f"(its workspace.team_id, or `goalbot import --team {token.id}`)"
                )
            return token.id
        if explicit is not None:
            if explicit not in known:
                raise WorkspaceUnknown(_never_seen("GOALBOT_TEAM_ID", explicit, known))
            return explicit
        if len(known) == 1:
            return known[0]
        if not known:
            raise WorkspaceUnknown(
                "no workspace in the database yet: import a plan (`goalbot import PLAN.yaml`), "
                "or set SLACK_BOT_TOKEN so goalbot learns the workspace from Slack"
            )
        raise WorkspaceUnknown(
            f"the database holds {len(known)} workspaces ({_listed(known)}): set "
            "GOALBOT_TEAM_ID to the one to act on, or SLACK_BOT_TOKEN to that workspace's token"
        )

    def import_team(self, option: str | None, from_file: str | None, file: str) -> str | None:
        """The workspace an import of `file` goes into: the token's (when set, anything naming
        another is refused), else `option` (``--team``), else GOALBOT_TEAM_ID or the file's
        (`from_file`), which must agree and be a workspace the database knows unless it holds
        none; None to let the import take the database's only one. Raises WorkspaceUnknown."""
        token, explicit = self.token_team, self.explicit_team_id
        if token is not None:
            named = (("--team", option), (file, from_file), ("GOALBOT_TEAM_ID", explicit))
            for source, team in named:
                if team is not None and team != token.id:
                    raise WorkspaceUnknown(_not_the_tokens(source, team, token))
            return token.id
        if option is not None:
            return option  # said on the command line: a workspace to create if need be
        if explicit is not None and from_file is not None and explicit != from_file:
            raise WorkspaceUnknown(
                f"GOALBOT_TEAM_ID is {explicit}, but {file} is for workspace {from_file}: fix "
                "one of them, or pass --team to say which"
            )
        target, source = (explicit, "GOALBOT_TEAM_ID") if explicit else (from_file, file)
        known = self.known_team_ids
        if target is None:
            if len(known) == 1:
                return known[0]
            raise WorkspaceUnknown(
                f"cannot tell which workspace to import {file} into: name it in the file "
                "(workspace.team_id), pass --team, or set SLACK_BOT_TOKEN so goalbot learns it "
                "from Slack"
            )
        if known and target not in known:
            raise WorkspaceUnknown(
                _never_seen(source, target, known) + f"; `--team {target}` creates it anyway"
            )
        return target

    @property
    def explicit_team_id(self) -> str | None:
        """GOALBOT_TEAM_ID when it was set (environment or .env), else None."""
        return self.settings.goalbot_team_id


@dataclass(frozen=True)
class SlackTeam:
    """A Slack workspace as ``auth.test`` names it."""

    id: str
    name: str

    def __str__(self) -> str:
        return self.id if self.name == self.id else f"{self.id} ({self.name})"


class WorkspaceUnknown(Exception):
    """The CLI cannot tell which workspace to act on, or was given one it must not use."""


class SlackUnreachable(WorkspaceUnknown):
    """Slack's ``auth.test`` could not be reached to learn the token's workspace."""


def _not_the_tokens(source: str, team: str, token: SlackTeam) -> str:
    return (
        f"{source} names workspace {team}, but SLACK_BOT_TOKEN is for workspace {token}: "
        f"fix {source}, or use that workspace's token (goalbot learns the workspace from it)"
    )


def _never_seen(source: str, team: str, known: list[str]) -> str:
    return (
        f"{source} names workspace {team}, which no Slack request, installation or import has "
        f"named here (the database holds {_listed(known) if known else 'none'}): fix it, or set "
        "SLACK_BOT_TOKEN so goalbot learns the workspace from Slack"
    )


def _listed(teams: list[str]) -> str:
    return ", ".join(teams[:5]) + (f" and {len(teams) - 5} more" if len(teams) > 5 else "")


def fails_cleanly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected errors into one line on stderr and exit code 2 (1 for refusals)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (MissingSetting, SchemaOutOfDate, WorkspaceUnknown) as exc:
            click.echo(f"goalbot: {exc}", err=True)
            sys.exit(2)
        except GoalbotError as exc:
            click.echo(f"goalbot: {exc.message}", err=True)
            sys.exit(1)

    return wrapper


def url_clock(url: str) -> Clock:
    """A clock reading the time from `url`, checked once now (a bad URL fails at start-up)."""
    try:
        clock = UrlClock(url)
        logger.warning("goalbot runs on the time told by %s, not the system clock", url)
        clock.now()
    except (ValueError, ClockUnavailable) as exc:
        raise click.BadParameter(str(exc), param_hint="--clock-url") from exc
    return clock
