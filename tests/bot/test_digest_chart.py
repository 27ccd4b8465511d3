"""The digest's chart (a real PNG) and the Slack layer that posts digests and uploads it."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from bot.digest.chart import build_chart, render_png
from tests.bot.test_digest_content import goal

START = datetime(2027, 1, 1, tzinfo=UTC)
END = datetime(2027, 2, 15, tzinfo=UTC)


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_chart_draws_each_goal_with_values_as_a_png() -> None:
    values = {
        1: [(datetime(2026, 12, 20, tzinfo=UTC), 10.0), (datetime(2027, 1, 20, tzinfo=UTC), 40.0)],
        2: [],  # no value recorded: left out
    }
    chart = build_chart("Top goals", START, END, {1: "G-1 Revenue", 2: "G-2 Brand"},
                        {1: goal(1), 2: goal(2)}, values)  # fmt: skip
    assert chart is not None
    assert [(s.label, s.points) for s in chart.series] == [
        ("G-1 Revenue", ((START, 0.1), (datetime(2027, 1, 20, tzinfo=UTC), 0.4)))
    ]  # the value held at the start of the period is drawn from the start
    assert chart.alt_text == "Top goals. G-1 Revenue: 40%."
    assert _size(render_png(chart)) == (800, 450)


def test_nothing_to_draw_means_no_chart() -> None:
    assert build_chart("Top goals", START, END, {1: "G-1"}, {1: goal(1)}, {}) is None
