"""A parsed plan: entries with the values they give and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.plan.errors import PlanError, Where
from bot.plan.fields import Field


@dataclass
class Entry:
    """One workspace, unit, person, CSF or goal from a plan file.

    ``values`` holds only the fields the file gives (a YAML ``null`` gives ``None``, which
    clears the stored value); a field left out keeps what is stored.
    """

    where: Where
    values: dict[str, Any] = field(default_factory=dict)
    src: dict[str, Where] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)

    def at(self, name: str) -> Where:
        """Where a field was given, or where it should have been."""
        return self.src.get(name) or self.where.child(name)

    def get(self, name: str) -> Any:
        """A field's value, or None when not given."""
        return self.values.get(name)

    @property
    def key(self) -> str | None:
        """The entry's stable key, when it has a valid one."""
        value = self.values.get("key")
        return value if isinstance(value, str) else None


@dataclass
class Plan:
    """Everything a plan file (YAML) or goals file (CSV) says."""

    file: str
    readable: bool = True  # False when the file could not be read as a plan at all
    workspace: Entry | None = None
    units: list[Entry] = field(default_factory=list)
    people: list[Entry] = field(default_factory=list)
    csfs: list[Entry] = field(default_factory=list)
    goals: list[Entry] = field(default_factory=list)


def read_value(
    entry: Entry, name: str, spec: Field, raw: str | None, where: Where, errors: list[PlanError]
) -> None:
    """Convert one given field into ``entry``, or record why it cannot be."""
    entry.src[name] = where
    if raw is None:
        if spec.required:
            entry.invalid.add(name)
            errors.append(where.error("missing value"))
        else:
            entry.values[name] = None
        return
    try:
        entry.values[name] = spec.convert(raw)
    except ValueError as exc:
        entry.invalid.add(name)
        errors.append(where.error(str(exc)))


def check_required(
    entry: Entry, fields: dict[str, Field], where: Where, errors: list[PlanError]
) -> None:
    """Record every required field that ``entry`` leaves out of the mapping at ``where``."""
    for name, spec in fields.items():
        if spec.required and name not in entry.src:
            errors.append(where.child(name).error("missing required field"))
