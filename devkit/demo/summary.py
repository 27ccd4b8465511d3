"""The demo's closing summary: what the quarter sent, what people answered, what was posted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from devkit.demo.personas import How
from devkit.demo.play import HOW_WORDS, WeekStats
from devkit.demo.review import ReviewStats


def summary_lines(weeks: Sequence[WeekStats], review: ReviewStats) -> list[str]:
    """A few lines: check-ins sent and answered, follow-ups, digests, the review, problems."""
    answers: Counter[How] = Counter()
    for week in weeks:
        answers.update(week.answers)
    ways = ", ".join(f"{n} {HOW_WORDS[how]}" for how, n in sorted(answers.items()))
    problems = [p for w in weeks for p in w.problems] + review.problems
    opened = "started with /goal review start" if review.started_by_command else "opened by the bot"
    return [
        f"Check-ins: {sum(w.checkins for w in weeks)} sent at each owner's local time, "
        f"{sum(answers.values())} answered ({ways}).",
        f"Follow-ups: {sum(w.reminders for w in weeks)} reminders, "
        f"{sum(w.missed for w in weeks)} missed, "
        f"{sum(w.escalations for w in weeks)} escalated to a lead.",
        f"Digests: {sum(w.digests for w in weeks)} posted to #leadership.",
        f"Review: {review.threads} unit threads ({opened}), {review.ratings} ratings, "
        f"{review.replies} thread replies, {sum(w.closed for w in weeks)} goals closed.",
        f"Problems: {len(problems)}" + (f" (first: {problems[0]})" if problems else "."),
    ]
