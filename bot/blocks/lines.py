"""One goal as a line of mrkdwn: in lists, trees, the Home tab and check-ins."""

from __future__ import annotations

from bot.blocks.limits import truncate
from bot.blocks.text import (
    BLOCKER,
    HEALTH_EMOJI,
    escape,
    mention,
    progress_bar,
    quantity,
    shown_progress,
    slack_date,
    summary_health,
)
from bot.domain.goals import GoalSummary

TITLE_IN_SECTION = 200
TITLE_IN_LINE = 90
MAX_INDENT = 8
INDENT = "\u2003"  # an em space: Slack keeps it, unlike leading spaces


def goal_title(goal: GoalSummary, limit: int = TITLE_IN_SECTION) -> str:
    """``*G-12* Win 20 customers`` (title escaped, cut to ``limit``)."""
    return f"*{goal.label}* {escape(truncate(goal.title, limit))}"


def health_icon(goal: GoalSummary) -> str:
    """One or two emoji for a goal's health: ``🟢``, ``🟡/🔴`` when reported and computed differ."""
    if goal.last_update_at is None:
        return "⚪"
    if goal.stale:
        return "⏸"
    shown = [h for h in (goal.reported_health, goal.computed_health) if h is not None]
    icons = dict.fromkeys(HEALTH_EMOJI[h] for h in shown)
    return "/".join(icons) or "⚪"


def freshness(goal: GoalSummary) -> str:
    """``updated <date>`` or ``no update yet``."""
    if goal.last_update_at is None:
        return "no update yet"
    return f"updated {slack_date(goal.last_update_at)}"


def goal_details_line(goal: GoalSummary, *, owner: bool = True, unit: bool = True) -> str:
    """Owner, unit, progress bar, latest value, blocker and freshness, joined by ``·``."""
    parts = [mention(goal.owner_slack_id)] if owner else []
    if unit:
        parts.append(escape(truncate(goal.unit_name, 60)))
    parts.append(progress_bar(shown_progress(goal)))
    if goal.latest_value is not None:
        parts.append(quantity(goal.latest_value, goal.metric_unit))
    if goal.blocker:
        parts.append(f"{BLOCKER} blocked")
    parts.append(freshness(goal))
    return " · ".join(parts)


def goal_section_text(goal: GoalSummary, *, owner: bool = True, unit: bool = True) -> str:
    """Two lines: health, id and title; then the details line."""
    first = f"{summary_health(goal)}  {goal_title(goal)}"
    return f"{first}\n{goal_details_line(goal, owner=owner, unit=unit)}"


def compact_line(goal: GoalSummary, *, owner: bool = True) -> str:
    """One short line: icon, id, title (cut), owner, progress."""
    parts = [f"{health_icon(goal)} {goal_title(goal, TITLE_IN_LINE)}"]
    if owner:
        parts.append(mention(goal.owner_slack_id))
    parts.append(progress_bar(shown_progress(goal)))
    return " · ".join(parts)


def tree_line(depth: int, goal: GoalSummary) -> str:
    """A tree row: indented by depth, with rolled-up progress."""
    indent = INDENT * (2 * min(max(depth, 0), MAX_INDENT))
    arrow = "↳ " if depth > 0 else ""
    rolled = goal.rolled_up if goal.rolled_up is not None else goal.progress
    return (
        f"{indent}{arrow}{health_icon(goal)} {goal_title(goal, TITLE_IN_LINE)}"
        f" · {progress_bar(rolled)} · {mention(goal.owner_slack_id)}"
    )
