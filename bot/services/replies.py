"""Typed check-in replies turned into progress updates, or a question when ambiguous."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.errors import GoalbotError
from bot.domain.goals import GoalSummary
from bot.parsing.reply import TypedLine, parse_typed_reply
from bot.services.goal_updates import UpdateEntry
from bot.services.goals import GoalService
from storage.models import UpdateSource


@dataclass
class ReplyOutcome:
    """What a typed reply recorded, what it could not, and lines that need a goal picked."""

    recorded: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ambiguous: list[tuple[str, TypedLine]] = field(default_factory=list)  # (dedup key, line)
    choices: list[GoalSummary] = field(default_factory=list)
    answered_checkin: int | None = None  # the open check-in these updates answered


class ReplyService:
    """Records typed replies from goal owners."""

    def __init__(self, goals: GoalService) -> None:
        self._goals = goals

    def apply(self, *, team_id: str, actor_id: str, text: str, message_key: str) -> ReplyOutcome:
        """Record each line of a DM; ``message_key`` makes a redelivered message a no-op."""
        open_goals = self._goals.list_for(team_id=team_id, owner_slack_id=actor_id)
        units = {goal.number: goal.metric_unit for goal in open_goals}
        only = open_goals[0].metric_unit if len(open_goals) == 1 else None
        reply = parse_typed_reply(text, units=units, default_unit=only)
        outcome = ReplyOutcome(problems=list(reply.problems))
        lines: list[tuple[int, TypedLine, str]] = []
        for index, line in enumerate(reply.lines):
            key = f"msg:{message_key}:{index}"
            number = line.goal
            if number is None and len(open_goals) == 1:
                number = open_goals[0].number
            if number is None:
                outcome.ambiguous.append((key, line))
            else:
                lines.append((number, line, key))
        self._record(team_id, actor_id, lines, outcome)
        if outcome.ambiguous:
            outcome.choices.extend(open_goals)
        if not open_goals and outcome.ambiguous:
            outcome.problems.append("You own no open goals, so there is nothing to update.")
            outcome.ambiguous.clear()
        return outcome

    def apply_line(
        self, *, team_id: str, actor_id: str, goal_number: int, line: TypedLine, key: str
    ) -> ReplyOutcome:
        """Record one line for a goal the owner picked."""
        outcome = ReplyOutcome()
        self._record(team_id, actor_id, [(goal_number, line, key)], outcome)
        return outcome

    def _record(
        self,
        team_id: str,
        actor_id: str,
        lines: list[tuple[int, TypedLine, str]],
        outcome: ReplyOutcome,
    ) -> None:
        """Record every line in one unit of work (a reply is applied whole, or not at all)."""
        if not lines:
            return
        entries = [(number, _entry(line, key)) for number, line, key in lines]
        results = self._goals.record_all(team_id=team_id, actor_id=actor_id, entries=entries)
        for (number, line, _), result in zip(lines, results, strict=True):
            if isinstance(result, GoalbotError):
                outcome.problems.append(result.message)
                continue
            if result.answered_checkin is not None:
                outcome.answered_checkin = result.answered_checkin
            health = f", {line.health.value.replace('_', ' ')}" if line.health else ""
            progress = "" if result.progress is None else f" ({result.progress:.0%})"
            outcome.recorded.append((f"G-{number}", f"{line.value:g}{health}{progress}"))


def _entry(line: TypedLine, key: str) -> UpdateEntry:
    return UpdateEntry(
        value=line.value,
        health=line.health,
        note=line.note,
        blocker=line.blocker,
        source=UpdateSource.TYPED,
        dedup_key=key,
    )
