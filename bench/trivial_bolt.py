"""The reference for ack latency: a trivial Bolt app that acks every request inline.

It does what any Bolt app must do for a request (verify the signature, parse the body, run
Bolt's middleware and the matching listener) and nothing else: its one listener per kind
calls ``ack()`` and returns. It is served exactly as ``goalbot serve`` serves goalbot (waitress
through ``goalbot.serve.http_server``, the same threads, Bolt's WSGI adapter, ``/healthz``), as
a process of its own, so that ``bench/inbox_ack.py`` measures both under the same traffic.

    SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=... SLACK_API_URL=... \\
        .venv/bin/python bench/trivial_bolt.py --port 3001
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from goalbot.serve import EVENTS_PATH, http_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

EVERYTHING = re.compile(".*")


def create_app(signing_secret: str, client: WebClient) -> App:
    """A Bolt app acking every command, action, view submission and event inline."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        process_before_response=True,  # as goalbot: the listener runs in the request thread
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    app.command(EVERYTHING)(acknowledge)
    app.action(EVERYTHING)(acknowledge)
    app.view(EVERYTHING)(acknowledge)
    app.event(EVERYTHING)(acknowledge)
    return app


class TrivialWsgi:
    """``/healthz`` (200) and Slack's endpoint, through Bolt's WSGI adapter."""

    def __init__(self, app: App) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Health here; everything else to Bolt."""
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return self._slack(environ, start_response)


def main() -> None:
    """Serve the trivial app on --host/--port until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    client = WebClient(
        token=os.environ["SLACK_BOT_TOKEN"],
        base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
    )
    app = create_app(os.environ["SLACK_SIGNING_SECRET"], client)
    server = http_server(TrivialWsgi(app), host=args.host, port=args.port)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()


if __name__ == "__main__":
    main()
