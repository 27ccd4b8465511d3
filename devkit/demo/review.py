"""The quarterly review scene: threads in #leadership, ratings through the modal, replies.

In a full quarter the tick opens the reviews itself, on the quarter's last working day at the
workspace's digest time; a shorter demo starts them with ``/goal review start``. Each unit's
lead then rates their unit's review (and the first executive rates a second one), a few leads
reply in their threads, and owners answer their close-out DMs as they arrive (``play``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from devkit.demo.scenes import ask_in, executive
from devkit.demo.seen import AnswerFailed, check_status, shows, wait_for
from devkit.demo.world import World
from devkit.standin.forms import NotShown

RATE = "Rate this quarter"
_UNIT = re.compile(r"Quarterly review · (.+) · (\S+)$")
WORKED = (
    "The weekly rhythm kept the pipeline honest.",
    "Pairing with Product on the launch paid off.",
    "Early escalation of blockers saved two deals.",
)
CHANGE = (
    "Set fewer goals and measure each one.",
    "Hire a quarter earlier than we think.",
    "Review red accounts weekly, not monthly.",
)


@dataclass
class ReviewStats:
    """What the review scene did."""

    started_by_command: bool = False
    threads: int = 0
    ratings: int = 0
    replies: int = 0
    closed: int = 0
    problems: list[str] = field(default_factory=list)


class ReviewScene:
    """Opens (if the tick has not), rates and discusses the quarter's reviews."""

    def __init__(self, world: World, seed: int) -> None:
        self.world, self.seed = world, seed
        self.stats = ReviewStats()
        self._leads = dict(world.workspace.unit_leads)

    def threads(self) -> dict[str, str]:
        """Unit name -> the ts of its review thread in #leadership."""
        found = {}
        for message in self.world.slack.messages(self.world.leadership):
            blocks = message.get("blocks", [])
            header = next((b for b in blocks if b.get("type") == "header"), None)
            match = _UNIT.search(str((header or {}).get("text", {}).get("text", "")))
            if match and shows(message, RATE):
                found[match[1]] = str(message["ts"])
        return found

    def open_if_needed(self) -> None:
        """Start the reviews by command when the tick has not opened them."""
        if not self.threads():
            ask_in(self.world, executive(self.world), "review start", self.world.leadership)
            self.stats.started_by_command = True
        self.stats.threads = len(self.threads())

    def rate(self) -> None:
        """Each unit's lead rates its review; the first executive also rates the first one."""
        threads = self.threads()
        raters = [
            (self._leads.get(unit, executive(self.world)), ts) for unit, ts in threads.items()
        ]
        if threads:
            raters.append((executive(self.world), next(iter(threads.values()))))
        for user, ts in raters:
            self._guarded(partial(self._rate, user, ts))

    def reply(self) -> None:
        """A few leads reply in their unit's thread."""
        for unit, ts in list(self.threads().items())[:3]:
            user = self._leads.get(unit, executive(self.world))
            text = random.Random(f"{self.seed}:{unit}").choice(WORKED)
            self._guarded(partial(self._reply, user, ts, text))

    def _rate(self, user: str, ts: str) -> None:
        slack, driver = self.world.slack, self.world.driver
        rng = random.Random(f"{self.seed}:{user}:{ts}")
        clicked = driver.click_in_channel(user, self.world.leadership, RATE, message_ts=ts)
        check_status(clicked.status, f"{user}'s click on {RATE}")
        wait_for(lambda: slack.open_views(user), f"{user}'s rating modal")
        answers = {
            "Quality of strategy (1-10)": str(rng.randint(5, 9)),
            "Quality of execution (1-10)": str(rng.randint(4, 9)),
            "What worked": rng.choice(WORKED),
            "What to change": rng.choice(CHANGE),
        }
        response = driver.submit(user, answers)
        if response.status != 200 or (response.json() or {}).get("errors"):
            raise AnswerFailed(f"the rating modal refused {answers}: {response.body[:200]}")
        slack.close_views(user)
        self.stats.ratings += 1

    def _reply(self, user: str, ts: str, text: str) -> None:
        replied = self.world.driver.reply_in_thread(user, self.world.leadership, ts, text)
        check_status(replied.status, f"{user}'s thread reply")
        self.stats.replies += 1

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (AnswerFailed, NotShown, TimeoutError) as exc:
            self.stats.problems.append(str(exc))


def scene_instant(opening: datetime, end: datetime) -> datetime:
    """When the review scene plays: an hour after the reviews open by themselves (`opening`),
    or, when the demo ends before that, on its last Friday afternoon."""
    scene = opening + timedelta(hours=1)
    return scene if scene < end else end - timedelta(days=3) + timedelta(hours=15)
