"""Progress updates over the two quarters before `now`, as owners really answer check-ins.

Each goal's updates fall on its owner's weekly check-in slots (their weekday and local time,
answered minutes to hours later) while the goal is open, inside its period: diligent owners
answer most weeks, irregular ones about half, stale ones stopped weeks ago. The total is
split over the goals in proportion to how many slots each would answer (largest remainders,
so it comes out exact); a goal given more updates than slots gets the rest mid-week, as
``/goal update`` commands. Rows are then produced in time order, in batches, so a million of
them never sit in memory at once: only one sortable integer per update does.
"""

from __future__ import annotations

import bisect
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bench.orggen.goals import GoalPlan
from bench.orggen.org import PersonPlan
from bench.orggen.timeline import Timeline, midnight, split
from bench.orggen.vocabulary import BLOCKERS, NOTES, WORKSPACE_TZ
from bot.rhythm.defaults import DEFAULT_CHECKIN_TIME, DEFAULT_CHECKIN_WEEKDAY
from bot.rhythm.localtime import local_date, local_to_utc
from bot.rhythm.rule import parse_local_time
from storage.models import GoalStatus

COLUMNS = (
    "id", "team_id", "goal_id", "value", "health", "confidence", "note", "blocker",
    "no_change", "author_id", "source", "delivery_id", "dedup_key", "created_at",
)  # fmt: skip
GRACE = timedelta(days=7)  # updates still come in a week after a period ends
WEEK = 7 * 86400
NO_CHANGE_SHARE = 0.15
SOURCES = ("modal", "typed", "command")
SOURCE_WEIGHTS = (55.0, 28.0, 17.0)


@dataclass(frozen=True)
class Track:
    """What the rows of one goal are computed from (plain numbers, for speed)."""

    goal_id: int
    owner_id: int
    start: int  # epoch seconds: progress is measured from here...
    due: int  # ...to here
    baseline: float | None
    delta: float  # target - baseline (0 when the goal has no metric)
    digits: int
    pace: float


def schedule(
    rng: random.Random,
    timeline: Timeline,
    goals: list[GoalPlan],
    people: list[PersonPlan],
    total: int,
) -> array[int]:
    """When each update happens: sorted keys ``epoch_second * len(goals) + goal_index``."""
    owners = {person.id: person for person in people}
    spans, weights = [], []
    for goal in goals:
        owner = owners[goal.owner_id]
        first, stop = _span(timeline, goal, owner)
        slots = _slots(owner, timeline)
        lo, hi = bisect.bisect_left(slots, first), bisect.bisect_left(slots, stop)
        spans.append((first, stop, lo, hi))
        answered = hi - lo if hi > lo else max(0, stop - first) / WEEK
        weights.append(answered * owner.answer_rate)
    if total == 0:
        return array("q")
    counts = split(total, weights)
    keys = array("q")
    size = len(goals)
    for index, (goal, count) in enumerate(zip(goals, counts, strict=True)):
        if count:
            first, stop, lo, hi = spans[index]
            slots = _slots(owners[goal.owner_id], timeline)[lo:hi]
            for at in _instants(rng, slots, first, stop, count):
                keys.append(at * size + index)
    return array("q", sorted(keys))


def _span(timeline: Timeline, goal: GoalPlan, owner: PersonPlan) -> tuple[int, int]:
    """The epoch seconds [first, stop) in which the goal's owner reports on it."""
    if goal.status is GoalStatus.DRAFT:
        return 0, 0
    first = max(timeline.window_start, timeline.start(goal.period), goal.created_at)
    stop = min(timeline.now, timeline.end(goal.period) + GRACE)
    for limit in (goal.closed_at, owner.silent_since):
        if limit is not None:
            stop = min(stop, limit)
    return int(first.timestamp()), max(int(first.timestamp()), int(stop.timestamp()))


def _slots(owner: PersonPlan, timeline: Timeline) -> list[int]:
    weekday = DEFAULT_CHECKIN_WEEKDAY if owner.checkin_weekday is None else owner.checkin_weekday
    at = (
        DEFAULT_CHECKIN_TIME if owner.checkin_time is None else parse_local_time(owner.checkin_time)
    )
    return _weekly(owner.tz or WORKSPACE_TZ, weekday, at, timeline.window_start, timeline.now)


@cache
def _weekly(tz: str, weekday: int, at: time, start: datetime, stop: datetime) -> list[int]:
    """Epoch seconds of every local `weekday` at `at` in [start, stop)."""
    zone = ZoneInfo(tz)
    day, last = local_date(start, zone), local_date(stop, zone)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    slots = []
    while day <= last:
        instant = local_to_utc(day, at, zone)
        if start <= instant < stop:
            slots.append(int(instant.timestamp()))
        day += timedelta(days=7)
    return slots


