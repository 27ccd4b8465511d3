"""Serving the app: HTTP mode behind waitress (a production WSGI server), or Socket Mode."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from waitress.server import create_server

from storage.db import ping

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from waitress.server import BaseWSGIServer, MultiSocketServer

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 16


class GoalbotWsgi:
    """The WSGI application: Slack's endpoint plus a health check."""

    def __init__(self, app: App, engine: Engine) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._engine = engine

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Route /healthz here and everything else to Bolt."""
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return self._health(start_response)
        return self._slack(environ, start_response)

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            healthy = ping(self._engine)
        except SQLAlchemyError:
            logger.exception("health check: the database does not answer")
            healthy = False
        status = "200 OK" if healthy else "503 Service Unavailable"
        body = json.dumps({"database": "ok" if healthy else "unavailable"}).encode()
        start_response(status, [("Content-Type", "application/json")])
        return [body]


def http_server(
    app: App, engine: Engine, *, host: str, port: int, threads: int = SERVER_THREADS
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for the app (port 0 picks a free one); call ``run()`` to serve."""
    return create_server(
        GoalbotWsgi(app, engine), host=host, port=port, threads=threads, ident="goalbot"
    )


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """A Socket Mode connection for the app; call ``start()`` to serve."""
    return SocketModeHandler(app, app_token)
