"""What became of each claimed row, and what one delivery pass did."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field


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


@dataclass
class SendReport:
    """One delivery pass: batches claimed and what became of each row."""

    batches: int = 0
    claimed: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    rows: dict[int, Outcome] = field(default_factory=dict)  # row id -> what became of it
    errors: dict[int, str] = field(default_factory=dict)  # row id -> why it failed

    def add_batch(self, size: int) -> None:
        """Count a claimed batch."""
        self.batches += 1
        self.claimed += size

    def count(self, row_id: int, outcome: Outcome) -> None:
        """Count one row's outcome."""
        self.outcomes[outcome] += 1
        self.rows[row_id] = outcome

    @property
    def sent(self) -> int:
        """Rows posted by this pass."""
        return self.outcomes[Outcome.SENT]

    @property
    def delivered(self) -> int:
        """Rows now recorded as sent: posted by this pass or found posted by an earlier claim."""
        return self.outcomes[Outcome.SENT] + self.outcomes[Outcome.FOUND]
