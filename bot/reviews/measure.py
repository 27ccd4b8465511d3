"""Building a unit's scorecard from a snapshot of the workspace's quarter: pure, no database.

- **% to objective**: the weighted mean (goal weights) of the rolled-up progress of the unit's
  own measurable goals; a goal rolls up the goals aligned below it in any unit
  (``bot.services.progress``). Dropped and carried-over goals are left out. **Expected**: the
  same mean of where each of those goals should be by the review.
- **Goals**: the unit's own goals of the reviewed periods, counted by status; each listed with
  its rolled-up progress and the health of that progress (or *stale*: no news for two cycles).
- **Rhythm**: check-ins due during the quarter up to the review to everyone owning a goal of
  the periods in the unit's subtree, answered vs missed (``bot.reviews.policy``).
- **CSFs**: each CSF of the unit for the reviewed periods, with the rolled-up progress of the
  goals serving it: *achieved* when all of them were achieved, else *on course* or *behind*
  against expected progress (the diagnosis margin), *not measurable*, or *no goals*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.periods import Period
from bot.domain.review import CsfOutcome, GoalCounts, GoalLine, Rhythm, Scorecard
from bot.reviews.policy import PROGRESS_MARGIN, diagnose, review_periods
from bot.services.goal_views import measure
from bot.services.progress import RollupNode, computed_health, rollup
from storage.models import Csf, GoalStatus, GoalUpdate, Workspace
from storage.repositories.reviews import ReviewGoal

LEFT_OUT = frozenset({GoalStatus.DROPPED, GoalStatus.CARRIED_OVER})
PLACES = 4


@dataclass(frozen=True)
class UnitInfo:
    """A unit of the org tree, as the scorecard names it."""

    id: int
    key: str
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class QuarterData:
    """What every unit's scorecard of one quarter is computed from, read once."""

    quarter: Period
    at: datetime
    workspace: Workspace
    units: Mapping[int, UnitInfo]
    goals: Sequence[ReviewGoal]
    latest: Mapping[int, GoalUpdate]
    csfs: Sequence[Csf]
    answers: Mapping[int, tuple[int, int]]  # person id -> (answered, missed)


