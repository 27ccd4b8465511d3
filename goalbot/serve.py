"""Serving the app: HTTP mode behind waitress (a production WSGI server), or Socket Mode."""

from __future__ import annotations

import io
import logging
import signal
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from goalbot.health import Readiness, health_app, not_found
from goalbot.metrics import observe_ack
from handlers.deferred import AFTER_ACK, REQUESTS
from handlers.payloads import MAX_BODY_BYTES, check

if TYPE_CHECKING:  # typeshed's WSGI types exist for type checkers only
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from _typeshed.wsgi import WSGIApplication as WsgiApp

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SERVER_THREADS = 16
DRAIN_SECONDS = 30
"""How long a stopping server waits for acked work to finish."""


class GoalbotWsgi:
    """The WSGI application: Slack's endpoint, ``/healthz`` and ``/readyz``."""

    def __init__(self, app: App, readiness: Readiness) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._routes = health_app(readiness, self._slack_request)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Health and readiness here; everything else to Bolt."""
        return self._routes(environ, start_response)

    def _slack_request(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        with REQUESTS.request():
            kind, refusal = _read_body(environ)
            if refusal is not None:
                status, reason = refusal
                logger.warning("refused a request to %s: %s", environ.get("PATH_INFO"), reason)
                return _plain(start_response, status, reason)
            answer = self._slack(environ, start_response)
        observe_ack(kind, time.perf_counter() - started)
        return answer


def _read_body(environ: WSGIEnvironment) -> tuple[str, tuple[str, str] | None]:
    """Read a POST's body (at most ``MAX_BODY_BYTES``) and check its shape: its kind, and the
    status and reason to refuse it with, or None (the body is put back for Bolt)."""
    if environ.get("REQUEST_METHOD", "GET") != "POST":
        return "other", None
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    if declared and not declared.isdigit():
        return "other", ("400 Bad Request", "the Content-Length is not a number")
    if declared and int(declared) > MAX_BODY_BYTES:
        return "other", ("413 Content Too Large", f"the body is over {MAX_BODY_BYTES} bytes")
    stream = environ["wsgi.input"]
    body = stream.read(int(declared)) if declared else stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return "other", ("413 Content Too Large", f"the body is over {MAX_BODY_BYTES} bytes")
    checked = check(body, str(environ.get("CONTENT_TYPE") or ""))
    if checked.problem is not None:
        return checked.kind, ("400 Bad Request", checked.problem)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return checked.kind, None


def _plain(start_response: StartResponse, status: str, reason: str) -> Iterable[bytes]:
    data = f"{reason}\n".encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [data]


def http_server(
    wsgi: WsgiApp,
    *,
    host: str,
    port: int,
    threads: int = SERVER_THREADS,
    socket_map: dict[int, Any] | None = None,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for a WSGI app (port 0 picks a free one); call ``run()`` to serve."""
    return create_server(
        wsgi,
        map=socket_map,
        host=host,
        port=port,
        threads=threads,
        ident="goalbot",
        max_request_body_size=MAX_BODY_BYTES,  # waitress answers 413 itself, reading no more
    )


class BackgroundServer:
    """A waitress server run in a thread that stops cleanly (Socket Mode's health endpoints,
    tests, the demo, benchmarks)."""

    def __init__(
        self, wsgi: WsgiApp, *, host: str = "127.0.0.1", port: int = 0, threads: int = 8
    ) -> None:
        self._map: dict[int, Any] = {}
        self._server = http_server(
            wsgi, host=host, port=port, threads=threads, socket_map=self._map
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


def serve_socket_mode(
    app: App, app_token: str, readiness: Readiness, *, host: str, port: int
) -> None:
    """Serve over Socket Mode until stopped, with ``/healthz`` and ``/readyz`` on `port`; then
    disconnect, so no new request arrives while the acknowledged work finishes."""
    handler = socket_mode_handler(app, app_token)
    health = BackgroundServer(health_app(readiness, not_found), host=host, port=port, threads=2)
    logger.info("goalbot serving in Socket Mode; health on %s", health.url)
    with health:
        try:
            handler.start()  # type: ignore[no-untyped-call]
        finally:
            handler.close()  # type: ignore[no-untyped-call]
