"""Liveness and readiness, as a load balancer or Kubernetes asks for them.

- ``GET /healthz``: the process is alive and serving (always 200 while it answers at all), so
  that a database outage never gets every replica restarted.
- ``GET /readyz``: 200 when the database answers, Slack accepts the bot token (``auth.test``,
  checked at most once a minute) and the scheduler runs (when this process runs one); 503
  otherwise, with each check's state in the JSON body, so traffic goes elsewhere meanwhile.
- ``GET /metrics``: every Prometheus series (``goalbot.metrics``), in the text format.

All three are served beside ``/slack/events`` in HTTP mode, and on ``PORT`` in Socket Mode.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from goalbot.metrics import CONTENT_TYPE, exposition
from storage.db import ping

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
SLACK_CHECK_SECONDS = 60.0

Check = Callable[[], bool]


class Readiness:
    """The checks behind ``/readyz``: the database always, others as the process has them."""

    def __init__(self, engine: Engine, checks: Mapping[str, Check] | None = None) -> None:
        self._checks: dict[str, Check] = {"database": lambda: _database(engine), **(checks or {})}

    def report(self) -> dict[str, str]:
        """Each check's state: ``ok`` or ``failing``."""
        return {
            name: "ok" if _passes(name, check) else "failing"
            for name, check in self._checks.items()
        }


def _passes(name: str, check: Check) -> bool:
    try:
        return check()
    except Exception:
        logger.exception("readiness: the %s check failed", name)
        return False


def _database(engine: Engine) -> bool:
    try:
        return ping(engine)
    except SQLAlchemyError:
        logger.exception("readiness: the database does not answer")
        return False


class EverySoOften:
    """A check run at most once per `seconds`; its last answer in between."""

    def __init__(
        self, check: Check, seconds: float, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._check, self._seconds, self._monotonic = check, seconds, monotonic
        self._lock = threading.Lock()
        self._at: float | None = None
        self._answer = False

    def __call__(self) -> bool:
        with self._lock:
            now = self._monotonic()
            if self._at is None or now - self._at >= self._seconds:
                self._at, self._answer = now, _passes("cached", self._check)
            return self._answer


def health_app(
    readiness: Readiness, fallback: Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]
) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    """A WSGI app answering ``/healthz``, ``/readyz`` and ``/metrics`` and handing every other
    path on."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == HEALTH_PATH:
            return _json(start_response, "200 OK", {"status": "alive"})
        if path == READY_PATH:
            report = readiness.report()
            ready = all(state == "ok" for state in report.values())
            return _json(start_response, "200 OK" if ready else "503 Service Unavailable", report)
        if path == METRICS_PATH:
            return _metrics(start_response)
        return fallback(environ, start_response)

    return app


def not_found(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """404 for every path: what a health-only server answers beside its endpoints."""
    return _json(start_response, "404 Not Found", {"error": "not found"})


def _metrics(start_response: StartResponse) -> Iterable[bytes]:
    data = exposition()
    start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(data)))])
    return [data]


def _json(start_response: StartResponse, status: str, body: object) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
