"""``python -m devkit.standin --port N``: run the Slack stand-in until interrupted."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from devkit.standin.limits import RateLimits
from devkit.standin.server import SlackStandin
from devkit.standin.state import DEFAULT_TOKEN

logger = logging.getLogger("devkit.standin")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: where to listen, how fast the clock runs, which limits apply."""
    parser = argparse.ArgumentParser(prog="python -m devkit.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3999, help="0 picks a free port")
    parser.add_argument("--speed", type=float, default=1.0, help="stand-in seconds per real one")
    parser.add_argument("--rate-limits", action="store_true", help="enforce Slack's rate limits")
    parser.add_argument(
        "--post-cap", type=float, default=600.0, help="chat.postMessage calls/min, workspace-wide"
    )
    parser.add_argument(
        "--token", action="append", help=f"bot token to accept (default: {DEFAULT_TOKEN})"
    )
    parser.add_argument("--users", type=int, default=0, help="add this many sample users")
    parser.add_argument("--channel", action="append", default=[], help="add a channel by name")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> SlackStandin:
    """A stand-in configured from the command line, with any sample users and channels."""
    limits = RateLimits(enabled=args.rate_limits, post_workspace_per_minute=args.post_cap)
    standin = SlackStandin(
        host=args.host,
        port=args.port,
        speed=args.speed,
        rate_limits=limits,
        tokens=tuple(args.token) if args.token else None,
    )
    users = [
        standin.add_user(f"user{n}", real_name=f"User {n}", email=f"user{n}@example.com")
        for n in range(1, args.users + 1)
    ]
    for name in args.channel:
        standin.add_channel(name.removeprefix("#"), members=users)
    return standin


def main(argv: list[str] | None = None) -> None:
    """Run the stand-in in the foreground."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    standin = build(parse_args(argv))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    standin.start()
    logger.info("WebClient(token=..., base_url=%r); Ctrl-C to stop", standin.api_url)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        logger.info("stopping")
        standin.stop()


if __name__ == "__main__":
    main()
