"""The lines of a weekly digest: a goal, an exception, a CSF, a mover, the headline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.blocks.limits import truncate
from bot.blocks.text import (
    BLOCKER,
    NO_UPDATE,
    STALE,
    escape,
    health_badge,
    mention,
    percent,
    plural,
    progress_bar,
    slack_date,
)
from bot.domain.digest import (
    CsfStatus,
    ExceptionItem,
    ExceptionKind,
    GoalLine,
    Headline,
    Mover,
    Standing,
)
from storage.repositories.digest_details import GoalLabel, PersonLabel

TITLE = 90
NOTE = 120
UNIT = 60
KIND_TITLES = {
    ExceptionKind.OFF_TRACK: "🔴 Off track",
    ExceptionKind.AT_RISK: "🟡 At risk",
    ExceptionKind.STALE: "⏸ Stale: no update for two cycles",
    ExceptionKind.CONFIDENCE: "📉 Confidence dropped by 2 or more",
    ExceptionKind.BLOCKED: f"{BLOCKER} Blocked for more than 7 days",
}
STANDING_WORDS = (
    (Standing.ON_TRACK, "🟢", "on track"),
    (Standing.AT_RISK, "🟡", "at risk"),
    (Standing.OFF_TRACK, "🔴", "off track"),
    (Standing.STALE, "⏸", "stale"),
    (Standing.NO_DATA, "⚪", "no update yet"),
)


def health_text(line: GoalLine) -> str:
    """Stale or no update; else the health, and both when the owner and the numbers disagree."""
    if not line.has_update:
        return f"{STALE} since the period began" if line.stale else NO_UPDATE
    if line.stale:
        return STALE
    reported, computed = line.reported, line.computed
    if reported is not None and computed is not None and reported is not computed:
        return f"owner says {health_badge(reported)}, numbers say {health_badge(computed)}"
    return health_badge(reported or computed)


def goal_ref(line: GoalLine, labels: Mapping[int, GoalLabel]) -> str:
    """``*G-12* Title · @owner · Unit`` (a goal the labels miss is named by id)."""
    label = labels.get(line.goal_id)
    if label is None:
        return f"goal #{line.goal_id}"
    title = escape(truncate(label.title, TITLE))
    unit = escape(truncate(label.unit_name, UNIT))
    return f"*G-{label.number}* {title} · {mention(label.owner_slack_id)} · {unit}"


def progress_text(line: GoalLine) -> str:
    """``▓▓▓░░░░░░░ 34% (expected 41%)``; ``no metric`` when not measurable."""
    if line.progress is None:
        return progress_bar(None)
    expected = f" (expected {percent(line.expected)})" if line.expected is not None else ""
    return f"{progress_bar(line.progress)}{expected}"


def goal_line(line: GoalLine, labels: Mapping[int, GoalLabel]) -> str:
    """A goal with its owner, unit, progress and health."""
    return f"{goal_ref(line, labels)} · {progress_text(line)} · {health_text(line)}"


def exception_line(
    kind: ExceptionKind, item: ExceptionItem, labels: Mapping[int, GoalLabel]
) -> str:
    """One exception: the goal, and what makes it one."""
    text = goal_line(item.goal, labels)
    label = labels.get(item.goal.goal_id)
    if kind is ExceptionKind.STALE:
        last = label.last_update_at if label is not None else None
        text += f" · last update {slack_date(last)}" if last else ""
    elif kind is ExceptionKind.CONFIDENCE and item.confidence is not None:
        before, now = item.confidence
        text += f" · confidence {before} → {now}"
    elif kind is ExceptionKind.BLOCKED and label is not None and label.blocked_since:
        text += f" · {BLOCKER} blocked since {slack_date(label.blocked_since)}"
        if label.note:
            text += f": _{escape(truncate(label.note, NOTE))}_"
    return text


def mover_line(mover: Mover, labels: Mapping[int, GoalLabel]) -> str:
    """``▲ +18 pts *G-12* Title · @owner · Unit (23% → 41%)``."""
    points = round(mover.change * 100)
    arrow = "▲" if points > 0 else "▼"
    moved = f"{percent(mover.before)} → {percent(mover.after)}"
    return f"{arrow} {points:+d} pts {goal_ref(mover.goal, labels)} ({moved})"


def csf_line(csf: CsfStatus, quarterly: str) -> str:
    """``1. Build pipeline · ▓▓░░ 23% · 2 goals`` (the period named when it is the year's)."""
    period = f" ({csf.period})" if csf.period != quarterly else ""
    served = plural(csf.goals, "goal") if csf.goals else "no goal serves it yet"
    title = escape(truncate(csf.title, TITLE))
    return f"{csf.rank}. {title}{period} · {progress_bar(csf.progress)} · {served}"


def people_line(ids: Sequence[int], total: int, people: Mapping[int, PersonLabel]) -> str:
    """Mentions of people, ``…and N more`` when the list was cut."""
    names = [
        mention(people[pid].slack_user_id) if pid in people else f"person #{pid}" for pid in ids
    ]
    more = total - len(ids)
    return ", ".join(names) + (f" …and {more} more" if more > 0 else "")


def headline_lines(headline: Headline, cycle: str) -> list[str]:
    """% to objective, goals by standing, and participation this cycle and last."""
    counts = " · ".join(
        f"{icon} {headline.standings.get(standing, 0)} {word}"
        for standing, icon, word in STANDING_WORDS
    )
    this = _share(headline.answered, headline.expected_answers)
    last = _share(headline.answered_before, headline.expected_before)
    return [
        f"{_objective(headline)} across {plural(headline.goals, 'active goal')}",
        counts,
        f"📝 Owners who updated a goal: this {cycle} {this}; last {cycle} {last}",
    ]


def _objective(headline: Headline) -> str:
    if headline.progress is None:
        return "No measurable progress yet"
    text = f"*{percent(headline.progress)}* to objective"
    if headline.expected is not None:
        text += f" (expected by now: {percent(headline.expected)})"
    return text


def _share(answered: int, asked: int) -> str:
    if asked == 0:
        return "nobody was asked"
    return f"{answered} of {plural(asked, 'owner')} ({percent(answered / asked)})"


def summary_text(scope: str, week_key: str, headline: Headline) -> str:
    """The message's text fallback: the headline in one sentence."""
    counts = ", ".join(
        f"{headline.standings.get(standing, 0)} {word}" for standing, _, word in STANDING_WORDS[:4]
    )
    progress = (
        f"{percent(headline.progress)} to objective"
        if headline.progress is not None
        else "no measurable progress"
    )
    return (
        f"Weekly digest of {scope}, {week_key}: {progress}; {counts}; "
        f"{headline.answered} of {headline.expected_answers} owners checked in."
    )
