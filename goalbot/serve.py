"""Serving the app: HTTP mode behind waitress (a production WSGI server), or Socket Mode."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from waitress import wasyncore
from waitress.server import create_server

from handlers.deferred import AFTER_ACK, REQUESTS
from storage.db import ping

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from waitress.server import BaseWSGIServer, MultiSocketServer

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 16
DRAIN_SECONDS = 30
"""How long a stopping server waits for acked work to finish."""


class GoalbotWsgi:
    """The WSGI application: Slack's endpoint plus a health check."""

    def __init__(self, app: App, engine: Engine) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._engine = engine

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Route /healthz here and everything else to Bolt."""
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return self._health(start_response)
        with REQUESTS.request():
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
    app: App,
    engine: Engine,
    *,
    host: str,
    port: int,
    threads: int = SERVER_THREADS,
    socket_map: dict[int, Any] | None = None,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for the app (port 0 picks a free one); call ``run()`` to serve."""
    return create_server(
        GoalbotWsgi(app, engine),
        map=socket_map,
        host=host,
        port=port,
        threads=threads,
        ident="goalbot",
    )


class BackgroundServer:
    """The same server, run in a thread that stops cleanly (tests, the demo, benchmarks)."""

    def __init__(self, app: App, engine: Engine, *, host: str = "127.0.0.1", threads: int = 8):
        self._map: dict[int, Any] = {}
        self._server = http_server(
            app, engine, host=host, port=0, threads=threads, socket_map=self._map
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="goalbot-http", daemon=True)
        self.url = f"http://{host}:{self._server.effective_port}"  # type: ignore[union-attr]

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)
        finish_acked_work()

    def _serve(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.05, map=self._map, count=1)
        finally:
            self._server.task_dispatcher.shutdown(timeout=5)
            self._server.close()
            wasyncore.close_all(self._map, ignore_all=True)


def stop_on_sigterm() -> None:
    """Make SIGTERM (``docker stop``, Kubernetes, systemd) stop the server as Ctrl-C does, so
    that what was acknowledged to Slack is finished rather than lost (main thread only)."""

    def stop(signum: int, frame: object) -> None:
        logger.info("goalbot received SIGTERM: stopping")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def finish_acked_work(timeout: float = DRAIN_SECONDS) -> None:
    """Once no new request arrives: let the work already acknowledged to Slack finish."""
    if AFTER_ACK.wait_idle(timeout=timeout):
        logger.info("goalbot stopped; every acknowledged request was handled")
    else:
        logger.warning("goalbot stopped with after-ack work still running after %s s", timeout)


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """A Socket Mode connection for the app; call ``start()`` to serve."""
    return SocketModeHandler(app, app_token)


def serve_socket_mode(app: App, app_token: str) -> None:
    """Serve over Socket Mode until stopped; then disconnect, so no new request arrives while
    the acknowledged work finishes."""
    handler = socket_mode_handler(app, app_token)
    logger.info("goalbot serving in Socket Mode")
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        handler.close()  # type: ignore[no-untyped-call]
