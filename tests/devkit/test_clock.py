"""The stand-in clock: sped up, frozen, advanced, and usable as the bot's Clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.clock import Clock
from devkit.standin import StandinClock
from tests.devkit.conftest import START


class FakeMonotonic:
    """A monotonic source the test moves by hand."""

    def __init__(self) -> None:
        self.value = 100.0

    def __call__(self) -> float:
        return self.value


def test_speed_scales_real_time() -> None:
    real = FakeMonotonic()
    clock = StandinClock(START, speed=60, monotonic=real)
    real.value += 2
    assert clock.now() == START + timedelta(minutes=2)
    assert clock.real_seconds(120) == 2


def test_frozen_clock_moves_only_when_advanced() -> None:
    real = FakeMonotonic()
    clock = StandinClock(START, speed=0, monotonic=real)
    real.value += 1000
    assert clock.now() == START
    clock.advance(timedelta(seconds=3))
    clock.advance(1.5)
    assert clock.time() == START.timestamp() + 4.5


def test_changing_speed_keeps_the_current_time() -> None:
    real = FakeMonotonic()
    clock = StandinClock(START, speed=1, monotonic=real)
    real.value += 10
    clock.speed = 10
    real.value += 1
    assert clock.now() == START + timedelta(seconds=20)


def test_is_a_bot_clock_and_refuses_nonsense() -> None:
    clock: Clock = StandinClock(START)
    assert clock.now().tzinfo is UTC
    with pytest.raises(ValueError):
        StandinClock(datetime(2027, 1, 1))  # noqa: DTZ001  (naive on purpose)
    with pytest.raises(ValueError):
        StandinClock(START).advance(-1)
