"""Keeping people's names, emails and time zones current from Slack's events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.application import Services
from storage.repositories.people import PersonFields

logger = logging.getLogger(__name__)


def profile_fields(user: dict[str, Any]) -> PersonFields:
    """The profile fields goalbot keeps, from a Slack user object."""
    profile = user.get("profile") or {}
    name = user.get("real_name") or profile.get("real_name") or user.get("name") or None
    return PersonFields(name=name, email=profile.get("email") or None, tz=user.get("tz") or None)


def person_changed(services: Services) -> Callable[..., None]:
    """Listener for ``user_change`` and ``team_join``: sync the person's profile."""

    def handle(event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user") or {}
        if user.get("is_bot") or user.get("deleted") or not user.get("id"):
            return
        team_id = user.get("team_id") or body.get("team_id", "")
        services.people.ensure_workspace(team_id)
        services.people.sync(team_id, user["id"], profile_fields(user))
        logger.info("synced the profile of %s", user["id"])

    return handle


def sync_people(services: Services, client: WebClient) -> int:
    """Sync every member of the workspace from ``users.list`` (paginated); returns how many."""
    team_id = client.auth_test()["team_id"]
    services.people.ensure_workspace(team_id)
    count = 0
    for page in client.users_list(limit=200):
        for user in page.get("members", []):
            if user.get("is_bot") or user.get("deleted") or user.get("id") == "USLACKBOT":
                continue
            services.people.sync(team_id, user["id"], profile_fields(user))
            count += 1
    return count
