"""What an import did: rows created, updated and left unchanged, per kind."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

KINDS = ("workspace", "units", "people", "csfs", "goals")


@dataclass
class KindCounts:
    """Created, updated and unchanged rows of one kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """The outcome of one import into one workspace."""

    team_id: str
    workspace: KindCounts = field(default_factory=KindCounts)
    units: KindCounts = field(default_factory=KindCounts)
    people: KindCounts = field(default_factory=KindCounts)
    csfs: KindCounts = field(default_factory=KindCounts)
    goals: KindCounts = field(default_factory=KindCounts)

    @property
    def changed(self) -> bool:
        """True when the import created or updated anything."""
        return any(self.counts(kind).created or self.counts(kind).updated for kind in KINDS)

    def counts(self, kind: str) -> KindCounts:
        """The counts of one kind by name (``units``, ``goals``...)."""
        value = getattr(self, kind)
        assert isinstance(value, KindCounts)
        return value

    def summary(self) -> str:
        """One line per kind, e.g. ``goals: 3 created, 1 updated, 26 unchanged``."""
        names = [item.name for item in fields(KindCounts)]
        return "\n".join(
            f"{kind}: " + ", ".join(f"{getattr(self.counts(kind), n)} {n}" for n in names)
            for kind in KINDS
        )
