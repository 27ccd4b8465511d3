"""Building a digest's content: a pure function of the scope's goals and a few lookups.

Everything comes from the goal tree and the recorded updates. The service fetches the goals
as columns (``digest_columns``), the parents above the scope and the long blockers this
module asks for (``blocked_ids``), and hands them in through :class:`DigestInputs`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.digest.alignment import alignment, owners_of, participation, rhythm
from bot.digest.measure import Measures, measure_goals
from bot.digest.sections import csf_section, exceptions, headline, movers, scope_units
from bot.domain.digest import Alignment, DigestContent
from storage.models import Cadence
from storage.repositories.digest_columns import BLOCKER, GoalColumns
from storage.repositories.digest_data import DigestWindow
from storage.repositories.digest_details import CsfRow, UnitRow

CHART_GOALS = 5
"""Goals drawn in the digest's chart: the scope's top measurable goals."""

BLOCKER_DAYS = 7
"""A blocker reported without a break for longer than this is an exception."""

CYCLE_NAMES = {Cadence.WEEKLY: "week", Cadence.BIWEEKLY: "two weeks", Cadence.MONTHLY: "month"}


@dataclass(frozen=True)
class DigestInputs:
    """What a digest is built from (see ``bot.digest.service`` for how it is fetched)."""

    scope_name: str
    unit_id: int | None  # None: the company
    week_key: str
    periods: tuple[str, ...]
    window: DigestWindow
    fy_start_month: int
    cadence: Cadence
    goals: GoalColumns
    units: Sequence[UnitRow]  # every unit of the workspace
    csfs: Sequence[CsfRow]
    parents: Mapping[int, tuple[int | None, int]]  # goals above the scope: (parent, unit)
    away: Collection[int]
    long_blocked: Collection[int]  # goals blocked without a break for BLOCKER_DAYS or more


def build_content(inputs: DigestInputs) -> DigestContent:
    """The digest: headline, exceptions, CSFs, alignment, rhythm, movers and chart goals."""
    window = inputs.window
    measured = measure_goals(inputs.goals, window, inputs.fy_start_month)
    units = scope_units(inputs.units, inputs.unit_id)
    gains, drops = movers(measured)
    owners = owners_of(inputs.goals, inputs.away)
    return DigestContent(
        scope_name=inputs.scope_name,
        unit_id=inputs.unit_id,
        week_key=inputs.week_key,
        periods=inputs.periods,
        at=window.at,
        headline=headline(measured, participation(owners)),
        exceptions=exceptions(measured, inputs.long_blocked),
        csfs=csf_section(measured, units, inputs.csfs),
        alignment=_alignment(inputs, measured),
        rhythm=rhythm(owners, CYCLE_NAMES[inputs.cadence]),
        gains=gains,
        drops=drops,
        chart_goals=chart_goals(measured),
    )


def _alignment(inputs: DigestInputs, measured: Measures) -> Alignment:
    parents = inputs.parents
    company = {unit.id for unit in inputs.units if unit.parent_id is None}
    if inputs.unit_id is None:
        return alignment(measured, parents, company, company, "company goals")
    return alignment(measured, parents, company, {inputs.unit_id}, f"goals of {inputs.scope_name}")


def blocked_ids(goals: GoalColumns) -> list[int]:
    """Goals whose newest update reports a blocker."""
    return [int(goal_id) for goal_id in goals.id[goals.flag(BLOCKER)].tolist()]


def chart_goals(measured: Measures) -> tuple[int, ...]:
    """The scope's top measurable goals (highest in the tree, heaviest first)."""
    goals = measured.goals
    measurable = ~np.isnan(goals.baseline) & ~np.isnan(goals.target)
    top = measured.ranked(measurable)[:CHART_GOALS]
    return tuple(int(goal_id) for goal_id in goals.id[top].tolist())
