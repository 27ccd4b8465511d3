"""What every benchmark reports: figures with their targets, and their Markdown table.

Every benchmark module in ``bench/`` exposes ``run(backend, *, quick) -> list[Figure]`` and a
``main()`` built with :func:`main_for`, so it runs alone or under ``bench/run_all.py``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BACKEND_NAMES = ("sqlite", "postgres")
Run = Callable[..., "list[Figure]"]


@dataclass(frozen=True)
class Figure:
    """One measured figure, on one backend, against its target."""

    name: str  # e.g. "company digest build, 50,000 goals / 1,000,000 updates"
    backend: str  # "sqlite" | "postgres" | "-"
    value: float | None  # None when it could not be measured (say why in note)
    unit: str  # "ms", "s", "calls", "%", "MB", "/s"
    target: str  # human text, e.g. "< 1 s"; "" when only reported
    met: bool | None  # None when there is no target
    note: str = ""


def below(value: float | None, limit: float) -> bool | None:
    """Whether a measured value is under its limit (None when it was not measured)."""
    if value is None or math.isnan(value):
        return None
    return value < limit


def at_least(value: float | None, floor: float) -> bool | None:
    """Whether a measured value reaches its floor (None when it was not measured)."""
    if value is None or math.isnan(value):
        return None
    return value >= floor


def format_value(figure: Figure) -> str:
    """The value with its unit, rounded to what the eye can use."""
    if figure.value is None or math.isnan(figure.value):
        return "not measured"
    value = figure.value
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100 or value == int(value):
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    if not figure.unit:
        return text
    return f"{text}{figure.unit}" if figure.unit in ("%", "/s") else f"{text} {figure.unit}"


def verdict(figure: Figure) -> str:
    """'met', '**missed**', or '-' when there is no target or no value."""
    if figure.met is None:
        return "-" if not figure.target else "not measured"
    return "met" if figure.met else "**missed**"


COLUMNS = ("figure", "backend", "value", "target", "met", "note")


def table_header(*, with_module: bool = False) -> list[str]:
    """The two header lines of a figures table (with a leading "benchmark" column or not)."""
    columns = (("benchmark",) if with_module else ()) + COLUMNS
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def table_row(figure: Figure, *, module: str | None = None) -> str:
    """One figure as a table row (led by its module's name when given)."""
    cells = [
        figure.name,
        figure.backend,
        format_value(figure),
        figure.target or "reported",
        verdict(figure),
        figure.note,
    ]
    if module is not None:
        cells.insert(0, f"`{module}`")
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def markdown_table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table."""
    return "\n".join([*table_header(), *(table_row(figure) for figure in figures)])


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main_for(run: Run, description: str, argv: Sequence[str] | None = None) -> list[Figure]:
    """A benchmark's command line, ``[--backend sqlite|postgres|both] [--quick]``: a table."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--backend", choices=[*BACKEND_NAMES, "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="1/10 scale, a few runs")
    args = parser.parse_args(argv)
    backends = list(BACKEND_NAMES) if args.backend == "both" else [args.backend]
    figures = [figure for backend in backends for figure in run(backend, quick=args.quick)]
    print(markdown_table(figures))
    return figures
