"""The review thread's opening message: a unit's scorecard, its diagnosis and the Rate button.

The scorecard is a snapshot (``bot.domain.review.Scorecard``); the ratings line is the only part
that changes, when the message is updated after each rating. Goals are listed open ones first,
exceptions first, at most ``GOAL_LINES``; the rest are counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks import ids
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    fields_section,
    header,
    pack_lines,
    section,
)
from bot.blocks.limits import MESSAGE_BLOCKS, truncate
from bot.blocks.message import Message
from bot.blocks.text import escape, mention, percent, plural, progress_bar
from bot.domain.review import CsfOutcome, GoalCounts, GoalLine, RatingSummary, Rhythm, Scorecard

GOAL_LINES = 30
TITLE_IN_LINE = 80
FALLBACK_TEXT = 3000
CSF_FOCUS = 3
ICONS = {
    "achieved": "✅",
    "missed": "❌",
    "carried_over": "➡️",
    "dropped": "🗑",
    "on_track": "🟢",
    "at_risk": "🟡",
    "off_track": "🔴",
    "stale": "⏸",
    "none": "⚪",
}
_RANK = {"off_track": 0, "at_risk": 1, "stale": 2}
OPEN = frozenset({"active", "draft"})
NOT_MEASURED = "not measured yet"
HOW_TO = (
    "Rate the quarter with the button: quality of strategy and of execution (1-10), what "
    "worked, what to change. Replies in this thread are kept with the review. Owners of open "
    "goals get a DM to close them: achieved, missed or carried over."
)


def review_message(
    scorecard: Scorecard, *, review_id: int, ratings: RatingSummary | None = None
) -> Message:
    """The scorecard as the review thread's parent message, with a text fallback."""
    blocks: list[Block] = [
        header(f"📋 Quarterly review · {scorecard.unit_name} · {scorecard.period}"),
        fields_section(_fields(scorecard, ratings or RatingSummary())),
        section(f"🧭 *Diagnosis:* {escape(scorecard.diagnosis.text)}"),
        section(_csf_text(scorecard.csfs)),
    ]
    tail = [context(HOW_TO), _rate_button(review_id)]
    budget = MESSAGE_BLOCKS - len(blocks) - len(tail)
    blocks.extend(_goal_blocks(scorecard.goals, scorecard.unit_key, budget))
    return Message(text=_fallback(scorecard), blocks=[*blocks, *tail])


def _fields(scorecard: Scorecard, ratings: RatingSummary) -> list[str]:
    return [
        f"*% to objective*\n{_objective(scorecard)}",
        f"*Goals*\n{goal_counts_text(scorecard.counts)}",
        f"*Rhythm*\n{rhythm_text(scorecard.rhythm)}",
        f"*Ratings*\n{ratings_text(ratings)}",
    ]


def _objective(scorecard: Scorecard) -> str:
    if scorecard.progress is None:
        return "no measurable goal"
    expected = scorecard.expected if scorecard.expected is not None else 0.0
    return f"{progress_bar(scorecard.progress)} (expected {percent(expected)})"


def goal_counts_text(counts: GoalCounts) -> str:
    """``✅ 2 achieved · ❌ 1 missed · ⏳ 4 open`` (carried over and dropped when any)."""
    parts = [
        f"✅ {counts.achieved} achieved",
        f"❌ {counts.missed} missed",
        f"⏳ {counts.open} open",
    ]
    if counts.carried_over:
        parts.append(f"➡️ {counts.carried_over} carried over")
    if counts.dropped:
        parts.append(f"🗑 {counts.dropped} dropped")
    return " · ".join(parts)


def rhythm_text(rhythm: Rhythm) -> str:
    """``84% of check-ins answered (42 of 50, 7 people)``."""
    share = rhythm.participation
    if share is None:
        return f"no check-ins answered or missed yet ({plural(rhythm.people, 'person', 'people')})"
    people = plural(rhythm.people, "person", "people")
    return f"{percent(share)} of check-ins answered ({rhythm.answered} of {rhythm.asked}, {people})"


