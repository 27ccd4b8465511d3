"""``goalbot demo`` as a newcomer runs it, and its transcript opened in headless Chromium."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from devkit.demo import QUARTER_START
from devkit.demo.process import goalbot_command, goalbot_env
from devkit.demo.timeline import Rhythm, tick_instants
from tests.journeys.chromium import rendered_dom, screenshot

WEEKS = 3
WIDTH, HEIGHT = 1280, 1600


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """Run ``goalbot demo --weeks 3`` in an empty directory; its output and transcript."""
    workdir = Path(tmp_path_factory.mktemp("demo"))
    done = subprocess.run(
        [*goalbot_command(), "demo", "--weeks", str(WEEKS), "--output", "out/transcript.html"],
        env=goalbot_env("sqlite:///unused.db"),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, workdir / "out" / "transcript.html"


def _it_reports_each_week_and_a_summary(demo: tuple[str, Path]) -> None:
    output, transcript = demo
    weeks = re.findall(r"^week +(\d+) .* (\d+) check-ins · +(\d+) answered", output, re.M)
    assert [int(n) for n, _, _ in weeks] == [1, 2, 3]
    assert all(int(sent) > 0 and 0 < int(answered) <= int(sent) for _, sent, answered in weeks)
    assert re.search(r"^Check-ins: \d+ sent at each owner's local time, \d+ answered", output, re.M)
    digests = re.search(r"^Digests: (\d+) posted to #leadership", output, re.M)
    assert digests and int(digests[1]) >= 2
    review = re.search(
        r"^Review: (\d+) unit threads \(started with /goal review start\), (\d+) ratings",
        output,
        re.M,
    )
    assert review and int(review[1]) > 0 and int(review[2]) > 0
    assert "Problems: 0." in output
    assert f"Transcript: {transcript.resolve()}" in output
    assert not list(transcript.parent.parent.glob("*.db")), "the demo's database is temporary"


def _the_transcript_shows_the_quarter(demo: tuple[str, Path]) -> None:
    page = demo[1].read_text(encoding="utf-8")
    counts = Counter(
        {
            "check-ins": page.count("time for your check-in"),
            "reminders": page.count("your check-in is still open"),
            "buttons": page.count("clicked <b>👍 No change</b>"),
            "modals": page.count("submitted <b>Check-in</b>"),
            "typed": len(
                re.findall(r'class="b-text">G-\d+ [\d.]+ (on track|at risk|off track)', page)
            ),
            "escalations": page.count("in a row"),
            "digests": page.count("Weekly digest ·"),
            "charts": page.count('<figure class="file"><img src="data:image/png;base64,'),
            "reviews": page.count("Quarterly review ·"),
            "ratings": page.count("submitted <b>Review 2027-Q1</b>"),
            "close-outs": page.count("How did"),
            "app homes": page.count("'s Home</h3>"),
        }
    )
    assert counts["digests"] >= 2 and counts["charts"] >= 2
    silent = 'Hi Jordan Blake: <span class="mention">@Ethan Brooks</span> has missed 2 check-ins'
    assert silent in page  # quiet for the first three weeks: his lead is told
    assert all(counts[kind] > 0 for kind in counts), counts
    assert "<script" not in page and 'src="http' not in page


def test_ticks_fall_at_each_owners_ten_oclock() -> None:
    rhythm = Rhythm("America/New_York", "weekly", 3, "10:00", 0, "09:00")
    instants = tick_instants(
        rhythm, ["Asia/Kolkata", None], QUARTER_START, QUARTER_START + timedelta(days=7)
    )
    assert QUARTER_START + timedelta(days=3, hours=4, minutes=30) in instants  # Kolkata 10:00
    assert QUARTER_START + timedelta(days=3, hours=15) in instants  # New York 10:00
    assert QUARTER_START + timedelta(days=4, hours=4, minutes=30) in instants  # its reminder
    assert QUARTER_START + timedelta(hours=14) in instants  # Monday's digest, 09:00 New York
    assert instants == sorted(set(instants))


def _headless_chromium_renders_the_transcript(demo: tuple[str, Path], tmp_path: Path) -> None:
    transcript = demo[1]
    image = Image.open(screenshot(transcript, tmp_path / "shot.png", width=WIDTH, height=HEIGHT))
    assert image.size == (WIDTH, HEIGHT)
    pixels = image.convert("RGB")
    assert _close(pixels.getpixel((WIDTH // 2, 8)), (0x3F, 0x0E, 0x40))  # the header band
    colours = pixels.resize((WIDTH // 8, HEIGHT // 8)).getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 50, "a blank or flat page"
    white = sum(n for n, colour in colours if colour == (255, 255, 255))
    assert 0.3 < white / sum(n for n, _ in colours) < 0.97

    dom = rendered_dom(transcript)
    for text in (
        "#leadership",
        "Maya Chen",
        "time for your check-in",
        "your check-in is still open",
    ):
        assert text in dom, text


def test_goalbot_demo_plays_a_quarter_and_its_transcript_renders(
    demo: tuple[str, Path], tmp_path: Path
) -> None:
    """One run of the demo (shared by the steps): its output, its transcript's content, and
    the transcript as headless Chromium renders it."""
    _it_reports_each_week_and_a_summary(demo)
    _the_transcript_shows_the_quarter(demo)
    _headless_chromium_renders_the_transcript(demo, tmp_path)


def _close(colour: object, expected: tuple[int, int, int]) -> bool:
    assert isinstance(colour, tuple)
    return all(abs(int(a) - b) <= 12 for a, b in zip(colour, expected, strict=False))
