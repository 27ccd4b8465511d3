"""The digest's chart: progress over the period of the scope's top goals, as a PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global
state), so it is safe in the scheduler's thread and in tests.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from bot.services.progress import MetricLike, progress

WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 4.5, 100
LABEL = 48  # characters of a goal's title in the legend


@dataclass(frozen=True)
class ChartSeries:
    """One goal's progress (a share, 0 to 1) at each recorded value."""

    label: str
    points: tuple[tuple[datetime, float], ...]


@dataclass(frozen=True)
class Chart:
    """What to draw: a title, the period drawn, and one series per goal."""

    title: str
    start: datetime
    end: datetime
    series: tuple[ChartSeries, ...]

    @property
    def alt_text(self) -> str:
        """A description for screen readers: each goal's latest progress."""
        latest = "; ".join(
            f"{line.label}: {round(line.points[-1][1] * 100)}%" for line in self.series
        )
        return f"{self.title}. {latest}."


def progress_series(
    label: str, goal: MetricLike, values: Sequence[tuple[datetime, float]], start: datetime
) -> ChartSeries | None:
    """A goal's recorded values as progress, from `start` (the value held then) onwards."""
    points: list[tuple[datetime, float]] = []
    for at, value in values:
        share = progress(goal, value)
        if share is not None:
            points.append((max(at, start), share))
    return ChartSeries(label, tuple(points)) if points else None


def build_chart(
    title: str,
    start: datetime,
    end: datetime,
    labels: Mapping[int, str],
    goals: Mapping[int, MetricLike],
    values: Mapping[int, Sequence[tuple[datetime, float]]],
) -> Chart | None:
    """The chart of the given goals (in the order of `labels`); None when nothing to draw."""
    series = [
        progress_series(labels[gid], goals[gid], values.get(gid, ()), start)
        for gid in labels
        if gid in goals
    ]
    drawn = tuple(line for line in series if line is not None)
    return Chart(title, start, end, drawn) if drawn else None


def render_png(chart: Chart) -> bytes:
    """The chart as PNG bytes: a step line per goal, held flat to the end of the period drawn."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    for line in chart.series:
        times = [_day_number(at) for at, _ in line.points] + [_day_number(chart.end)]
        shares = [share for _, share in line.points] + [line.points[-1][1]]
        axes.step(times, shares, where="post", marker="o", markersize=3, label=line.label[:LABEL])
    axes.set_title(chart.title, fontsize=11)
    axes.set_xlim(_day_number(chart.start), _day_number(chart.end))
    axes.set_ylim(0, 1.05)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _day_number(at: datetime) -> float:
    """Matplotlib's date number (days since its epoch) of an instant."""
    return float(date2num(at))  # type: ignore[no-untyped-call]