class QuarterScorecards:
    """Scorecards of one quarter's units; progress and roll-ups are computed once for all."""

    def __init__(self, data: QuarterData) -> None:
        self.data = data
        counted = [goal for goal in data.goals if goal.status not in LEFT_OUT]
        self._measured = {
            goal.id: measure(goal, data.latest.get(goal.id), data.at, data.workspace)
            for goal in counted
        }
        nodes = [
            RollupNode(goal.id, goal.parent_id, self._measured[goal.id].progress, goal.weight)
            for goal in counted
        ]
        self._rolled = rollup(nodes)
        self._by_unit: dict[int, list[ReviewGoal]] = defaultdict(list)
        self._by_csf: dict[int, list[ReviewGoal]] = defaultdict(list)
        for goal in data.goals:
            self._by_unit[goal.unit_id].append(goal)
            if goal.csf_id is not None and goal.status not in LEFT_OUT:
                self._by_csf[goal.csf_id].append(goal)

    def for_unit(self, unit_id: int) -> Scorecard:
        """The scorecard of one unit (see the module rules)."""
        data, unit = self.data, self.data.units[unit_id]
        own = self._by_unit.get(unit_id, [])
        progress, expected = self._means([g for g in own if g.status not in LEFT_OUT])
        rhythm = self._rhythm(unit_id)
        return Scorecard(
            unit_key=unit.key,
            unit_name=unit.name,
            period=str(data.quarter),
            at=data.at.isoformat().replace("+00:00", "Z"),
            progress=progress,
            expected=expected,
            counts=_counts(own),
            rhythm=rhythm,
            diagnosis=diagnose(
                progress=progress,
                expected=expected,
                answered=rhythm.answered,
                missed=rhythm.missed,
            ),
            csfs=self._csfs(unit_id),
            goals=tuple(self._line(goal) for goal in own),
        )

    def _means(self, goals: Iterable[ReviewGoal]) -> tuple[float | None, float | None]:
        """Weighted mean rolled-up progress and expected progress of the measurable goals."""
        weighted = [
            (rolled, self._measured[goal.id].expected, goal.weight)
            for goal in goals
            if goal.weight > 0 and (rolled := self._rolled.get(goal.id)) is not None
        ]
        total = sum(weight for _, _, weight in weighted)
        if not weighted or total <= 0:
            return None, None
        progress = sum(rolled * weight for rolled, _, weight in weighted) / total
        expected = sum(share * weight for _, share, weight in weighted) / total
        return round(progress, PLACES), round(expected, PLACES)

    def _rhythm(self, unit_id: int) -> Rhythm:
        owners = {
            goal.owner_id
            for unit in subtree_ids(self.data.units, unit_id)
            for goal in self._by_unit.get(unit, [])
            if goal.status not in LEFT_OUT
        }
        counts = [self.data.answers.get(owner, (0, 0)) for owner in sorted(owners)]
        return Rhythm(
            answered=sum(answered for answered, _ in counts),
            missed=sum(missed for _, missed in counts),
            people=len(owners),
        )

    def _csfs(self, unit_id: int) -> tuple[CsfOutcome, ...]:
        periods = set(review_periods(self.data.quarter))
        mine = [c for c in self.data.csfs if c.unit_id == unit_id and c.period in periods]
        return tuple(self._csf(csf) for csf in sorted(mine, key=lambda csf: csf.rank))

    def _csf(self, csf: Csf) -> CsfOutcome:
        serving = self._by_csf.get(csf.id or 0, [])
        progress, expected = self._means(serving)
        achieved = sum(1 for goal in serving if goal.status is GoalStatus.ACHIEVED)
        return CsfOutcome(
            rank=csf.rank,
            title=csf.title,
            outcome=_csf_outcome(len(serving), achieved, progress, expected),
            goals=len(serving),
            achieved=achieved,
            missed=sum(1 for goal in serving if goal.status is GoalStatus.MISSED),
            progress=progress,
            expected=expected,
        )

    def _line(self, goal: ReviewGoal) -> GoalLine:
        rolled = self._rolled.get(goal.id)
        return GoalLine(
            number=goal.number,
            title=goal.title,
            owner_slack_id=goal.owner_slack_id,
            status=goal.status.value,
            progress=round(rolled, PLACES) if rolled is not None else None,
            health=self._health(goal, rolled),
        )

    def _health(self, goal: ReviewGoal, rolled: float | None) -> str:
        """Stale (no news for two cycles), else the health of the rolled-up progress."""
        measured = self._measured.get(goal.id)
        if measured is None:
            return "none"
        if measured.health.stale:
            return "stale"
        at = self.data.at  # an update "now" is never stale: only the numbers count here
        health = computed_health(rolled, measured.expected, at, at, timedelta(days=1)).health
        return health.value if health is not None else "none"


def build_scorecard(data: QuarterData, unit_id: int) -> Scorecard:
    """The scorecard of one unit for the quarter."""
    return QuarterScorecards(data).for_unit(unit_id)


def _counts(goals: Sequence[ReviewGoal]) -> GoalCounts:
    def count(*statuses: GoalStatus) -> int:
        return sum(1 for goal in goals if goal.status in statuses)

    return GoalCounts(
        achieved=count(GoalStatus.ACHIEVED),
        missed=count(GoalStatus.MISSED),
        open=count(GoalStatus.ACTIVE, GoalStatus.DRAFT),
        carried_over=count(GoalStatus.CARRIED_OVER),
        dropped=count(GoalStatus.DROPPED),
    )


def subtree_ids(units: Mapping[int, UnitInfo], unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_id, []).append(unit.id)
    found: set[int] = set()
    stack = [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def _csf_outcome(goals: int, achieved: int, progress: float | None, expected: float | None) -> str:
    if goals == 0:
        return "no goals"
    if achieved == goals:
        return "achieved"
    if progress is None or expected is None:
        return "not measurable"
    return "on course" if progress >= expected - PROGRESS_MARGIN else "behind"
