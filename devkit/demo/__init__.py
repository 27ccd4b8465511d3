"""``goalbot demo``: a quarter of goalbot in under a minute, with no Slack and no setup.

It starts the Slack stand-in and the real ``goalbot serve`` on a temporary SQLite database,
imports the example plan, subscribes a leadership channel to the digest, plays the quarter
week by week (check-ins at each owner's local time, simulated people answering by button,
modal or typed reply, some late, some never, a few blockers; weekly digests; the quarterly
review), and writes an HTML transcript of every channel, DM and thread.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devkit.demo.answers import Answerer
from devkit.demo.personas import persona_for
from devkit.demo.play import Quarter, Say, WeekStats
from devkit.demo.progress import read_goals
from devkit.demo.review import ReviewScene, scene_instant
from devkit.demo.scenes import (
    executive,
    open_homes,
    review_opening,
    rhythm_of,
    subscribe_leadership,
)
from devkit.demo.summary import summary_lines
from devkit.demo.world import World, demo_world
from devkit.transcript import render_transcript, transcript_of

QUARTER_START = datetime(2027, 1, 4, tzinfo=UTC)  # Monday of 2027-W01, the plan's 2027-Q1
IMPORTED_AT = datetime(2027, 1, 3, 12, tzinfo=UTC)
WEEKS = 13


@dataclass(frozen=True)
class DemoResult:
    """What the demo did, and where its transcript is."""

    transcript: Path
    weeks: list[WeekStats]
    summary: list[str]
    seconds: float


def run_demo(
    plan: Path,
    output: Path,
    *,
    weeks: int = WEEKS,
    seed: int = 7,
    say: Say = print,
) -> DemoResult:
    """Play `weeks` weeks of the quarter and write the transcript to `output`."""
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="goalbot-demo-") as workdir,
        demo_world(plan, IMPORTED_AT, Path(workdir)) as world,
    ):
        say(f"goalbot serve is up on a fresh SQLite database; playing {weeks} weeks of 2027-Q1")
        subscribe_leadership(world)
        quarter = _quarter(world, plan, weeks, seed, say)
        review = _set_pieces(world, quarter, seed)
        stats = quarter.play(rhythm_of(world), extra_ticks=[review_opening(world, quarter.start)])
        lines = summary_lines(stats, review.stats)
        _write(world, output, lines)
    return DemoResult(output, stats, lines, time.monotonic() - began)


def _set_pieces(world: World, quarter: Quarter, seed: int) -> ReviewScene:
    """On the agenda: the review (opened if needed, rated, discussed), and a last look at
    App Home before the quarter ends."""
    scene = ReviewScene(world, seed)
    at = scene_instant(review_opening(world, quarter.start), quarter.end)
    quarter.at(at, scene.open_if_needed)
    quarter.at(at + timedelta(hours=1), scene.rate)
    quarter.at(at + timedelta(hours=2), scene.reply)
    homes = [executive(world), *(lead for _, lead in world.workspace.unit_leads[1:2])]
    quarter.at(quarter.end - timedelta(hours=1), lambda: open_homes(world, homes))
    return scene


def _quarter(world: World, plan: Path, weeks: int, seed: int, say: Say) -> Quarter:
    cast = {p.slack_id: persona_for(p.slack_id, seed) for p in world.workspace.people}
    answerer = Answerer(world.slack, world.driver, read_goals(plan), seed)
    return Quarter(world, cast, answerer, start=QUARTER_START, weeks=weeks, seed=seed, say=say)


def _write(world: World, output: Path, lines: list[str]) -> None:
    transcript = transcript_of(
        world.slack,
        title=f"goalbot demo: a quarter at {world.workspace.name or 'a stand-in workspace'}",
        workspace=f"{world.workspace.name} · Slack stand-in · 2027-Q1",
        summary=lines,
        channel_tz=world.workspace.timezone,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_transcript(transcript), encoding="utf-8")


def example_plan() -> Path:
    """The example plan of this source tree (``examples/plan.yaml``), else of the working dir."""
    bundled = Path(__file__).resolve().parents[2] / "examples" / "plan.yaml"
    return bundled if bundled.exists() else Path("examples/plan.yaml")
