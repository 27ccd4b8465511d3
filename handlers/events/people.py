"""Keeping people's names, emails and time zones current from Slack's events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.application import Services

logger = logging.getLogger(__name__)


def sync_profile(services: Services, team_id: str, user: dict[str, Any]) -> None:
    """Keep the profile fields goalbot keeps (name, email, time zone) from a Slack user object."""
    profile = user.get("profile") or {}
    services.people.sync(
        team_id=team_id,
        slack_user_id=user["id"],
        name=user.get("real_name") or profile.get("real_name") or user.get("name") or None,
        email=profile.get("email") or None,
        tz=user.get("tz") or None,
    )


def person_changed(services: Services) -> Callable[..., None]:
    """Listener for ``user_change`` and ``team_join``: sync the person's profile."""

    def handle(event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user") or {}
        if user.get("is_bot") or user.get("deleted") or not user.get("id"):
            return
        team_id = user.get("team_id") or body.get("team_id", "")
        services.people.ensure_workspace(team_id=team_id)
        sync_profile(services, team_id, user)
        logger.info("synced the profile of %s", user["id"])

    return handle


def sync_people(services: Services, client: WebClient) -> int:
    """Sync every member of the workspace from ``users.list`` (paginated); returns how many."""
    team_id = client.auth_test()["team_id"]
    services.people.ensure_workspace(team_id=team_id)
    count = 0
    for page in client.users_list(limit=200):
        for user in page.get("members", []):
            if user.get("is_bot") or user.get("deleted") or user.get("id") == "USLACKBOT":
                continue
            sync_profile(services, team_id, user)
            count += 1
    return count
