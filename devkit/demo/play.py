"""Playing the quarter: an agenda of ticks, answers and week ends, run in time order.

The tick runs at the instants ``timeline`` gives; after each one, every new check-in DM is
read by its owner's persona, who may schedule an answer some minutes or hours later. At each
week's end a progress line is printed.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from devkit.demo.answers import Answerer
from devkit.demo.closeout import close_out
from devkit.demo.personas import How, Persona, decide
from devkit.demo.seen import AnswerFailed, shows
from devkit.demo.timeline import Rhythm, tick_instants
from devkit.demo.world import World
from goalbot.tick import FullTickReport

WEEK = timedelta(days=7)
logger = logging.getLogger(__name__)
Say = Callable[[str], None]


@dataclass
class WeekStats:
    """What happened in one week of the quarter."""

    number: int
    start: datetime
    checkins: int = 0
    reminders: int = 0
    escalations: int = 0
    missed: int = 0
    digests: int = 0
    answers: Counter[How] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    closed: int = 0

    def add_tick(self, report: FullTickReport) -> None:
        """Count what one tick planned, found and posted."""
        self.checkins += report.plan.planned
        self.reminders += report.followups.reminders
        self.escalations += report.followups.escalations
        self.missed += report.followups.missed
        self.digests += report.digests.send.posted if report.digests else 0


class Quarter:
    """Plays `weeks` weeks from `start`, the Monday the quarter's first week begins."""

    def __init__(
        self,
        world: World,
        cast: Mapping[str, Persona],
        answerer: Answerer,
        *,
        start: datetime,
        weeks: int,
        seed: int,
        say: Say,
    ) -> None:
        self.world, self.cast, self.answerer = world, cast, answerer
        self.start, self.weeks, self.seed, self.say = start, weeks, seed, say
        self.stats = [WeekStats(n + 1, start + n * WEEK) for n in range(weeks)]
        self._agenda: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._seen: set[str] = set()

    @property
    def end(self) -> datetime:
        """When the last week ends."""
        return self.start + self.weeks * WEEK

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        """Do `action` at `when` on the demo's clock."""
        heapq.heappush(self._agenda, (when, next(self._order), action))

    def play(self, rhythm: Rhythm, extra_ticks: Iterable[datetime] = ()) -> list[WeekStats]:
        """Run every tick, answer and scene in time order; one progress line per week."""
        zones = [person.tz for person in self.world.workspace.people]
        instants = set(tick_instants(rhythm, zones, self.start, self.end))
        instants.update(at for at in extra_ticks if self.start <= at < self.end)
        for instant in sorted(instants):
            self.at(instant, self._tick)
        for stats in self.stats:
            self.at(stats.start + WEEK - timedelta(seconds=1), self._reporter(stats))
        self.run_agenda()
        return self.stats

    def run_agenda(self) -> None:
        """Do everything on the agenda, earliest first (actions may add more)."""
        while self._agenda:
            when, _, action = heapq.heappop(self._agenda)
            self.world.move_to(when)
            action()

    def week_of(self, when: datetime) -> WeekStats:
        """The stats of the week containing `when` (the last week for anything after it)."""
        index = int((when - self.start) / WEEK)
        return self.stats[min(max(index, 0), len(self.stats) - 1)]

    def _tick(self) -> None:
        now = self.world.clock.now()
        report = self.world.tick()
        self.week_of(now).add_tick(report)
        if report.send.sent:
            self._read_new_dms(now)

    def _read_new_dms(self, now: datetime) -> None:
        for user_id, persona in self.cast.items():
            for message in self.world.slack.dm_messages(user_id):
                if message["ts"] in self._seen:
                    continue
                self._seen.add(message["ts"])
                if shows(message, "No change"):
                    self._consider(user_id, persona, message, now)
                elif shows(message, "Achieved"):
                    after = timedelta(minutes=persona.delay_minutes)
                    self.at(now + after, self._closer(user_id, persona))

    def _consider(
        self, user_id: str, persona: Persona, message: dict[str, object], now: datetime
    ) -> None:
        week = self.week_of(now).number
        reminder = str(message.get("text", "")).startswith("Reminder")
        answer = decide(persona, week, reminder=reminder, seed=self.seed)
        if answer is not None:
            self.at(now + answer.after, lambda: self._answer(user_id, persona, week, answer.how))

    def _answer(self, user_id: str, persona: Persona, week: int, how: How) -> None:
        stats = self.week_of(self.world.clock.now())
        try:
            done = self.answerer.answer(user_id, persona, week, how)
        except AnswerFailed as exc:
            logger.warning("demo: %s", exc)
            stats.problems.append(str(exc))
            return
        if done is not None:
            stats.answers[done.how] += 1

    def _closer(self, user_id: str, persona: Persona) -> Callable[[], None]:
        def close() -> None:
            stats = self.week_of(self.world.clock.now())
            try:
                stats.closed += close_out(self.world.slack, self.world.driver, user_id, persona)
            except AnswerFailed as exc:
                logger.warning("demo: %s", exc)
                stats.problems.append(str(exc))

        return close

    def _reporter(self, stats: WeekStats) -> Callable[[], None]:
        return lambda: self.say(progress_line(stats))


def progress_line(stats: WeekStats) -> str:
    """One line about a week: what was sent, answered, missed, escalated and posted."""
    end = stats.start + WEEK - timedelta(days=1)
    answered = sum(stats.answers.values())
    ways = ", ".join(f"{count} {HOW_WORDS[how]}" for how, count in sorted(stats.answers.items()))
    parts = [
        f"week {stats.number:2d}  {stats.start:%b %d} to {end:%b %d}",
        f"{stats.checkins:2d} check-ins",
        f"{answered:2d} answered" + (f" ({ways})" if ways else ""),
    ]
    parts += [f"{stats.reminders} reminders"] if stats.reminders else []
    parts += [f"{stats.missed} missed"] if stats.missed else []
    parts += [f"{stats.escalations} escalated to a lead"] if stats.escalations else []
    parts += [f"{stats.digests} digest posted"] if stats.digests else []
    parts += [f"{stats.closed} goals closed"] if stats.closed else []
    parts += [f"{len(stats.problems)} problems"] if stats.problems else []
    return " · ".join(parts)


HOW_WORDS: dict[How, str] = {
    "no_change": "no change",
    "modal": "by modal",
    "typed": "typed",
    "away": "away",
}
