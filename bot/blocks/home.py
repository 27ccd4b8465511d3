"""The App Home tab: my goals, my pending check-in, and for leads their units' goals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.blocks import ids
from bot.blocks.goals import list_summary
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    more_factory,
    pack_lines,
    section,
)
from bot.blocks.limits import VIEW_BLOCKS, fit
from bot.blocks.lines import compact_line, goal_section_text
from bot.blocks.text import escape, exceptions_first, plural
from bot.domain.goals import GoalSummary

MY_GOALS_SHOWN = 30
UNIT_GOALS_SHOWN = 10
UNIT_BLOCKS = 2  # sections of goal lines per unit
NO_GOALS = (
    "You don't own any goals yet. Press *New goal* to write one, "
    "or ask your lead which goal of the team you could own."
)
NO_UNIT_GOALS = "No goals yet: cascade the unit's goals with *New goal* or `/goal new`."


def home_view(
    *,
    my_goals: Sequence[GoalSummary],
    pending_checkin: bool,
    led_units: Sequence[tuple[str, Sequence[GoalSummary]]] = (),
    is_away_until: date | None = None,
) -> dict[str, Any]:
    """The Home tab; never more than 100 blocks (long lists end with "…and N more")."""
    blocks = _top(pending_checkin, is_away_until)
    blocks.extend(_my_goals(my_goals))
    if led_units:
        blocks.extend([divider(), header("Your units")])
        blocks.extend(_units(led_units, VIEW_BLOCKS - len(blocks)))
    return {"type": "home", "blocks": fit(blocks, VIEW_BLOCKS, more_factory())}


def _top(pending_checkin: bool, away_until: date | None) -> list[Block]:
    blocks = [header("Your goals")]
    if away_until is not None:
        away = f"🌴 You're away until {away_until.isoformat()}: no check-ins until then."
        blocks.append(context(f"{away} Back early? `/goal resume`."))
    buttons = [button("New goal", ids.HOME_NEW_GOAL)]
    if pending_checkin:
        blocks.append(section("📝 Your check-in is waiting: it takes 30 seconds."))
        buttons.insert(0, button("Check in now", ids.OPEN_CHECKIN, style="primary"))
    blocks.append(actions(ids.HOME_ACTIONS, buttons))
    return blocks


def _my_goals(goals: Sequence[GoalSummary]) -> list[Block]:
    if not goals:
        return [section(NO_GOALS)]
    summary = context(list_summary(goals))
    body = [section(goal_section_text(goal, owner=False)) for goal in goals]
    return [summary, *fit(body, MY_GOALS_SHOWN, more_factory("see /goal list mine"))]


def _units(units: Sequence[tuple[str, Sequence[GoalSummary]]], budget: int) -> list[Block]:
    blocks: list[Block] = []
    for index, (name, goals) in enumerate(units):
        unit_blocks = _unit(name, goals)
        if len(blocks) + len(unit_blocks) > budget - 1:
            left = len(units) - index
            blocks.append(context(f"…and {plural(left, 'more unit')} (see /goal list UNIT)"))
            break
        blocks.extend(unit_blocks)
    return blocks


def _unit(name: str, goals: Sequence[GoalSummary]) -> list[Block]:
    if not goals:
        return [section(f"*{escape(name)}*\n{NO_UNIT_GOALS}")]
    title = section(f"*{escape(name)}* · {list_summary(goals)}")
    lines = [compact_line(goal) for goal in exceptions_first(goals)]
    hint = "see /goal list UNIT"
    more = pack_lines(lines, max_blocks=UNIT_BLOCKS, hint=hint, max_lines=UNIT_GOALS_SHOWN)
    return [title, *more]
