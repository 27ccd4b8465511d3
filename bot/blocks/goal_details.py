"""``/goal show``: one goal with its metric, progress, alignment, sub-goals and updates."""

from __future__ import annotations

from bot.blocks.kit import Block, context, fields_section, header, more_factory, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS, fit, truncate
from bot.blocks.lines import compact_line
from bot.blocks.message import Message
from bot.blocks.text import (
    BLOCKER,
    STALE,
    escape,
    health_badge,
    mention,
    percent,
    progress_bar,
    quantity,
    slack_date,
)
from bot.domain.goals import GoalDetails
from storage.models import Goal, GoalUpdate, UpdateSource

CHILDREN_SHOWN = 15
UPDATES_SHOWN = 5
NOTE_SHOWN = 500
PARENT_TITLE = 60
PARENT_SEPARATOR = " \u203a "  # a single right-pointing angle quote
SOURCES = {
    UpdateSource.BUTTON: "check-in button",
    UpdateSource.MODAL: "check-in form",
    UpdateSource.TYPED: "typed reply",
    UpdateSource.COMMAND: "/goal update",
    UpdateSource.IMPORT: "import",
}


def goal_details_message(details: GoalDetails) -> Message:
    """Header, key facts as fields, description, alignment, sub-goals and recent updates."""
    goal = details.goal
    blocks = [header(f"{details.label} {goal.title}"), fields_section(_fields(details))]
    if goal.description.strip():
        blocks.append(section(escape(goal.description)))
    blocks.append(context(_alignment(details)))
    blocks.extend(_children(details))
    blocks.extend(_updates(details))
    text = f"{details.label} {goal.title}: {progress_bar(details.progress)}, {_health(details)}"
    return Message(text=truncate(text, 3000), blocks=fit(blocks, MESSAGE_BLOCKS, more_factory()))


def _fields(details: GoalDetails) -> list[str]:
    goal, csf = details.goal, details.csf
    fields = [
        f"*Owner*\n{mention(details.owner.slack_user_id)}",
        f"*Unit*\n{escape(details.unit.name)}",
        f"*Period*\n{escape(goal.period)}",
        f"*Status*\n{goal.status.value.replace('_', ' ')}",
        f"*CSF*\n{f'#{csf.rank} {escape(csf.title)}' if csf is not None else '—'}",
        f"*Metric*\n{_metric(goal)}",
        f"*Due*\n{goal.due_date.isoformat() if goal.due_date else '—'}",
        f"*Progress*\n{_progress(details)}",
        f"*Health*\n{_health(details)}",
    ]
    if details.children and details.rolled_up is not None:
        fields.append(f"*Rolled up*\n{progress_bar(details.rolled_up)} over sub-goals")
    return fields


def _metric(goal: Goal) -> str:
    if goal.metric_name is None and goal.baseline is None and goal.target is None:
        return "none yet: how will we know?"
    name = escape(goal.metric_name or "metric")
    baseline = quantity(goal.baseline, goal.metric_unit)
    target = quantity(goal.target, goal.metric_unit)
    return f"{name}: {baseline} → {target} ({goal.direction.value})"


def _progress(details: GoalDetails) -> str:
    if details.progress is None:
        return "not measurable yet"
    return f"{progress_bar(details.progress)} (expected {percent(details.expected)})"


def _health(details: GoalDetails) -> str:
    computed = details.health
    if computed.stale:
        return STALE
    reported = details.updates[0].health if details.updates else None
    if reported is None or computed.health is None or reported is computed.health:
        return health_badge(reported or computed.health)
    return f"{health_badge(reported)} (numbers: {health_badge(computed.health)})"


def _alignment(details: GoalDetails) -> str:
    if details.parents:
        chain = PARENT_SEPARATOR.join(
            f"*G-{parent.number}* {escape(truncate(parent.title, PARENT_TITLE))}"
            for parent in details.parents
        )
        return f"Aligns to {chain}"
    if details.unit.parent_id is None:
        return "A top-level goal of the company."
    return f"Not aligned yet: `/goal align {details.label} to G-…` shows what it serves."


def _children(details: GoalDetails) -> list[Block]:
    if not details.children:
        return []
    lines = [compact_line(child) for child in details.children]
    heading = section(f"*Sub-goals ({len(lines)})*")
    more = pack_lines(lines, max_blocks=3, hint="see /goal tree", max_lines=CHILDREN_SHOWN)
    return [heading, *more]


def _updates(details: GoalDetails) -> list[Block]:
    if not details.updates:
        hint = f"No updates yet. Record one with `/goal update {details.label} VALUE`."
        return [context(hint)]
    shown = details.updates[:UPDATES_SHOWN]
    blocks = [section("*Recent updates*")]
    blocks.extend(section(_update_text(details, update)) for update in shown)
    return blocks


def _update_text(details: GoalDetails, update: GoalUpdate) -> str:
    parts = [slack_date(update.created_at)]
    parts.append("no change" if update.no_change else f"*{_value(details.goal, update)}*")
    if update.health is not None:
        parts.append(health_badge(update.health))
    if update.confidence is not None:
        parts.append(f"confidence {update.confidence}/10")
    if update.blocker:
        parts.append(f"{BLOCKER} blocker")
    parts.append(_author(details, update))
    return " · ".join(parts) + _quote(update.note)


def _quote(note: str) -> str:
    lines = escape(truncate(note.strip(), NOTE_SHOWN)).splitlines()
    return "".join(f"\n>{line}" for line in lines)


def _value(goal: Goal, update: GoalUpdate) -> str:
    return quantity(update.value, goal.metric_unit) if update.value is not None else "—"


def _author(details: GoalDetails, update: GoalUpdate) -> str:
    source = SOURCES.get(update.source, update.source.value)
    if update.author_id is not None and update.author_id == details.owner.id:
        return f"by {mention(details.owner.slack_user_id)} via {source}"
    return f"via {source}"
