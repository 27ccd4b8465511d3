"""Goal messages: lists, the cascade tree, one goal's details, a new goal, CSFs, outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.blocks.goal_details import goal_details_message
from bot.blocks.kit import context, header, more_factory, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS, fit, truncate
from bot.blocks.lines import goal_section_text, tree_line
from bot.blocks.message import Message
from bot.blocks.text import (
    escape,
    escape_keep_refs,
    exception_rank,
    exceptions_first,
    health_badge,
    percent,
    plural,
    quantity,
)
from bot.domain.goals import ClosedGoal, CreatedGoal, GoalSummary, RecordedUpdate
from storage.models import Csf

__all__ = [
    "csf_list_message",
    "goal_closed_message",
    "goal_created_message",
    "goal_details_message",
    "goal_list_message",
    "tree_message",
    "update_recorded_message",
]

LIST_HINT = "narrow the list with /goal list UNIT"
TREE_HINT = "narrow the tree with /goal tree UNIT"
EMPTY_LIST = (
    "No goals here yet. Create one with `/goal new`, or look wider with `/goal list company`."
)
EMPTY_TREE = "No goals in this tree yet. Start at the top with `/goal new`."
FOCUS_LIMIT = 3
_RANK_WORDS = {0: "🔴 {} off track", 1: "🟡 {} at risk", 2: "⏸ {} stale"}


def goal_list_message(title: str, goals: Sequence[GoalSummary]) -> Message:
    """One section per goal, exceptions first, cut to fit with "…and N more"."""
    if not goals:
        return Message(text=f"{title}: no goals yet.", blocks=[header(title), section(EMPTY_LIST)])
    summary = list_summary(goals)
    head = [header(title), context(summary)]
    body = [section(goal_section_text(goal)) for goal in exceptions_first(goals)]
    blocks = head + fit(body, MESSAGE_BLOCKS - len(head), more_factory(LIST_HINT))
    return Message(text=truncate(f"{title}: {summary}", 3000), blocks=blocks)


def list_summary(goals: Sequence[GoalSummary]) -> str:
    """``12 goals · 🔴 2 off track · 🟡 1 at risk · ⏸ 3 stale``."""
    ranks = Counter(exception_rank(goal) for goal in goals)
    counts = [word.format(ranks[rank]) for rank, word in _RANK_WORDS.items() if ranks[rank]]
    return " · ".join([plural(len(goals), "goal"), *counts])


def tree_message(rows: Sequence[tuple[int, GoalSummary]], title: str) -> Message:
    """The cascade as indented lines with rolled-up progress, several lines per section."""
    if not rows:
        return Message(text=f"{title}: no goals yet.", blocks=[header(title), section(EMPTY_TREE)])
    lines = [tree_line(depth, goal) for depth, goal in rows]
    blocks = [header(title), *pack_lines(lines, max_blocks=MESSAGE_BLOCKS - 1, hint=TREE_HINT)]
    return Message(text=f"{title}: {plural(len(rows), 'goal')}", blocks=blocks)


def goal_created_message(created: CreatedGoal) -> Message:
    """The new goal's id and title, and SMART coaching when it lacks a metric or date."""
    goal = created.goal
    done = f"✅ Created *{created.label}* {escape(goal.title)} for {escape(goal.period)}."
    blocks = [section(done)]
    if created.coaching:
        tips = "\n".join(f"• {escape_keep_refs(tip)}" for tip in created.coaching)
        blocks.append(section(f"💡 *How will we know?*\n{tips}"))
    blocks.append(context(f"See it with `/goal show {created.label}`."))
    return Message(text=truncate(f"Created {created.label}: {goal.title}", 3000), blocks=blocks)


def csf_list_message(
    unit_name: str, period: str, csfs: Sequence[Csf], warning: str | None = None
) -> Message:
    """A unit's CSFs for a period, ranked; more than 3 flagged, none explained."""
    title = f"Critical success factors · {unit_name} · {period}"
    blocks = [header(title)]
    if warning:
        blocks.append(section(f"⚠️ {escape_keep_refs(warning)}"))
    if not csfs:
        blocks.append(section("No CSFs yet — add 2 or 3 with `/goal csf add UNIT TITLE`."))
        return Message(text=f"{title}: no CSFs yet.", blocks=blocks)
    lines = [_csf_line(csf) for csf in sorted(csfs, key=lambda csf: csf.rank)]
    blocks.extend(pack_lines(lines, max_blocks=MESSAGE_BLOCKS - len(blocks) - 1))
    if len(csfs) > FOCUS_LIMIT:
        blocks.append(context(_focus_warning(len(csfs))))
    return Message(text=f"{title}: {plural(len(csfs), 'CSF')}", blocks=blocks)


def _csf_line(csf: Csf) -> str:
    kpi = f" — KPI: {escape(csf.kpi)}" if csf.kpi else ""
    return f"*{csf.rank}.* {escape(csf.title)}{kpi}"


def _focus_warning(count: int) -> str:
    return (
        f"⚠️ {count} CSFs: a unit does 2 or 3 things extremely well, not {count}. "
        "Consider folding some together or removing the lowest with `/goal csf remove`."
    )


def goal_closed_message(closed: ClosedGoal) -> Message:
    """A goal closed with its outcome and, when carried over, where it went."""
    goal = closed.goal
    outcome = goal.status.value.replace("_", " ")
    text = f"Closed G-{goal.number} {goal.title} as {outcome}."
    blocks = [section(f"✅ Closed *G-{goal.number}* {escape(goal.title)} as *{outcome}*.")]
    if closed.carried_to is not None:
        copy = closed.carried_to
        blocks.append(context(f"Carried over as *G-{copy.number}* for {escape(copy.period)}."))
    return Message(text=truncate(text, 3000), blocks=blocks)


def update_recorded_message(
    label: str, recorded: RecordedUpdate, *, metric_unit: str | None = None
) -> Message:
    """What a progress update recorded, with the goal's progress after it."""
    update = recorded.update
    parts = [quantity(update.value, metric_unit) if update.value is not None else "no new value"]
    if update.health is not None:
        parts.append(health_badge(update.health))
    if recorded.progress is not None:
        parts.append(f"progress {percent(recorded.progress)}")
    verb = "Already recorded" if recorded.duplicate else "Recorded"
    shown = f"✅ {verb} on *{escape(label)}*: {' · '.join(parts)}"
    return Message(text=truncate(f"{verb} on {label}", 3000), blocks=[section(shown)])
