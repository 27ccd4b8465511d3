"""A stand-in workspace for a plan file: the plan's team id, and its people as Slack users.

with standin_for_plan(Path("examples/plan.yaml")) as slack:
    ...  # users U0NW0001… exist with the plan's names, emails and time zones
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from devkit.standin.server import SlackStandin
from devkit.standin.state import Identity


@dataclass(frozen=True)
class PlanPerson:
    """One person of the plan, as the stand-in should know them."""

    slack_id: str
    name: str
    email: str | None
    tz: str | None
    role: str = "member"


@dataclass(frozen=True)
class PlanWorkspace:
    """The workspace a plan file describes: its team id, name and people."""

    team_id: str
    people: tuple[PlanPerson, ...]
    name: str = ""
    timezone: str = "UTC"
    unit_leads: tuple[tuple[str, str], ...] = ()  # (unit name, lead's Slack id), plan order

    @property
    def user_ids(self) -> list[str]:
        """The people's Slack ids, in plan order."""
        return [person.slack_id for person in self.people]


def read_plan(plan: Path) -> PlanWorkspace:
    """The team id and people of a plan file (``docs/plan-format.md``)."""
    data: dict[str, Any] = yaml.safe_load(plan.read_text(encoding="utf-8"))
    people = tuple(
        PlanPerson(
            slack_id=str(entry["slack_id"]),
            name=str(entry.get("name") or entry["slack_id"]),
            email=entry.get("email"),
            tz=entry.get("tz"),
            role=str(entry.get("role") or "member"),
        )
        for entry in data.get("people", [])
    )
    workspace = data["workspace"]
    by_email = {person.email.lower(): person.slack_id for person in people if person.email}
    leads = tuple(
        (str(unit.get("name") or unit["key"]), by_email.get(str(lead).lower(), str(lead)))
        for unit in data.get("units", [])
        if (lead := unit.get("lead"))
    )
    return PlanWorkspace(
        team_id=str(workspace["team_id"]),
        people=people,
        name=str(workspace.get("name") or ""),
        timezone=str(workspace.get("timezone") or "UTC"),
        unit_leads=leads,
    )


@contextmanager
def standin_for_plan(
    plan: Path, *, latency: float = 0.0, threads: int = 32, **standin_args: Any
) -> Iterator[SlackStandin]:
    """A running Slack stand-in for the plan's workspace: same team id, same user ids.

    `latency` (seconds) delays every answer, as the real Slack API's round trip would
    (the stand-in itself answers in about a millisecond).
    """
    workspace = read_plan(plan)
    identity = Identity(team_id=workspace.team_id, team_name=workspace.name or "Stand-in")
    slack = SlackStandin(identity=identity, threads=threads, **standin_args)
    if latency > 0:
        slack.app = _Delayed(slack.app, latency)  # type: ignore[assignment]
    with slack:
        for person in workspace.people:
            slack.add_user(
                person.email.split("@")[0] if person.email else person.slack_id.lower(),
                user_id=person.slack_id,
                real_name=person.name,
                email=person.email,
                tz=person.tz,
            )
        yield slack


class _Delayed:
    """A WSGI app answering `seconds` later than the one it wraps."""

    def __init__(self, app: Callable[..., Iterable[bytes]], seconds: float) -> None:
        self._app, self._seconds = app, seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        time.sleep(self._seconds)
        return self._app(environ, start_response)
