"""The ``goalbot`` console script: the core commands plus the ones that talk to Slack."""

from __future__ import annotations

import logging

import click

from bot.cli import CliContext, cli, fails_cleanly
from bot.cli import main as core_main
from bot.services import build_services
from bot.services.people import workspace_defaults
from handlers.app import create_app
from handlers.serve import http_server, socket_mode_handler
from handlers.slack_client import make_web_client

logger = logging.getLogger(__name__)


@cli.command()
@click.option(
    "--socket/--http",
    "socket_mode",
    default=None,
    help="Socket Mode or HTTP mode (default: Socket Mode when SLACK_APP_TOKEN is set).",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="HTTP mode: address to bind.")
@click.option("--port", type=int, default=None, help="HTTP mode: port (default: PORT, 3000).")
@click.pass_obj
@fails_cleanly
def serve(obj: CliContext, socket_mode: bool | None, host: str, port: int | None) -> None:
    """Run the Slack app: /goal, buttons, modals, App Home and DMs."""
    settings = obj.settings
    if socket_mode is None:
        socket_mode = settings.slack_app_token is not None
    app_token = settings.require("SLACK_APP_TOKEN", "run in Socket Mode") if socket_mode else ""
    services = build_services(obj.engine, obj.clock, workspace_defaults(settings))
    app = create_app(settings, services, make_web_client(settings), socket_mode=socket_mode)
    if socket_mode:
        logger.info("goalbot serving in Socket Mode")
        socket_mode_handler(app, app_token).start()  # type: ignore[no-untyped-call]
        return
    server = http_server(app, obj.engine, host=host, port=port or settings.port)
    logger.info(
        "goalbot serving HTTP on %s:%s (/slack/events, /healthz)", host, port or settings.port
    )
    server.run()


def main() -> None:
    """Entry point of the ``goalbot`` console script."""
    core_main()