def _instants(rng: random.Random, slots: list[int], first: int, stop: int, count: int) -> list[int]:
    """`count` instants: answers to sampled slots, then mid-week updates when slots run out."""
    chosen = rng.sample(slots, count) if count <= len(slots) else list(slots)
    answered = [min(slot + _delay(rng), stop - 1) for slot in chosen]
    return answered + [_mid_week(rng, slots, first, stop) for _ in range(count - len(chosen))]


def _mid_week(rng: random.Random, slots: list[int], first: int, stop: int) -> int:
    """Another day of a check-in week, around the same working hour (anywhere without slots)."""
    if not slots:
        return rng.randint(first, max(first, stop - 1))
    shift = rng.choice((-3, -2, -1, 1, 2, 3, 4)) * 86400 + rng.randint(-2 * 3600, 5 * 3600)
    return min(max(rng.choice(slots) + shift, first), stop - 1)


def _delay(rng: random.Random) -> int:
    """How long after the DM an owner answers: mostly within the hour, sometimes days."""
    return 20 + min(int(rng.expovariate(1 / 5400)), 2 * 86400)


def tracks(goals: list[GoalPlan]) -> list[Track]:
    """The numbers each goal's rows are computed from, in goal order."""
    result = []
    for goal in goals:
        words = goal.wording
        start, end = goal.period.bounds()
        first = int(midnight(start).timestamp())
        due = max(first + 86400, int(midnight(words.due_date or end).timestamp()))
        delta = 0.0
        if words.target is not None and words.baseline is not None:
            delta = words.target - words.baseline
        track = Track(
            goal.id, goal.owner_id, first, due, words.baseline, delta, words.digits, goal.pace
        )
        result.append(track)
    return result


def rows(
    rng: random.Random,
    keys: array[int],
    goals: list[Track],
    team_id: str,
    first_id: int,
    batch: int,
) -> Iterator[list[tuple[object, ...]]]:
    """The update rows in time order (ids ascending), `batch` at a time."""
    size = len(goals)
    last: dict[int, tuple[float | None, str | None]] = {}
    chunk: list[tuple[object, ...]] = []
    for offset, key in enumerate(keys):
        at, index = divmod(key, size)
        row_id = first_id + offset
        chunk.append(_row(rng, goals[index], at, row_id, team_id, last, index))
        if len(chunk) >= batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _row(
    rng: random.Random,
    goal: Track,
    at: int,
    row_id: int,
    team_id: str,
    last: dict[int, tuple[float | None, str | None]],
    index: int,
) -> tuple[object, ...]:
    created = datetime.fromtimestamp(at, UTC)
    dedup = f"bench:{row_id}"
    previous = last.get(index)
    if previous is not None and rng.random() < NO_CHANGE_SHARE:
        value, health = previous
        return (row_id, team_id, goal.goal_id, value, health, None, "", False, True,
                goal.owner_id, "button", None, dedup, created)  # fmt: skip
    elapsed = min(1.0, max(0.0, (at - goal.start) / (goal.due - goal.start)))
    done = min(1.3, max(-0.1, goal.pace * elapsed + rng.gauss(0.0, 0.03)))
    value = None
    if goal.baseline is not None:
        value = max(0.0, round(goal.baseline + goal.delta * done, goal.digits))
    health = _health(rng, elapsed - done if goal.delta else 1.0 - goal.pace)
    last[index] = (value, health)
    confidence = None
    if rng.random() < 0.75:
        confidence = min(10, max(1, round(goal.pace * 8 + rng.gauss(0.0, 1.2))))
    draw = rng.random()
    blocker = draw < 0.05
    note = rng.choice(BLOCKERS) if blocker else rng.choice(NOTES) if draw < 0.33 else ""
    source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
    dedup_key = None if source == "command" else dedup
    return (row_id, team_id, goal.goal_id, value, health, confidence, note, blocker, False,
            goal.owner_id, source, None, dedup_key, created)  # fmt: skip


def _health(rng: random.Random, behind: float) -> str | None:
    """What the owner reports, from how far behind plan they are (sometimes nothing)."""
    draw = rng.random()
    if draw < 0.1:
        return None
    if draw < 0.18:
        return rng.choice(("on_track", "at_risk", "off_track"))
    return "on_track" if behind <= 0.1 else "at_risk" if behind <= 0.25 else "off_track"
