"""The Bolt app: one factory wiring every listener, the event ledger and the error handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.services import Services
from handlers import actions, commands, events, views

logger = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on goalbot's side and nothing was changed. "
    "It has been logged for the admins; please try again in a minute."
)
LISTENER_THREADS = 16


def create_app(
    settings: Settings, services: Services, client: WebClient, *, socket_mode: bool = False
) -> App:
    """Build the Bolt app for HTTP or Socket Mode; makes no Slack call until a request."""
    app = App(
        client=client,
        signing_secret=_signing_secret(settings, socket_mode),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
    )
    app.middleware(_once_per_event(services))
    app.error(_report_error)
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

    def middleware(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not services.events.first_time(
            team_id=body.get("team_id", ""), key=event_id
        ):
            logger.info("event %s already handled; acknowledging the retry", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def _report_error(
    error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient
) -> None:
    """Log the traceback; tell the person something went wrong without showing internals."""
    logger.error("unhandled error in a listener", exc_info=error)
    try:
        if respond is not None and respond.response_url:
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
            return
        user = (body.get("user") or {}).get("id") or body.get("user_id")
        if user:
            client.chat_postMessage(channel=user, text=SORRY)
    except SlackApiError:
        logger.exception("could not tell the user about the error")
