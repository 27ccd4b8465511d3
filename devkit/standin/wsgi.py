"""The stand-in's WSGI application: routing, faults, auth, rate limits and the call log."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from waitress.channel import ClientDisconnected

from devkit.standin import responses
from devkit.standin.errors import SlackError
from devkit.standin.limits import Faults, RateLimiter
from devkit.standin.methods import METHODS
from devkit.standin.models import JSON, RecordedCall
from devkit.standin.request import Args, multipart_fields, parse_api_request
from devkit.standin.scopes import missing_scope
from devkit.standin.state import Workspace

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}
_REASONS |= {500: "Internal Server Error", 503: "Service Unavailable"}
_FAULT_ERRORS = {"500": "internal_error", "503": "service_unavailable"}


class StandinApp:
    """A WSGI callable answering ``/api/<method>`` like Slack, plus upload and response URLs."""

    def __init__(self, ws: Workspace, limiter: RateLimiter, faults: Faults) -> None:
        self.ws = ws
        self.limiter = limiter
        self.faults = faults

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one HTTP request."""
        path: str = environ.get("PATH_INFO", "") or "/"
        body = _read_body(environ)
        if path.startswith("/api/"):
            return self._api(path[5:], environ, body, start_response)
        if path.startswith("/upload/v1/"):
            return self._upload(path[11:], environ, body, start_response)
        if path.startswith("/response/"):
            return self._response_url(path[10:], environ, body, start_response)
        if path.startswith("/archives/"):
            return self._permalink(path[10:], start_response)
        if path.startswith("/files/"):
            return self._download(path[7:], start_response)
        if path == "/clock":
            return self._clock(start_response)
        return _json(start_response, 404, {"ok": False, "error": "not_found"})

    def _api(self, method: str, environ: Environ, body: bytes, start: StartResponse) -> list[bytes]:
        fault = self.faults.take(method)
        if fault is not None:
            return self._fault(method, fault, start)
        try:
            request = parse_api_request(environ, body)
        except SlackError as exc:
            return self._answer(start, method, {}, 200, exc.body())
        args = request.args
        status, result, headers = self._dispatch(method, request.token, args)
        return self._answer(start, method, args, status, result, headers)

    def _dispatch(
        self, method: str, token: str | None, args: JSON
    ) -> tuple[int, JSON, list[tuple[str, str]]]:
        handler = METHODS.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, []
        if token is None:
            return 200, {"ok": False, "error": "not_authed"}, []
        if token not in self.ws.identity.tokens:
            return 200, {"ok": False, "error": "invalid_auth"}, []
        denied = missing_scope(method, self.ws.scopes)
        if denied is not None:
            return 200, denied.body(), []
        wait = self.limiter.check(method, self._limit_key(method, args))
        if wait > 0:
            retry_after = str(self.limiter.retry_after(wait))
            return 429, {"ok": False, "error": "ratelimited"}, [("Retry-After", retry_after)]
        with self.ws.lock:
            try:
                return 200, {"ok": True, **handler(self.ws, Args(args))}, []
            except SlackError as exc:
                return 200, exc.body(), []
            except Exception:
                logger.exception("stand-in: %s failed", method)
                return 500, {"ok": False, "error": "internal_error"}, []

    def _limit_key(self, method: str, args: JSON) -> str | None:
        channel = args.get("channel")
        if method != "chat.postMessage" or not isinstance(channel, str):
            return None
        with self.ws.lock:
            try:
                return self.ws.directory.resolve(channel).id
            except SlackError:
                return channel

    def _fault(self, method: str, fault: str, start: StartResponse) -> list[bytes]:
        logger.info("stand-in: injected fault %s for %s", fault, method)
        if fault == "drop":
            self._record(method, {}, 0, {"fault": "drop"})
            raise ClientDisconnected(f"stand-in dropped {method}")
        if fault == "429":
            body: JSON = {"ok": False, "error": "ratelimited"}
            return self._answer(start, method, {}, 429, body, [("Retry-After", "1")])
        body = {"ok": False, "error": _FAULT_ERRORS[fault]}
        return self._answer(start, method, {}, int(fault), body)

    def _answer(
        self,
        start: StartResponse,
        method: str,
        args: JSON,
        status: int,
        result: JSON,
        headers: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        self._record(method, args, status, result)
        logger.debug("stand-in: %s -> %s %s", method, status, result.get("error", "ok"))
        return _json(start, status, result, headers)

    def _record(self, method: str, args: JSON, status: int, result: JSON) -> None:
        call = RecordedCall(method, dict(args), result, status, self.ws.clock.now())
        with self.ws.lock:
            self.ws.calls.append(call)

    def _upload(
        self, ticket: str, environ: Environ, body: bytes, start: StartResponse
    ) -> list[bytes]:
        content_type = environ.get("CONTENT_TYPE", "") or ""
        if content_type.lower().startswith("multipart/form-data"):
            # curl -F file=@x and browsers send a form: keep the first file part.
            parts = multipart_fields(content_type, body)
            body = next((v for v in parts.values() if isinstance(v, bytes)), body)
        with self.ws.lock:
            file_id = self.ws.upload_tickets.get(ticket)
            if file_id is None:
                return _text(start, 404, "Not Found")
            self.ws.files[file_id].content = body
        self._record("upload", {"file_id": file_id}, 200, {"ok": True, "size": len(body)})
        return _text(start, 200, f"OK - {len(body)}")

    def _response_url(
        self, ticket: str, environ: Environ, body: bytes, start: StartResponse
    ) -> list[bytes]:
        with self.ws.lock:
            status, result = responses.respond(
                self.ws, ticket, body, environ.get("CONTENT_TYPE", "") or ""
            )
        return self._answer(start, "response_url", {"ticket": ticket}, status, result)

    def _permalink(self, rest: str, start: StartResponse) -> list[bytes]:
        channel, _, p_ts = rest.partition("/")
        digits = p_ts.removeprefix("p")
        ts = f"{digits[:-6]}.{digits[-6:]}"
        with self.ws.lock:
            msg = self.ws.messages.get(channel, ts)
            if msg is None:
                return _json(start, 404, {"ok": False, "error": "message_not_found"})
            return _json(start, 200, {"ok": True, "message": self.ws.message_json(msg)})

    def _clock(self, start: StartResponse) -> list[bytes]:
        """The stand-in's time, for a bot told to share it (``goalbot serve --clock-url``)."""
        now = self.ws.clock.time()
        iso = datetime.fromtimestamp(now, UTC).isoformat()
        return _json(start, 200, {"ok": True, "time": now, "now": iso})

    def _download(self, rest: str, start: StartResponse) -> list[bytes]:
        with self.ws.lock:
            stored = self.ws.files.get(rest.partition("/")[0])
        if stored is None or stored.content is None:
            return _text(start, 404, "Not Found")
        start("200 OK", [("Content-Type", "application/octet-stream")])
        return [stored.content]


def _read_body(environ: Environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length > 0 else b""


def _json(
    start: StartResponse, status: int, body: JSON, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    data = json.dumps(body).encode()
    start(
        f"{status} {_REASONS.get(status, 'OK')}",
        [("Content-Type", "application/json; charset=utf-8"), *(headers or [])],
    )
    return [data]


def _text(start: StartResponse, status: int, text: str) -> list[bytes]:
    start(f"{status} {_REASONS.get(status, 'OK')}", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode()]