def ratings_text(ratings: RatingSummary) -> str:
    """``2 ratings · strategy 7.5 · execution 6 · 3 replies``."""
    if not ratings.ratings:
        parts = ["none yet: use *Rate this quarter*"]
    else:
        parts = [
            plural(ratings.ratings, "rating"),
            f"strategy {_mean(ratings.strategy)}",
            f"execution {_mean(ratings.execution)}",
        ]
    if ratings.replies:
        parts.append(plural(ratings.replies, "reply", "replies"))
    return " · ".join(parts)


def _mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")


def _csf_text(csfs: Sequence[CsfOutcome]) -> str:
    lines = ["*Critical success factors*"]
    lines += [_csf_line(csf) for csf in csfs]
    if not csfs:
        lines.append("⚠️ No CSFs named for this quarter.")
    elif len(csfs) > CSF_FOCUS:
        lines.append(f"⚠️ {len(csfs)} CSFs: more than {CSF_FOCUS} splits the focus.")
    return "\n".join(lines)


def _csf_line(csf: CsfOutcome) -> str:
    title = escape(truncate(csf.title, TITLE_IN_LINE))
    progress = "" if csf.progress is None else f" · {progress_bar(csf.progress)}"
    goals = f" ({plural(csf.goals, 'goal')})" if csf.goals else ""
    return f"{csf.rank}. {title} — *{csf.outcome}*{progress}{goals}"


def _goal_blocks(goals: Sequence[GoalLine], unit_key: str, budget: int) -> list[Block]:
    if not goals:
        return [section("This unit has no goals in this review.")]
    ordered = sorted(goals, key=_goal_order)
    lines = [goal_line(goal) for goal in ordered]
    hint = f"`/goal list {unit_key}` shows them all"
    return pack_lines(lines, max_blocks=budget, hint=hint, max_lines=GOAL_LINES)


def _goal_order(goal: GoalLine) -> tuple[int, int, int]:
    is_open = goal.status in OPEN
    return (0 if is_open else 1, _RANK.get(goal.health, 3) if is_open else 3, goal.number)


def goal_line(goal: GoalLine) -> str:
    """``🔴 *G-12* Win 20 logos · @owner · ▓▓░░ 20%`` (closed goals show how they ended)."""
    icon = ICONS.get(goal.health if goal.status in OPEN else goal.status, "⚪")
    title = escape(truncate(goal.title, TITLE_IN_LINE))
    ended = "" if goal.status in OPEN else f" · {goal.status.replace('_', ' ')}"
    return (
        f"{icon} *G-{goal.number}* {title} · {mention(goal.owner_slack_id)} · "
        f"{progress_text(goal.progress)}{ended}"
    )


def progress_text(share: float | None) -> str:
    """A progress bar, or ``not measured yet`` (no metric, or no value reported)."""
    return NOT_MEASURED if share is None else progress_bar(share)


def _rate_button(review_id: int) -> Block:
    rate = button("⭐ Rate this quarter", ids.REVIEW_RATE, value=str(review_id), style="primary")
    return actions(ids.REVIEW_ACTIONS, [rate])


def _fallback(scorecard: Scorecard) -> str:
    counts = scorecard.counts
    objective = (
        "no measurable goal"
        if scorecard.progress is None
        else (f"{percent(scorecard.progress)} to objective")
    )
    share = scorecard.rhythm.participation
    rhythm = "no check-ins yet" if share is None else f"{percent(share)} of check-ins answered"
    text = (
        f"Quarterly review of {scorecard.unit_name}, {scorecard.period}: {objective}; "
        f"{counts.achieved} achieved, {counts.missed} missed, {counts.open} open; {rhythm}. "
        f"{scorecard.diagnosis.text}"
    )
    return truncate(text, FALLBACK_TEXT)
