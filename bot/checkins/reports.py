"""What one planning, follow-up or sending pass did, for logs, the CLI and tests."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

from bot.rhythm import Plan


class Outcome(enum.StrEnum):
    """What became of one claimed row."""

    SENT = "sent"  # posted now
    FOUND = "found"  # an earlier claim had posted it: recorded, not posted again
    SKIPPED = "skipped"  # too late, or nothing to ask any more
    FAILED = "failed"  # rejected for good, or tried too often
    RETRY = "retry"  # not posted (rate limited or a transient rejection): pending again
    UNSURE = "unsure"  # may have been posted: kept in `sending` to be looked for later
    DEFERRED = "deferred"  # the lease ran short before posting: pending again, untouched
    LOST = "lost"  # another claim took the row over before this one could record it


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


@dataclass
class SendReport:
    """One sending pass: batches claimed and what became of each row."""

    batches: int = 0
    claimed: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)

    def add_batch(self, size: int) -> None:
        """Count a claimed batch."""
        self.batches += 1
        self.claimed += size

    def count(self, outcome: Outcome) -> None:
        """Count one row's outcome."""
        self.outcomes[outcome] += 1

    @property
    def sent(self) -> int:
        """Rows posted by this pass."""
        return self.outcomes[Outcome.SENT]

    @property
    def delivered(self) -> int:
        """Rows now recorded as sent: posted by this pass or found posted by an earlier claim."""
        return self.outcomes[Outcome.SENT] + self.outcomes[Outcome.FOUND]


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
