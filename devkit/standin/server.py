"""SlackStandin: the stand-in served by waitress in a background thread."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from types import TracebackType
from typing import Any, Self

from slack_sdk import WebClient
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from devkit.standin.clock import StandinClock
from devkit.standin.control import Control
from devkit.standin.limits import Faults, RateLimiter, RateLimits
from devkit.standin.state import Identity, Workspace
from devkit.standin.wsgi import StandinApp

logger = logging.getLogger(__name__)

_LOOP_TIMEOUT = 0.2


class SlackStandin(Control):
    """A local Slack Web API: ``WebClient(token, base_url=standin.api_url)`` talks to it.

    Rate limiting is off unless `rate_limits` is given (``True`` for Slack's defaults or a
    :class:`RateLimits`). The clock runs at `speed` (60: a real second is a stand-in minute)
    unless a `clock` is given. `marketplace_app=False` (the default) applies Slack's limits on
    conversations.history/replies for apps outside the Marketplace (15 items, 1 call/min).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: StandinClock | None = None,
        speed: float = 1.0,
        rate_limits: RateLimits | bool | None = None,
        identity: Identity | None = None,
        tokens: tuple[str, ...] | None = None,
        marketplace_app: bool = False,
        threads: int = 8,
    ) -> None:
        self.clock = clock or StandinClock(speed=speed)
        if isinstance(rate_limits, bool):
            rate_limits = RateLimits(enabled=rate_limits)
        self.rate_limits = rate_limits or RateLimits()
        marketplace_app = marketplace_app or self.rate_limits.marketplace_app
        self.rate_limits.marketplace_app = marketplace_app
        ident = identity or Identity()
        if tokens:
            ident = dataclasses.replace(ident, tokens=frozenset(tokens))
        self.ws = Workspace(ident, self.clock, marketplace_app=marketplace_app)
        self.limiter = RateLimiter(self.clock, self.rate_limits)
        self.faults = Faults()
        self.app = StandinApp(self.ws, self.limiter, self.faults)
        self._host, self._port, self._threads = host, port, threads
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._socket_map: dict[int, Any] = {}

    @property
    def token(self) -> str:
        """A bot token the stand-in accepts."""
        return sorted(self.ws.identity.tokens)[0]

    @property
    def url(self) -> str:
        """The server's root URL (``http://127.0.0.1:PORT/``)."""
        return self.ws.base_url

    @property
    def api_url(self) -> str:
        """The ``base_url`` to give ``WebClient``."""
        return self.ws.base_url + "api/"

    @property
    def port(self) -> int:
        """The port being served (0 before start)."""
        return self._port

    def start(self) -> str:
        """Serve on a free port (or the one given) in a background thread; the API URL."""
        if self._server is not None:
            raise RuntimeError("the stand-in is already running")
        server = create_server(
            self.app, map=self._socket_map, host=self._host, port=self._port, threads=self._threads
        )
        if not isinstance(server, BaseWSGIServer):
            raise RuntimeError("expected one listening socket")
        self._server = server
        self._port = int(server.getsockname()[1])
        self.ws.base_url = f"http://{self._host}:{self._port}/"
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="slack-standin", daemon=True)
        self._thread.start()
        logger.info("Slack stand-in serving at %s", self.api_url)
        return self.api_url

    def stop(self) -> None:
        """Stop serving (the workspace state is kept)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        with contextlib.suppress(OSError):  # the loop saw the flag and closed its trigger first
            server.pull_trigger()
        thread.join(timeout=10)
        self._server = self._thread = None

    def _serve(self) -> None:
        server = self._server
        assert server is not None
        socket_map = self._socket_map
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=_LOOP_TIMEOUT, map=socket_map, count=1)
        finally:
            server.task_dispatcher.shutdown(timeout=5)
            server.close()
            wasyncore.close_all(socket_map, ignore_all=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def client(self, **kwargs: Any) -> WebClient:
        """A ``slack_sdk.WebClient`` pointed at this stand-in with an accepted token."""
        return WebClient(token=self.token, base_url=self.api_url, **kwargs)
