"""The Bolt app: one factory wiring every listener, the event ledger and the error handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.application import Services
from bot.config import Settings
from handlers import actions, commands, events, views
from handlers.deferred import report_error
from handlers.inbox import REPLAYED, inbox_middleware

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    services: Services,
    client: WebClient,
    *,
    socket_mode: bool = False,
    work_in_process: bool = True,
) -> App:
    """Build the Bolt app for HTTP or Socket Mode; makes no Slack call until a request.

    Every request is stored in the inbox before its ack (``handlers.inbox``); this process does
    the work itself unless `work_in_process` is False (``goalbot worker`` processes do it)."""
    app = App(
        client=client,
        signing_secret=_signing_secret(settings, socket_mode),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        process_before_response=True,
    )
    app.middleware(inbox_middleware(services.inbox, take=work_in_process))
    app.middleware(_once_per_event(services))
    app.error(report_error)
    for module in (commands, actions, views, events):
        module.register(app, services)
    return app


def _signing_secret(settings: Settings, socket_mode: bool) -> str:
    """HTTP mode must verify signatures; Socket Mode requests arrive unsigned over the socket."""
    if not socket_mode:
        return settings.require("SLACK_SIGNING_SECRET", "verify Slack's requests")
    secret = settings.slack_signing_secret
    return secret.get_secret_value() if secret is not None else ""


def _once_per_event(services: Services) -> Callable[..., BoltResponse | None]:
    """Middleware: acknowledge a retried or duplicate event without handling it again."""

    def middleware(
        body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        if REPLAYED in context:  # seen when it arrived; a worker finishes it now
            return next()
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not services.events.first_time(
            team_id=body.get("team_id", ""), key=event_id
        ):
            logger.info("event %s already handled; acknowledging the retry", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
