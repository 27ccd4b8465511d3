"""App Home: publish a person's goals whenever they open the Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.application import Services
from bot.blocks.home import home_view


def publish_home(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    """Build and publish one person's Home tab."""
    data = services.home.for_person(team_id=team_id, slack_user_id=user_id)
    view = home_view(
        my_goals=data.my_goals,
        pending_checkin=data.open_checkin_id is not None,
        led_units=data.led_units,
        is_away_until=data.away_until,
    )
    client.views_publish(user_id=user_id, view=view)


def app_home_opened(services: Services) -> Callable[..., None]:
    """Listener for ``app_home_opened``: refresh the Home tab (not the Messages tab)."""

    def handle(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(services, client, body.get("team_id", ""), event["user"])

    return handle
