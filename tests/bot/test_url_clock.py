"""UrlClock: the bot on a Slack stand-in's time (the demo and the journey tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.clock import ClockUnavailable, UrlClock
from devkit.demo.process import free_port
from devkit.standin import SlackStandin, StandinClock

START = datetime(2027, 1, 7, 9, 30, tzinfo=UTC)


def test_it_follows_the_standin_clock() -> None:
    with SlackStandin(clock=StandinClock(START, speed=0)) as slack:
        clock = UrlClock(slack.url + "clock")
        assert clock.now() == START
        slack.advance(timedelta(days=3, minutes=5))
        assert clock.now() == START + timedelta(days=3, minutes=5)
        assert clock.now().tzinfo is UTC


def test_a_clock_that_does_not_answer_says_so() -> None:
    clock = UrlClock(f"http://127.0.0.1:{free_port()}/clock", timeout=1)
    with pytest.raises(ClockUnavailable, match=r"cannot read the time from http://127\.0\.0\.1"):
        clock.now()


def test_only_http_urls_are_accepted() -> None:
    with pytest.raises(ValueError, match="must be http"):
        UrlClock("file:///etc/passwd")
