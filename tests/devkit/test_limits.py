"""Rate limits with Retry-After, and injected 429/5xx/dropped connections, seen by WebClient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from devkit.standin import RateLimits, SlackStandin, StandinClock
from devkit.standin.limits import RateLimiter, TokenBucket
from tests.devkit.conftest import START
from tests.devkit.helpers import slack_error

NO_WAIT = FixedValueRetryIntervalCalculator(0.0)


@pytest.fixture
def limited() -> Iterator[SlackStandin]:
    """A stand-in enforcing rate limits, its clock frozen."""
    with SlackStandin(clock=StandinClock(START, speed=0), rate_limits=True) as running:
        yield running


def bare_client(standin: SlackStandin) -> WebClient:
    """A WebClient without retry handlers (slack_sdk retries connection errors by default)."""
    return standin.client(retry_handlers=[])


def test_token_bucket_refills_on_the_clock() -> None:
    bucket = TokenBucket(rate=1.0, capacity=2, now=0.0)
    bucket.take(0.0)
    bucket.take(0.0)
    assert bucket.wait(0.0) == pytest.approx(1.0)
    assert bucket.wait(0.5) == pytest.approx(0.5)
    assert bucket.wait(1.0) == 0.0


def test_limiter_is_off_unless_enabled() -> None:
    limiter = RateLimiter(StandinClock(START, speed=0), RateLimits())
    assert all(limiter.check("users.list") == 0 for _ in range(100))


def test_retry_after_is_in_real_seconds_at_least_one() -> None:
    limiter = RateLimiter(StandinClock(START, speed=60), RateLimits(enabled=True))
    assert limiter.retry_after(0.2) == 1
    assert limiter.retry_after(150) == 3  # 150 stand-in seconds are 2.5 real ones


def test_tier_limit_answers_429_with_retry_after(limited: SlackStandin) -> None:
    limited.set_rate_limit("users.list", 2)
    client = bare_client(limited)
    client.users_list()
    client.users_list()
    error = slack_error(client.users_list)
    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["Retry-After"] == "30"
    limited.advance(30)
    assert client.users_list()["ok"]


def test_tier_2_allows_twenty_a_minute(limited: SlackStandin) -> None:
    client = bare_client(limited)
    for _ in range(20):
        client.users_list()
    assert slack_error(client.users_list).response.status_code == 429


def test_post_message_is_limited_per_channel_with_short_bursts(limited: SlackStandin) -> None:
    one, two = limited.add_channel("one"), limited.add_channel("two")
    client = bare_client(limited)
    for n in range(3):
        client.chat_postMessage(channel=one, text=str(n))
    error = slack_error(lambda: client.chat_postMessage(channel=one, text="burst"))
    assert (error.response.status_code, error.response.headers["Retry-After"]) == (429, "1")
    assert client.chat_postMessage(channel=two, text="other channel")["ok"]
    limited.advance(1)
    assert client.chat_postMessage(channel=one, text="a second later")["ok"]


def test_post_message_workspace_cap_is_configurable() -> None:
    limits = RateLimits(enabled=True, post_workspace_per_minute=4)
    with SlackStandin(clock=StandinClock(START, speed=0), rate_limits=limits) as standin:
        client = bare_client(standin)
        users = [standin.add_user(f"user{n}") for n in range(5)]
        for user in users[:4]:
            client.chat_postMessage(channel=user, text="check-in")
        error = slack_error(lambda: client.chat_postMessage(channel=users[4], text="check-in"))
        assert error.response.status_code == 429
        assert error.response.headers["Retry-After"] == "15"


def test_rate_limit_retry_handler_waits_and_succeeds() -> None:
    # At speed 60 a stand-in minute is a real second: Retry-After is 1 and one retry succeeds.
    clock = StandinClock(datetime.now(UTC), speed=60)
    with SlackStandin(clock=clock) as standin:
        standin.set_rate_limit("users.info", 1)
        user = standin.add_user("alice")
        client = standin.client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
        client.users_info(user=user)
        assert client.users_info(user=user)["user"]["id"] == user
        assert [c.status for c in standin.calls("users.info")] == [200, 429, 200]


def test_injected_429_carries_retry_after(standin: SlackStandin) -> None:
    standin.inject("auth.test", "429")
    error = slack_error(bare_client(standin).auth_test)
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "1"
    assert bare_client(standin).auth_test()["ok"]


@pytest.mark.parametrize(
    ("kind", "error"), [("500", "internal_error"), ("503", "service_unavailable")]
)
def test_injected_server_errors(standin: SlackStandin, kind: str, error: str) -> None:
    standin.inject("auth.test", kind)
    failure = slack_error(bare_client(standin).auth_test)
    assert (failure.response.status_code, failure.response["error"]) == (int(kind), error)


def test_server_error_retry_handler_gets_through(standin: SlackStandin) -> None:
    standin.inject("chat.postMessage", "503")
    standin.inject("chat.postMessage", "500")
    channel = standin.add_channel("general")
    handler = ServerErrorRetryHandler(max_retry_count=2, interval_calculator=NO_WAIT)
    client = standin.client(retry_handlers=[handler])
    assert client.chat_postMessage(channel=channel, text="hello")["ok"]
    assert [c.status for c in standin.calls("chat.postMessage")] == [503, 500, 200]
    assert len(standin.messages(channel)) == 1


def test_dropped_connection_without_and_with_a_retry_handler(standin: SlackStandin) -> None:
    standin.inject("auth.test", "drop")
    with pytest.raises(RemoteDisconnected):
        bare_client(standin).auth_test()
    standin.inject("auth.test", "drop")
    handler = ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=NO_WAIT)
    assert standin.client(retry_handlers=[handler]).auth_test()["ok"]
    faults = [c.result.get("fault") for c in standin.calls("auth.test")]
    assert faults == ["drop", "drop", None]  # the retry after the second drop got through


def test_faults_can_target_any_method_and_run_out(standin: SlackStandin) -> None:
    standin.inject("*", "500", count=2)
    client = bare_client(standin)
    assert slack_error(client.auth_test).response.status_code == 500
    assert slack_error(client.users_list).response.status_code == 500
    assert client.auth_test()["ok"]
    with pytest.raises(ValueError, match="fault kind"):
        standin.inject("auth.test", "418")


def test_rate_limited_calls_are_not_counted_twice(limited: SlackStandin) -> None:
    limited.set_rate_limit("auth.test", 1)
    client = bare_client(limited)
    client.auth_test()
    with pytest.raises(SlackApiError):
        client.auth_test()
    limited.advance(60)
    assert client.auth_test()["ok"]
