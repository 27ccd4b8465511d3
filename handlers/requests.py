"""Who is asking, from where: the parts of a Slack payload every listener needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Asker:
    """The workspace, person, channel and trigger of one request."""

    team_id: str
    user_id: str
    channel_id: str = ""
    trigger_id: str = ""

    @classmethod
    def from_command(cls, command: dict[str, Any]) -> Asker:
        """From a slash command payload."""
        return cls(
            team_id=command.get("team_id", ""),
            user_id=command.get("user_id", ""),
            channel_id=command.get("channel_id", ""),
            trigger_id=command.get("trigger_id", ""),
        )

    @classmethod
    def from_interaction(cls, body: dict[str, Any]) -> Asker:
        """From a block action or view submission payload."""
        team = body.get("team") or {}
        user = body.get("user") or {}
        channel = body.get("channel") or {}
        return cls(
            team_id=team.get("id") or user.get("team_id", ""),
            user_id=user.get("id", ""),
            channel_id=channel.get("id", ""),
            trigger_id=body.get("trigger_id", ""),
        )
