"""How goalbot writes things in mrkdwn: escaping, numbers, progress bars, health, dates."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from bot.domain.goals import GoalSummary
from storage.models import Health

BAR_WIDTH = 10
HEALTH_EMOJI = {Health.ON_TRACK: "🟢", Health.AT_RISK: "🟡", Health.OFF_TRACK: "🔴"}
NO_UPDATE = "⚪ no update"
STALE = "⏸ stale"
BLOCKER = "⛔"
_REF = re.compile(r"<(?:@[UWB][A-Z0-9]+|#[CGD][A-Z0-9]+)(?:\|[^<>]*)?>")


def escape(text: str) -> str:
    """User text made safe for mrkdwn: ``&``, ``<`` and ``>`` become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_keep_refs(text: str) -> str:
    """Like ``escape`` but keeps user and channel references (``<@U1>``, ``<#C1|x>``) working."""
    parts: list[str] = []
    last = 0
    for match in _REF.finditer(text):
        parts.extend((escape(text[last : match.start()]), match[0]))
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def mention(slack_user_id: str) -> str:
    """A user mention: ``<@U123>``."""
    return f"<@{slack_user_id}>"


def number(value: float) -> str:
    """``1200.0`` → ``1,200``; ``12.345`` → ``12.35``; infinities and NaN as words."""
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def exact_number(value: float) -> str:
    """A value as typed back into an input: no grouping, no rounding (``12.345``, ``1200``)."""
    if float(value).is_integer() and abs(value) < 1e18:
        return str(int(value))
    text = repr(float(value))
    return text if "e" not in text else f"{value:.20f}".rstrip("0").rstrip(".")


def quantity(value: float | None, unit: str | None) -> str:
    """A value with its unit of measure (escaped): ``42 customers``, ``12.5%``; ``—`` when None."""
    if value is None:
        return "—"
    if not unit:
        return number(value)
    separator = "" if unit in {"%", "‰"} else " "
    return f"{number(value)}{separator}{escape(unit)}"


def percent(share: float) -> str:
    """``0.423`` → ``42%``."""
    return f"{round(share * 100)}%"


def progress_bar(share: float | None) -> str:
    """``▓▓▓▓░░░░░░ 42%``; ``no metric`` when progress is not measurable."""
    if share is None:
        return "no metric"
    clamped = min(1.0, max(0.0, share))
    filled = round(clamped * BAR_WIDTH)
    return f"{'▓' * filled}{'░' * (BAR_WIDTH - filled)} {percent(clamped)}"


def health_word(health: Health) -> str:
    """``on_track`` → ``on track``."""
    return health.value.replace("_", " ")


def health_badge(health: Health | None) -> str:
    """``🟢 on track``; ``⚪ no update`` for None."""
    return NO_UPDATE if health is None else f"{HEALTH_EMOJI[health]} {health_word(health)}"


def summary_health(goal: GoalSummary) -> str:
    """A goal's health as shown: stale or no update first, reported and computed when they
    disagree (``🟢 on track (numbers: 🔴 off track)``)."""
    if goal.last_update_at is None:
        return NO_UPDATE
    if goal.stale:
        return STALE
    reported, computed = goal.reported_health, goal.computed_health
    if reported is None or computed is None or reported is computed:
        return health_badge(reported or computed)
    return f"{health_badge(reported)} (numbers: {health_badge(computed)})"


def exception_rank(goal: GoalSummary) -> int:
    """0 off track, 1 at risk, 2 stale, 3 everything else (reported or computed, the worse)."""
    healths = {goal.reported_health, goal.computed_health}
    if Health.OFF_TRACK in healths:
        return 0
    if Health.AT_RISK in healths:
        return 1
    return 2 if goal.stale else 3


def exceptions_first(goals: Sequence[GoalSummary]) -> list[GoalSummary]:
    """Off track, then at risk, then stale, then the rest; otherwise in the given order."""
    return sorted(goals, key=exception_rank)


def shown_progress(goal: GoalSummary) -> float | None:
    """A goal's own progress, else its rolled-up progress."""
    return goal.progress if goal.progress is not None else goal.rolled_up


def slack_date(moment: datetime) -> str:
    """A date Slack shows in the reader's own time zone, with an ISO (UTC) fallback."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    fallback = aware.astimezone(UTC).date().isoformat()
    return f"<!date^{int(aware.timestamp())}^{{date_short}}|{fallback}>"


def day(value: date | None) -> str:
    """An ISO date, or ``—``."""
    return value.isoformat() if value is not None else "—"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 goal``, ``3 goals``."""
    return f"{count} {word if count == 1 else (words or word + 's')}"
