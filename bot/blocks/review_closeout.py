"""The close-out DM: an owner's goals of a reviewed unit, each with Achieved / Missed / Carry over.

Sent once per owner and review, and replaced in place after every answer: goals still open
keep their buttons (the first ``OPEN_SHOWN``; the rest are counted), closed ones say how they
ended and, when carried over, where they went.
"""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.kit import Block, actions, button, context, pack_lines, section
from bot.blocks.limits import MESSAGE_BLOCKS, truncate
from bot.blocks.message import Message
from bot.blocks.review import progress_text
from bot.blocks.text import escape, plural
from bot.domain.review import CloseoutGoal, CloseoutView
from storage.models import GoalStatus

OPEN_SHOWN = 20  # two blocks each: a section and its buttons
TITLE = 150
ENDED = {
    GoalStatus.ACHIEVED: "✅ achieved",
    GoalStatus.MISSED: "❌ missed",
    GoalStatus.CARRIED_OVER: "➡️ carried over",
    GoalStatus.DROPPED: "🗑 dropped",
}
HINT = "Or close a goal from anywhere with `/goal close G-12 achieved` (or missed)."


def closeout_message(view: CloseoutView) -> Message:
    """The DM asking an owner how each of their goals of the review ended."""
    open_goals = view.open_goals
    blocks = [section(_greeting(view, len(open_goals)))]
    shown = open_goals[:OPEN_SHOWN]
    for goal in shown:
        blocks.extend([section(_open_text(goal)), _buttons(view.review_id, goal)])
    if len(open_goals) > len(shown):
        left = len(open_goals) - len(shown)
        blocks.append(context(f"…and {left} more: answer these first and they will show."))
    closed = [goal for goal in view.goals if goal not in open_goals]
    budget = MESSAGE_BLOCKS - len(blocks) - 1
    blocks.extend(pack_lines([_closed_line(goal) for goal in closed], max_blocks=budget))
    blocks.append(context(HINT))
    return Message(text=_fallback(view, len(open_goals)), blocks=blocks)


def _greeting(view: CloseoutView, still_open: int) -> str:
    where = f" (thread in <#{view.channel_id}>)" if view.channel_id else ""
    review = f"the {view.period} review of *{escape(view.unit_name)}*{where}"
    name = escape(view.owner_name)
    if still_open == 0:
        return f"✅ Thanks, {name}: every goal of {review} is closed."
    goals = plural(still_open, "goal")
    return f"👋 Hi {name}, {review} is open. How did {goals} end? One tap each."


def _open_text(goal: CloseoutGoal) -> str:
    title = escape(truncate(goal.title, TITLE))
    return f"*G-{goal.number}* {title}\n{progress_text(goal.progress)}"


def _buttons(review_id: int, goal: CloseoutGoal) -> Block:
    value = ids.closeout_value(review_id, goal.number)
    return actions(
        ids.closeout_block_id(goal.number),
        [
            button("✅ Achieved", ids.CLOSEOUT_ACHIEVED, value=value, style="primary"),
            button("❌ Missed", ids.CLOSEOUT_MISSED, value=value),
            button("➡️ Carry over", ids.CLOSEOUT_CARRY, value=value),
        ],
    )


def _closed_line(goal: CloseoutGoal) -> str:
    ended = ENDED.get(goal.status, goal.status.value)
    title = escape(truncate(goal.title, TITLE))
    where = ""
    if goal.carried_to is not None:
        where = f" as *G-{goal.carried_to}* in {goal.next_period}"
    return f"{ended}{where}: *G-{goal.number}* {title}"


def _fallback(view: CloseoutView, still_open: int) -> str:
    if still_open == 0:
        return f"Every goal of the {view.period} review of {view.unit_name} is closed."
    return (
        f"The {view.period} review of {view.unit_name} is open: close {plural(still_open, 'goal')}"
        " as achieved, missed or carried over."
    )
