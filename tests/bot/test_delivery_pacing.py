"""The token bucket's arithmetic, on a fake monotonic clock whose sleep only moves it."""

from __future__ import annotations

import pytest

from bot.delivery.pacing import DEFAULT_BURST, DEFAULT_RATE, NoPacing, TokenBucket, per_minute


class FakeTime:
    """A monotonic clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        """The current reading."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Move forward instead of sleeping."""
        self.slept.append(seconds)
        self.now += seconds


def _bucket(rate: float = 5.0, burst: int = 5) -> tuple[TokenBucket, FakeTime]:
    fake = FakeTime()
    return TokenBucket(rate, burst, monotonic=fake.monotonic, sleep=fake.sleep), fake


def test_the_default_is_five_a_second_with_bursts_of_five() -> None:
    assert (DEFAULT_RATE, DEFAULT_BURST) == (5.0, 5)
    assert DEFAULT_RATE * 60 == 300  # a minute's worth, under the ~525/min seen in practice


def test_a_burst_goes_out_at_once_then_posts_are_spaced_by_one_over_rate() -> None:
    bucket, fake = _bucket()
    assert [bucket.acquire() for _ in range(5)] == [0.0] * 5
    waits = [bucket.acquire() for _ in range(5)]
    assert waits == pytest.approx([0.2] * 5)
    assert fake.now == pytest.approx(1001.0)


def test_sustained_rate_is_the_configured_rate() -> None:
    bucket, fake = _bucket(rate=5.0, burst=5)
    for _ in range(305):
        bucket.acquire()
    assert fake.now - 1000.0 == pytest.approx(60.0)  # 5 free, then 300 in 60 s


def test_a_quiet_spell_refills_up_to_the_burst_only() -> None:
    bucket, fake = _bucket(rate=2.0, burst=3)
    for _ in range(3):
        bucket.acquire()
    fake.now += 100  # idle for a long time
    assert [bucket.acquire() for _ in range(3)] == [0.0] * 3
    assert bucket.acquire() == pytest.approx(0.5)


def test_a_pause_holds_every_post_then_refills_from_empty() -> None:
    bucket, fake = _bucket(rate=5.0, burst=5)
    bucket.pause(30)
    assert bucket.delay() == pytest.approx(30.2)
    assert bucket.acquire() == pytest.approx(30.2)
    assert bucket.acquire() == pytest.approx(0.2)
    assert fake.now == pytest.approx(1030.4)


def test_a_shorter_pause_does_not_cut_a_longer_one() -> None:
    bucket, _ = _bucket(rate=1.0, burst=1)
    bucket.pause(10)
    bucket.pause(2)
    assert bucket.delay() == pytest.approx(11.0)


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-1, 1), (1, 0)])
def test_nonsense_settings_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="rate must be"):
        TokenBucket(rate, burst)


def test_no_pacing_never_waits() -> None:
    pacer = NoPacing()
    pacer.pause(60)
    assert pacer.acquire() == 0.0


@pytest.mark.parametrize(
    ("posts", "rate", "burst"), [(300, 5.0, 5), (120, 2.0, 5), (5700, 95.0, 95)]
)
def test_per_minute_bursts_a_seconds_worth_at_least_the_default(
    posts: float, rate: float, burst: int
) -> None:
    bucket = per_minute(posts)
    assert (bucket.rate, bucket.burst) == (rate, burst)


def test_a_stall_shorter_than_the_burst_is_made_up_so_the_average_holds() -> None:
    fake = FakeTime()
    bucket = TokenBucket(10.0, 10, monotonic=fake.monotonic, sleep=fake.sleep)
    for _ in range(10):
        bucket.acquire()  # the initial burst
    start = fake.now
    for n in range(100):
        if n % 20 == 0:
            fake.now += 0.8  # a claimed batch's database work between posts
        bucket.acquire()
    assert fake.now - start == pytest.approx(10.0, abs=0.11)  # 100 posts at 10 a second


def test_a_clock_read_as_epoch_seconds_never_stalls_on_a_sliver_of_a_token() -> None:
    fake = FakeTime()
    fake.now = 1_798_761_600.0  # 2027-01-01 as epoch seconds: a float's step is ~2.4e-7 s here
    bucket = TokenBucket(95.0, 95, monotonic=fake.monotonic, sleep=fake.sleep)
    for _ in range(1_000):
        bucket.acquire()
    assert fake.now - 1_798_761_600.0 == pytest.approx((1_000 - 95) / 95.0, rel=1e-3)
