"""What one planning, follow-up or sending pass did, for logs, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rhythm import Plan


@dataclass(frozen=True)
class PlanReport:
    """One planning pass: owners looked at, rows created, owners rescheduled or parked."""

    owners: int = 0
    planned: int = 0
    skipped: int = 0
    moved: int = 0
    parked: int = 0


@dataclass(frozen=True)
class FollowupReport:
    """One follow-up pass: check-ins turned missed, reminder and escalation rows created."""

    missed: int = 0
    reminders: int = 0
    escalations: int = 0


def plan_lines(plan: Plan) -> list[str]:
    """A dry run's plan as lines of text: what would be sent, what would be skipped."""
    lines = [
        f"send  person {row.person_id}  {row.period_key}  due {row.due_at:%Y-%m-%d %H:%M}Z"
        for row in plan.deliveries
    ]
    lines += [
        f"skip  person {row.person_id}  {row.period_key}  ({row.reason})" for row in plan.skipped
    ]
    lines.append(
        f"{len(plan.deliveries)} to send, {len(plan.skipped)} to skip (dry run: nothing sent)"
    )
    return lines
